"""Chinese numerals in labels: 一百零一, 一百一十, 两千, full-width digits, round trips."""
import pytest

from consult.lawtext import article_label, cn_to_int, int_to_cn


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("一百", 100),
    ("一百零一", 101), ("一百一十", 110), ("一百一十一", 111), ("二百", 200), ("九百九十九", 999),
    ("一千", 1000), ("一千零一", 1001), ("一千零一十", 1010), ("一千二百六十", 1260), ("两千", 2000),
    ("二千", 2000), ("两百", 200), ("一万", 10000), ("一万零五", 10005), ("零", 0),
    ("12", 12), ("１２", 12), ("１２６０", 1260), (" 七 ", 7), ("二〇二一", 2021),
])
def test_cn_to_int_reads_label_numerals(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["", "条", "百", "一百一", "十十", "一百零", "零一", "一千零百", "1二", "abc",
                                  "一百零零一", "二十百"])
def test_cn_to_int_rejects_invalid_numerals(text):
    with pytest.raises(ValueError):
        cn_to_int(text)


@pytest.mark.parametrize("value, text", [
    (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (101, "一百零一"), (110, "一百一十"),
    (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"), (1260, "一千二百六十"), (2000, "二千"),
    (10010, "一万零一十"),
])
def test_int_to_cn_renders_label_form(value, text):
    assert int_to_cn(value) == text


def test_round_trip_1_to_2000():
    for n in range(0, 2001):
        assert cn_to_int(int_to_cn(n)) == n


def test_int_to_cn_rejects_negative():
    with pytest.raises(ValueError):
        int_to_cn(-1)


def test_article_label():
    assert article_label(12) == "第十二条"
    assert article_label(12, 1) == "第十二条之一"
    assert article_label(1260) == "第一千二百六十条"
