"""The one home of every enumeration a comment carries, with its words.

Each value has
- `label`: the interface text (Simplified Chinese msgid, translated by Flask-Babel when shown),
- `formal`: the wording printed in Word documents and letters (always Chinese, never translated),
- `rank`: its place in text order or in lists,
- `aliases`: the words people type for it (spreadsheet cells, the staff query syntax).

Templates, search, exports, statistics, forms and the receipt page read these tables; a test
(`tests/comments/test_vocabulary.py`) fails when a label of these values is written anywhere else.

Domain terms: 采纳情况 decision (adopted / partly_adopted / not_adopted / under_study, DOMAIN.md §1 wording
采纳 / 部分采纳 / 未采纳 / 待研究), 审核 moderation, 渠道 channel, 条款 anchor, 提出人类别 commenter category.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.vocabulary import Term, Vocabulary  # noqa: F401  (re-exported: the shape of every term)


# 采纳情况. `UNDECIDED` is the filter value and the word for "no decision yet" (Comment.decision is NULL).
UNDECIDED = "none"
DECISION = Vocabulary("decision", [
    Term("adopted", _l("采纳"), "采纳", 0, ("已采纳",)),
    Term("partly_adopted", _l("部分采纳"), "部分采纳", 1, ("部分",)),
    Term("not_adopted", _l("未采纳"), "未采纳", 2, ("不采纳",)),
    Term("under_study", _l("待研究"), "待研究", 3, ("研究中",)),
])
DECISION_OR_UNDECIDED = Vocabulary("decision_or_undecided", [
    *DECISION.terms,
    Term(UNDECIDED, _l("未处理"), "未处理", 4, ("无", "未决定"), public="尚未答复"),
])
DECISIONS = DECISION.codes
# Decisions that need a reason (未采纳 / 部分采纳 must say why).
DECISIONS_NEEDING_REASON = ("partly_adopted", "not_adopted")


def decision_label(code) -> str:
    """Interface label of a decision; None means not decided yet."""
    return DECISION_OR_UNDECIDED.label(code or UNDECIDED)


def decision_formal(code) -> str:
    """Document wording of a decision for staff documents; None means not decided yet."""
    return DECISION_OR_UNDECIDED.formal(code or UNDECIDED)


def decision_public(code) -> str:
    """What the commenter reads about the decision on their comment (never an internal word)."""
    return DECISION_OR_UNDECIDED[code or UNDECIDED].public_wording


# 审核状态: online comments wait for moderation; comments entered by staff or facilitators are recorded
# internally (内部记录) and are not published.
MODERATION = Vocabulary("moderation", [
    Term("pending", _l("待审核"), "待审核", 0, ("待审",)),
    Term("published", _l("已公开"), "已公开", 1, ("公开", "已发布")),
    Term("rejected", _l("不予公开"), "不予公开", 2, ("已驳回", "未通过", "驳回")),
    Term("internal", _l("内部记录"), "内部记录", 3, ("内部",)),
])
MODERATION_STATES = MODERATION.codes

# 渠道: how a comment reached us.
CHANNEL = Vocabulary("channel", [
    Term("meeting", _l("座谈会"), "座谈会", 0, ("会议", "联系点")),
    Term("online", _l("网上征求意见"), "网上征求意见", 1, ("网上", "在线", "网络", "网站")),
    Term("letter", _l("来信"), "来信", 2, ("信函",)),
    Term("email", _l("电子邮件"), "电子邮件", 3, ("邮件", "e-mail")),
    Term("department", _l("部门意见"), "部门意见", 4, ("部门",)),
    Term("expert", _l("专家意见"), "专家意见", 5, ("专家",)),
    Term("qr", _l("扫码提意见"), "扫码提意见", 6, ("扫码", "二维码", "qr")),
])
CHANNELS = CHANNEL.codes
# Channels where residents type their own comment on the public form: staff moderate these before they
# are published (qr = through a contact point's poster, 扫码提意见).
SELF_SUBMITTED_CHANNELS = ("online", "qr")

# 条款: what part of the text a comment addresses. Rank is text order of the sections a summary has:
# 总体意见 → 名称 → the articles → 建议新增条款.
ANCHOR = Vocabulary("anchor", [
    Term("general", _l("总体意见"), "总体意见", 0, ("总体", "整体")),
    Term("title", _l("名称"), "名称", 1, ("标题", "题目")),
    Term("article", _l("条"), "条", 2),
    Term("paragraph", _l("款"), "款", 2),
    Term("item", _l("项"), "项", 2),
    Term("new_article", _l("新增条款"), "建议新增条款", 3, ("新增", "增加条款")),
])
ANCHOR_KINDS = ANCHOR.codes
TEXT_ANCHORS = ("article", "paragraph", "item")

# 提出人类别: the code is the Chinese word itself (it is what spreadsheets carry).
COMMENTER_CATEGORY = Vocabulary("commenter_category", [
    Term("居民", _l("居民"), "居民", 0),
    Term("人大代表", _l("人大代表"), "人大代表", 1, ("代表",)),
    Term("企业", _l("企业"), "企业", 2),
    Term("社会组织", _l("社会组织"), "社会组织", 3),
    Term("专家学者", _l("专家学者"), "专家学者", 4, ("专家",)),
    Term("律师", _l("律师"), "律师", 5),
    Term("学生", _l("学生"), "学生", 6),
    Term("村民", _l("村民"), "村民", 7),
    Term("个体工商户", _l("个体工商户"), "个体工商户", 8),
    Term("政府部门", _l("政府部门"), "政府部门", 9, ("部门",)),
    Term("其他", _l("其他"), "其他", 10),
])
COMMENTER_CATEGORIES = COMMENTER_CATEGORY.codes
# Categories whose name may be shown in full (an organisation is not a person, DOMAIN.md §4).
ORGANISATION_CATEGORIES = ("企业", "社会组织", "政府部门")

# 条文沿革 (article lineage across versions, issue 10): how an article of one version became the next one's
# (`ArticleLink.kind` / `.shape`), and what became of the article a comment was made on (`current_article`).
LINK_KIND = Vocabulary("link_kind", [
    Term("unchanged", _l("未修改"), "未修改", 0, ("不变", "未变")),
    Term("modified", _l("有修改"), "修改", 1, ("已修改", "有修改")),
])
LINK_SHAPE = Vocabulary("link_shape", [
    Term("one-to-one", _l("一对一"), "一对一", 0),
    Term("merge", _l("合并"), "合并", 1),
    Term("split", _l("拆分"), "拆分", 2),
])
CARRIED_STATUS = Vocabulary("carried_status", [
    Term("current", _l("本版条文"), "本版条文", 0),
    Term("unchanged", _l("条文未修改"), "条文未修改", 1),
    Term("modified", _l("条文已修改"), "条文已修改", 2),
    Term("merged", _l("条文已合并"), "条文已合并", 3),
    Term("split", _l("条文已拆分"), "条文已拆分", 4),
    Term("deleted", _l("条文已删除"), "条文已删除", 5),
])
# The staff filter "article changed since the comment" (Selection key `carried`) and the statuses each takes.
CARRIED = Vocabulary("carried", [
    Term("changed", _l("意见所涉条文已变化"), "条文已变化", 0, ("变化", "已变化", "修改", "已修改", "有修改")),
    Term("unchanged", _l("意见所涉条文未变化"), "条文未变化", 1, ("未变化", "未修改", "未变", "不变")),
    Term("deleted", _l("意见所涉条文已删除"), "条文已删除", 2, ("删除", "已删除")),
])
CARRIED_STATUSES = {"changed": ("modified", "merged", "split"), "unchanged": ("current", "unchanged"),
                    "deleted": ("deleted",)}

VOCABULARIES = (DECISION_OR_UNDECIDED, MODERATION, CHANNEL, ANCHOR, COMMENTER_CATEGORY, LINK_KIND, LINK_SHAPE,
                CARRIED_STATUS, CARRIED)


def template_globals() -> dict:
    """The tables templates read (`vocab.decision.label(c.decision)` …)."""
    return {"vocab": {"decision": DECISION_OR_UNDECIDED, "moderation": MODERATION, "channel": CHANNEL,
                      "anchor": ANCHOR, "category": COMMENTER_CATEGORY, "link_kind": LINK_KIND,
                      "link_shape": LINK_SHAPE, "carried_status": CARRIED_STATUS, "carried": CARRIED}}
