"""The pure article matcher on versions of the sample draft built by hand."""
from consult.drafts.lineage import (
    ArticleText, derive_shapes, is_unchanged, match_articles, normalize_for_comparison, text_similarity)
from tests.drafts.lineage_fixtures import Entry, article_texts, renumber_references, sample_entries

OLD_ID = 1000   # old article ids are 1000 + position, new ones 2000 + position


def old_version():
    return article_texts(sample_entries(), OLD_ID)


def by_label(matching, old, new):
    """The links as {(old label, new label): (kind, shape)} and the deleted / added labels."""
    old_label = {a.id: a.label for a in old}
    new_label = {a.id: a.label for a in new}
    links = {(old_label[link.old_id], new_label[link.new_id]): (link.kind, link.shape) for link in matching.links}
    return links, [old_label[i] for i in matching.deleted], [new_label[i] for i in matching.added]


def sample_numbers():
    return {str(n): n for n in range(1, 54)}


def test_identical_versions_link_every_article_unchanged():
    old = old_version()
    new = article_texts(sample_entries(), 2000)
    matching = match_articles(old, new)
    assert len(matching.links) == 53
    assert all(link.new_id - 2000 == link.old_id - OLD_ID for link in matching.links)
    assert {(link.kind, link.shape, link.similarity) for link in matching.links} == {("unchanged", "one-to-one", 1.0)}
    assert matching.deleted == [] and matching.added == []


def test_inserted_article_renumbers_the_rest_and_their_cross_references_without_changing_them():
    entries = sample_entries()
    entries.insert(2, Entry("市、区（县）人民政府应当每年向本级人民代表大会常务委员会报告全域旅游发展情况。", tag="new"))
    entries = renumber_references(entries, sample_numbers())
    old, new = old_version(), article_texts(entries, 2000)
    assert "违反本条例第十五条第二款规定" in new[46].text        # old 第四十六条 cited 第十四条, now 第十五条
    links, deleted, added = by_label(match_articles(old, new), old, new)
    assert added == ["第三条"] and deleted == []
    assert links[("第三条", "第四条")] == ("unchanged", "one-to-one")
    assert links[("第四十六条", "第四十七条")] == ("unchanged", "one-to-one")
    assert links[("第五十三条", "第五十四条")] == ("unchanged", "one-to-one")
    assert len(links) == 53 and all(kind == "unchanged" for kind, _shape in links.values())


def test_insert_zhi_yi_keeps_the_numbers_of_the_others():
    entries = sample_entries()
    entries.insert(5, Entry("旅游景区应当为残疾人、老年人提供无障碍游览路线和必要的辅助器具。", suffix=1, tag="new"))
    old, new = old_version(), article_texts(entries, 2000)
    assert new[5].label == "第五条之一"
    links, deleted, added = by_label(match_articles(old, new), old, new)
    assert added == ["第五条之一"] and deleted == []
    assert links[("第五条", "第五条")] == ("unchanged", "one-to-one")
    assert links[("第六条", "第六条")] == ("unchanged", "one-to-one")


def test_deleted_article_is_listed_and_the_following_ones_are_renumbered():
    entries = sample_entries()
    del entries[31]                       # 第三十二条 (cash payments) goes
    entries = renumber_references(entries, sample_numbers())
    old, new = old_version(), article_texts(entries, 2000)
    links, deleted, added = by_label(match_articles(old, new), old, new)
    assert deleted == ["第三十二条"] and added == []
    assert links[("第三十三条", "第三十二条")] == ("unchanged", "one-to-one")
    assert links[("第四十九条", "第四十八条")] == ("unchanged", "one-to-one")   # cites 第三十一条: unchanged


