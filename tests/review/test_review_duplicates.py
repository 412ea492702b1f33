"""Near-duplicate detection on Chinese text, and the group verbs (confirm, split, decide once)."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.comments.models import Comment, DuplicateGroup
from consult.comments import duplicates
from consult.review import services
from consult.comments.duplicates import DuplicateError
from consult.review.services import ReviewError

CAMPAIGN = "建议在第三条中明确规定民宿经营者应当在入住时告知游客消防安全设施的位置和使用方法，保障游客人身安全。"
EDITED = "建议在第三条中明确规定民宿经营者应当在入住时告知游客消防设施的位置和使用方法，保障游客的人身安全！"
TRADITIONAL = "建議在第三條中明確規定民宿經營者應當在入住時告知遊客消防安全設施的位置和使用方法，保障遊客人身安全。"
FULLWIDTH_SPACED = "建议 在第三条中明确规定民宿经营者应当在入住时告知游客消防安全设施的位置和使用方法， 保障游客人身安全．"
SHARES_WORDS = "建议在第三条中明确规定景区经营者应当公布最大承载量，并在节假日实行预约制度，保障游客人身安全。"
UNRELATED = "游客乱扔垃圾的现象比较普遍，建议增加文明旅游宣传，在景区多设垃圾桶。"


def test_normalise_folds_width_script_and_punctuation():
    assert duplicates.normalise(TRADITIONAL) == duplicates.normalise(CAMPAIGN)
    assert duplicates.normalise(FULLWIDTH_SPACED) == duplicates.normalise(CAMPAIGN)
    assert duplicates.normalise("ＡＢＣ１２３，。！ 旅遊") == "abc123旅游"


def test_detect_groups_on_chinese_variants():
    items = [(1, "a", CAMPAIGN), (2, "a", EDITED), (3, "a", TRADITIONAL), (4, "a", FULLWIDTH_SPACED),
             (5, "a", SHARES_WORDS), (6, "a", UNRELATED), (7, "a", UNRELATED)]
    assert duplicates.detect_groups(items) == [[1, 2, 3, 4], [6, 7]]


def test_shared_words_do_not_group():
    sim = duplicates.jaccard(duplicates.shingles(duplicates.normalise(CAMPAIGN)),
                             duplicates.shingles(duplicates.normalise(SHARES_WORDS)))
    assert sim < 0.5
    assert duplicates.detect_groups([(1, "a", CAMPAIGN), (2, "a", SHARES_WORDS)]) == []


def test_same_text_on_different_articles_does_not_group():
    assert duplicates.detect_groups([(1, ("article", 1), "建议删除本条"), (2, ("article", 2), "建议删除本条"),
                                     (3, ("article", 1), "建议删除本条。")]) == [[1, 3]]


def test_a_few_thousand_comments_are_grouped():
    rng = random.Random(7)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(40, 160))) for _ in range(3000)]
    items = [(i, i % 10, text) for i, text in enumerate(texts)]
    # 30 campaigns of 5 copies each, with one character changed in each copy
    next_id = len(items)
    expected = []
    for campaign in range(30):
        base = texts[campaign * 50]
        group = [campaign * 50]
        for copy in range(4):
            position = rng.randrange(len(base))
            items.append((next_id, (campaign * 50) % 10, base[:position] + "改" + base[position + 1:]))
            group.append(next_id)
            next_id += 1
        expected.append(sorted(group))
    groups = duplicates.detect_groups(items)
    assert sorted(expected) == sorted(groups)


def make_group_comments(entered, n=3, anchor="4"):
    """n comments with (nearly) the same text on one article, from the entered factory."""
    texts = [CAMPAIGN, EDITED, TRADITIONAL, FULLWIDTH_SPACED][:n]
    return [entered(body=text, anchor=anchor) for text in texts]


def test_find_groups_in_a_draft(db, draft, entered, online, staff):
    same = make_group_comments(entered)
    other = entered(body=SHARES_WORDS, anchor="4")
    elsewhere = entered(body=CAMPAIGN, anchor="5")
    groups = services.find_duplicate_groups(draft)
    db.session.commit()
    assert len(groups) == 1
    assert [c.id for c in groups[0].comments] == [c.id for c in same]
    assert other.duplicate_group_id is None and elsewhere.duplicate_group_id is None
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "duplicates.recompute")) == 1


def test_recompute_keeps_identical_groups_and_confirmed_ones(db, draft, entered, staff):
    same = make_group_comments(entered)
    group = services.find_duplicate_groups(draft)[0]
    group_id = group.id
    assert services.find_duplicate_groups(draft)[0].id == group_id  # unchanged membership → same group
    services.confirm_group(group, actor=staff)
    db.session.commit()
    late = entered(body=CAMPAIGN + "。", anchor="4")  # a late copy: confirmed groups are never regrouped
    groups = services.find_duplicate_groups(draft)
    db.session.commit()
    confirmed = db.session.get(DuplicateGroup, group_id)
    assert confirmed.confirmed and [c.id for c in confirmed.comments] == [c.id for c in same]
    assert late.duplicate_group_id is None  # alone among unconfirmed comments
    assert [g.id for g in groups] == [group_id]


def test_split_out_comment_stays_out(db, draft, entered, staff):
    same = make_group_comments(entered, n=4)
    group = services.find_duplicate_groups(draft)[0]
    services.split_from_group(same[1], actor=staff)
    db.session.commit()
    assert same[1].duplicate_group_id is None
    assert len(group.comments) == 3
    services.find_duplicate_groups(draft)
    db.session.commit()
    db.session.refresh(same[1])
    assert same[1].duplicate_group_id is None
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == duplicates.SPLIT_ACTION)) == 1


def test_split_dissolves_a_pair(db, draft, entered, staff):
    pair = make_group_comments(entered, n=2)
    group = services.find_duplicate_groups(draft)[0]
    group_id = group.id
    services.split_from_group(pair[0], actor=staff)
    db.session.commit()
    assert db.session.get(DuplicateGroup, group_id) is None
    assert all(db.session.get(Comment, c.id).duplicate_group_id is None for c in pair)
    with pytest.raises(DuplicateError):
        services.split_from_group(pair[0], actor=staff)


def test_decide_group_once_for_all(db, draft, entered, staff):
    same = make_group_comments(entered)
    group = services.find_duplicate_groups(draft)[0]
    with pytest.raises(ReviewError, match="确认"):
        services.decide_group(group, "adopted", "", actor=staff)
    services.confirm_group(group, actor=staff)
    with pytest.raises(ReviewError):
        services.decide_group(group, "not_adopted", "", actor=staff)
    assert all(c.decision is None for c in same)
    assert services.decide_group(group, "partly_adopted", "部分意见已吸收", actor=staff) == 3
    db.session.commit()
    assert all(c.decision == "partly_adopted" and c.decision_reason == "部分意见已吸收" for c in same)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "duplicates.decide")) == 1


def test_group_verbs_refuse_non_staff(db, draft, entered, facilitator):
    make_group_comments(entered)
    group = services.find_duplicate_groups(draft)[0]
    with pytest.raises(DuplicateError):
        services.confirm_group(group, actor=facilitator)
    assert not group.confirmed


def test_find_groups_over_thousands_of_comments(db, draft):
    """3,000 comments in one draft: exactly the planted campaigns come out as groups."""
    rng = random.Random(11)
    alphabet = "景区游客民宿经营者应当规定建议条例服务安全管理部门政府公布信息价格交通停车文明旅游保护资源发展"
    version = draft.current_version
    articles = version.articles
    rows, planted = [], []
    for n in range(2900):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(40, 120)))
        rows.append(Comment(draft_id=draft.id, version_id=version.id, article_id=articles[n % 5].id,
                            anchor_kind="article", body=text, channel="meeting", moderation_state="internal",
                            receipt_code=f"T{n:07d}"))
    for campaign in range(25):
        base = "".join(rng.choice(alphabet) for _ in range(80))
        members = []
        for copy in range(4):
            position = rng.randrange(80)
            body = base[:position] + "，" + base[position:] if copy else base  # punctuation only: identical
            members.append(Comment(draft_id=draft.id, version_id=version.id,
                                   article_id=articles[campaign % 5].id,
                                   anchor_kind="article", body=body, channel="meeting",
                                   moderation_state="internal", receipt_code=f"C{campaign:03d}{copy}"))
        rows.extend(members)
        planted.append(members)
    db.session.add_all(rows)
    db.session.commit()
    groups = services.find_duplicate_groups(draft)
    db.session.commit()
    assert sorted(sorted(c.id for c in g.comments) for g in groups) == \
        sorted(sorted(c.id for c in members) for members in planted)
