"""Personal data typed into comment text never reaches public pages or exports unmasked."""
import pytest

from consult.comments.privacy import is_organisation_category, mask_contact, mask_name, scrub_personal_data
from consult.comments.services import submit_online_comment
from consult.review.services import publish_comment


@pytest.mark.parametrize("text, hidden, kept", [
    ("电话13912345678找我", "13912345678", "139****5678"),
    ("身份证110101199003071234", "110101199003071234", "110101********1234"),
    ("证号11010119900307123X", "11010119900307123X", "123X"),
    ("邮箱 zhang.san@example.com", "zhang.san@example.com", "z***@example.com"),
    ("座机0571-87654321", "87654321", "4321"),
])
def test_scrub_masks_ids_phones_and_emails(text, hidden, kept):
    scrubbed = scrub_personal_data(text)
    assert hidden not in scrubbed and kept in scrubbed


@pytest.mark.parametrize("text", ["第12条第3款", "2026年11月20日起施行", "共100000人次", "5G基站", "A级景区"])
def test_scrub_leaves_legal_text_and_numbers_alone(text):
    assert scrub_personal_data(text) == text


def test_masking_helpers():
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***" and mask_name("") == "匿名"
    assert mask_name("清江市旅游协会", True) == "清江市旅游协会"
    assert mask_contact("13912345678") == "139****5678"


def test_organisation_comes_from_the_category_not_the_name_and_is_scrubbed_too():
    # a resident who typed a phone number and an organisation-like suffix is still a person
    assert mask_name("张伟13811114444中心") == "张" + "*" * 14
    assert is_organisation_category("企业") and not is_organisation_category("居民")
    assert mask_name("某某13811114444公司", True) == "某某138****4444公司"


def test_full_width_digits_are_masked():
    text = "电话１３８１２３４５６７８，身份证１１０１０１１９９００１０１１２３４，邮箱ａｂｃ＠ｅｘａｍｐｌｅ．ｃｏｍ"
    scrubbed = scrub_personal_data(text)
    assert "１３８１２３４５６７８" not in scrubbed and "138****5678" in scrubbed
    assert "１１０１０１１９９００１０１１２３４" not in scrubbed and "110101********1234" in scrubbed
    assert "ａｂｃ＠" not in scrubbed and scrubbed.startswith("电话")


def test_invisible_characters_are_stripped_on_input(db, make_draft):
    comment = submit_online_comment(make_draft(), anchor="4", body="停\u200b车\u202e难",
                                    commenter_name="李\u200d四")
    assert comment.body == "停车难" and comment.commenter_name == "李四"


def test_public_article_page_masks_numbers_in_comment_text(client, db, make_draft, make_user):
    draft = make_draft()
    comment = submit_online_comment(draft, anchor="4", body="有问题请打13912345678联系我，身份证110101199003071234。",
                                    commenter_name="李四")
    publish_comment(comment, actor=make_user("staff"))
    db.session.commit()
    html = client.get(f"/drafts/{draft.id}/articles/4").get_data(as_text=True)
    assert "有问题请打" in html and "139****5678" in html
    assert "13912345678" not in html and "110101199003071234" not in html and "李四" not in html


def test_citizen_search_masks_numbers_in_comment_text(client, db, make_draft, make_user):
    from consult.search.services import sync_pending

    draft = make_draft()
    comment = submit_online_comment(draft, anchor="4", body="停车难的问题请打13912345678联系我。")
    publish_comment(comment, actor=make_user("staff"))
    db.session.commit()
    sync_pending()
    html = client.get("/search/?q=停车难").get_data(as_text=True)
    assert "139****5678" in html and "13912345678" not in html