def test_merge_two_old_articles_into_one():
    entries = sample_entries()
    merged = entries[34].body + "\n" + entries[35].body   # 第三十五条 toilets + 第三十六条 signs
    entries[34:36] = [Entry(merged, tag="35+36")]
    old, new = old_version(), article_texts(entries, 2000)
    links, deleted, added = by_label(match_articles(old, new), old, new)
    assert links[("第三十五条", "第三十五条")] == ("modified", "merge")
    assert links[("第三十六条", "第三十五条")] == ("modified", "merge")
    assert deleted == [] and added == []
    assert links[("第三十七条", "第三十六条")] == ("unchanged", "one-to-one")


def test_split_one_old_article_into_two():
    entries = sample_entries()
    first, second = entries[17].body.split("\n", 1)       # 第十八条 has three paragraphs
    entries[17:18] = [Entry(first, tag="18a"), Entry(second, tag="18b")]
    old, new = old_version(), article_texts(entries, 2000)
    links, deleted, added = by_label(match_articles(old, new), old, new)
    assert links[("第十八条", "第十八条")] == ("modified", "split")
    assert links[("第十八条", "第十九条")] == ("modified", "split")
    assert deleted == [] and added == []
    assert links[("第十九条", "第二十条")] == ("unchanged", "one-to-one")


def test_reworded_article_is_modified_with_a_lower_similarity():
    entries = sample_entries()
    entries[31] = Entry("旅游景区、旅游住宿、旅游餐饮等经营场所应当支持现金、银行卡和移动支付等多种支付方式，"
                        "不得拒收现金或者对现金支付设置障碍。", tag="32")
    old, new = old_version(), article_texts(entries, 2000)
    matching = match_articles(old, new)
    links, deleted, added = by_label(matching, old, new)
    assert links[("第三十二条", "第三十二条")] == ("modified", "one-to-one")
    assert deleted == [] and added == []
    link = next(link for link in matching.links if link.old_id == OLD_ID + 31)
    assert 0.2 < link.similarity < 0.9


def test_stock_phrases_do_not_link_unrelated_articles():
    """A deleted penalty article and an added one share the stock wording of every penalty article
    (违反本条例…规定…由…主管部门责令改正…处…罚款) and sit in the same place: they are not the same article."""
    entries = sample_entries()
    entries[48] = Entry("违反本条例第三十条规定，通信运营企业未按照要求建设旅游区域通信设施的，由通信管理部门"
                        "责令改正；拒不改正的，处一千元以上一万元以下罚款。", tag="new")
    old, new = old_version(), article_texts(entries, 2000)
    links, deleted, added = by_label(match_articles(old, new), old, new)
    assert deleted == ["第四十九条"] and added == ["第四十九条"]
    assert ("第四十九条", "第四十九条") not in links


def test_everything_at_once_renumber_merge_split_insert_delete_reword():
    entries = sample_entries()
    entries[51] = Entry("市人民政府应当根据本条例，在本条例施行之日起六个月内制定民宿管理、旅游景区门票管理"
                        "等配套规定。", tag="52")                           # reword 第五十二条
    del entries[43]                                                         # delete 第四十四条
    entries[34:36] = [Entry(entries[34].body + "\n" + entries[35].body, tag="35+36")]   # merge
    first, second = entries[17].body.split("\n", 1)
    entries[17:18] = [Entry(first, tag="18a"), Entry(second, tag="18b")]    # split
    entries.insert(8, Entry("本市设立全域旅游发展专项资金，用于旅游公共服务设施建设和旅游品牌推广。", tag="new9"))
    entries.insert(13, Entry("鼓励社会资本参与旅游资源开发，依法保护投资者的合法权益。", suffix=1, tag="new-zhi"))
    entries = renumber_references(entries, sample_numbers())
    old, new = old_version(), article_texts(entries, 2000)
    matching = match_articles(old, new)
    links, deleted, added = by_label(matching, old, new)
    new_label = {entry.tag: a.label for a, entry in zip(new, entries)}
    assert deleted == ["第四十四条"]
    assert sorted(added) == sorted([new_label["new9"], new_label["new-zhi"]])
    assert links[("第十八条", new_label["18a"])][1] == "split"
    assert links[("第十八条", new_label["18b"])][1] == "split"
    assert links[("第三十五条", new_label["35+36"])][1] == "merge"
    assert links[("第三十六条", new_label["35+36"])][1] == "merge"
    assert links[("第五十二条", new_label["52"])] == ("modified", "one-to-one")
    assert links[("第四十六条", new_label["46"])] == ("unchanged", "one-to-one")    # cross-reference renumbered
    unchanged = [tag for tag in map(str, range(1, 54)) if tag not in {"18", "35", "36", "44", "52"}]
    for tag in unchanged:
        assert links[(f"第{_cn(int(tag))}条", new_label[tag])] == ("unchanged", "one-to-one"), tag
    assert len(matching.links) == len(unchanged) + 5


def _cn(n):
    from consult.lawtext import int_to_cn
    return int_to_cn(n)


def test_normalization_ignores_whitespace_own_label_and_cross_reference_numbers():
    a = normalize_for_comparison("违反本条例第十四条第二款、第十五条规定的，依照第（三）项处理。")
    b = normalize_for_comparison("违反本条例 第十五条第二款、第十六条 规定的，\n依照第（三）项处理。")
    assert a == b == "违反本条例第#条第#款、第#条规定的,依照第#项处理。"
    assert normalize_for_comparison("第五条　本条例自公布之日起施行。", "第五条") == normalize_for_comparison(
        "本条例自公布之日起施行。")
    assert normalize_for_comparison("第六条之一：本条例自公布之日起施行。") == "本条例自公布之日起施行。"
    assert is_unchanged("依照第三条之一的规定办理。", "依照第四条之二的规定办理。")
    assert not is_unchanged("处一千元以上一万元以下罚款。", "处二千元以上二万元以下罚款。")   # amounts are text


def test_similarity_and_shapes():
    assert text_similarity("旅游经营者应当诚信经营。", "旅游经营者应当诚信经营。") == 1.0
    assert 0 < text_similarity("旅游经营者应当诚信经营。", "旅行社应当诚信经营，不得欺诈。") < 1
    assert derive_shapes([(1, 10), (2, 10), (3, 11), (3, 12), (4, 13)]) == {
        (1, 10): "merge", (2, 10): "merge", (3, 11): "split", (3, 12): "split", (4, 13): "one-to-one"}


def test_empty_sides_and_empty_bodies():
    old = old_version()
    assert match_articles(old, []).deleted == [a.id for a in old]
    assert match_articles([], old).added == [a.id for a in old]
    blank_old = [ArticleText(1, "第一条", 1, None, 0, ""), ArticleText(2, "第二条", 2, None, 1, "本条例自公布之日起施行。")]
    blank_new = [ArticleText(3, "第一条", 1, None, 0, ""), ArticleText(4, "第二条", 2, None, 1, "本条例自公布之日起施行。")]
    matching = match_articles(blank_old, blank_new)
    assert {(link.old_id, link.new_id, link.kind) for link in matching.links} == {(1, 3, "unchanged"),
                                                                                  (2, 4, "unchanged")}


def test_swapped_articles_and_a_moved_reworded_chapter_keep_their_lineage():
    entries = sample_entries()
    entries[10], entries[11] = entries[11], entries[10]                      # 第十一条 and 第十二条 swap
    block = [Entry(e.body.replace("应当", "必须"), tag=e.tag) for e in entries[32:37]]
    del entries[32:37]
    entries[5:5] = block                                                     # 第三十三～三十七条 moved up
    old, new = old_version(), article_texts(entries, 2000)
    matching = match_articles(old, new)
    tag_of_new = {a.id: entry.tag for a, entry in zip(new, entries)}
    assert {(link.old_id - OLD_ID + 1, int(tag_of_new[link.new_id])) for link in matching.links} == {
        (n, n) for n in range(1, 54)}
    assert matching.deleted == [] and matching.added == []
