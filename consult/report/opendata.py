"""Open data of a released report: one row per counted comment, as CSV and JSON, with its data dictionary.

What a row holds, and what it never holds:
- the text (body, proposed wording) only of comments published on the public pages, masked exactly as
  those pages show it (`scrub_personal_data`: phones, ID numbers, e-mail addresses); comments recorded
  at meetings, by letter … (内部记录) are rows with their article, channel, district, date and decision,
  but no text (`text_published` is false): their text was never published;
- never a name (masked or not), contact, receipt code, contact point, meeting or staff member;
- comments still pending moderation or not published (不予公开) are not rows at all (the report does
  not count them either).
CSV cells that a spreadsheet would run as a formula start with an apostrophe (as in the staff sheet).

`FIELDS` is the one description of the columns: the CSV header, the JSON keys, the dictionary page and
the Table Schema (frictionlessdata.io) at schema.json all read it.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consult.comments.anchors import comment_anchor_label
from consult.comments.models import Comment
from consult.comments.privacy import scrub_personal_data
from consult.comments.vocabulary import ANCHOR, CHANNEL, DECISION_OR_UNDECIDED, TEXT_ANCHORS, UNDECIDED
from consult.contact_points.models import ContactPoint
from consult.drafts.localtime import utc_to_local
from consult.drafts.models import Article, DraftVersion
from consult.exports.sheet import _csv_safe
from consult.extensions import db
from consult.vocabulary import Vocabulary

BATCH = 1000  # rows per chunk of a download


@dataclass(frozen=True)
class Field:
    """One column of the open data."""

    name: str
    type: str  # Table Schema type: integer, string, date, boolean
    title: object
    description: object
    vocabulary: Vocabulary | None = None  # coded fields: the allowed codes and their wording

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed codes of a coded field (empty for free text)."""
        return self.vocabulary.codes if self.vocabulary is not None else ()

    def value_words(self) -> list[tuple[str, str]]:
        """(code, its formal wording) for a coded field, in vocabulary order."""
        return [(t.code, t.formal) for t in self.vocabulary] if self.vocabulary is not None else []


FIELDS = (
    Field("comment_id", "integer", _l("意见编号"), _l("意见在本平台的编号，每条意见唯一。不是回执编号。")),
    Field("draft_id", "integer", _l("草案编号"), _l("草案在本平台的编号。")),
    Field("version", "string", _l("版本"), _l("意见针对的草案版本，如征求意见稿。")),
    Field("anchor_kind", "string", _l("意见对象类型"), _l("意见针对草案的哪一部分（见取值）。"), ANCHOR),
    Field("anchor", "string", _l("条款"), _l("意见针对的条款，如第十二条第二款第（三）项；不针对条文时为意见对象类型的名称。")),
    Field("article", "string", _l("条"), _l("意见所在的条，如第十二条；意见不针对某一条时为空。")),
    Field("channel", "string", _l("渠道代码"), _l("意见的来源渠道代码（见取值）。"), CHANNEL),
    Field("channel_label", "string", _l("渠道"), _l("渠道的中文名称（渠道代码取值后的名称）。")),
    Field("district", "string", _l("区县"), _l("提交意见的基层立法联系点所在区县；不经联系点的意见为空。")),
    Field("date", "date", _l("日期"), _l("提出意见的日期（会议或来信日期，否则为录入日期），格式 YYYY-MM-DD。")),
    Field("commenter_category", "string", _l("提出人类别"), _l("提出人自选的类别；未填写时为空。不含姓名。")),
    Field("text_published", "boolean", _l("正文已公开"),
          _l("true：意见正文已在网站公开，下两列给出正文；false：联系点会议、来信等内部记录的意见，只公开统计信息，不公开正文。")),
    Field("body", "string", _l("意见内容"), _l("意见正文，与网站公开页面显示的相同：电话、身份证号、电子邮箱已遮蔽。")),
    Field("proposed_text", "string", _l("建议修改为"), _l("提出人建议的条文写法（同样遮蔽个人信息）。")),
    Field("decision", "string", _l("采纳情况代码"), _l("报告发布时的采纳情况代码（见取值）；none 表示尚未答复。"),
          DECISION_OR_UNDECIDED),
    Field("decision_label", "string", _l("采纳情况"), _l("采纳情况的中文名称（采纳情况代码取值后的名称）。")),
    Field("decision_reason", "string", _l("说明"), _l("工作人员对采纳情况的说明（遮蔽个人信息）。")),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)


def table_schema() -> dict:
    """The columns as a Table Schema (https://specs.frictionlessdata.io/table-schema/)."""
    fields = []
    for f in FIELDS:
        entry = {"name": f.name, "type": f.type, "title": str(f.title), "description": str(f.description)}
        if f.type == "date":
            entry["format"] = "%Y-%m-%d"
        if f.values:
            entry["constraints"] = {"enum": list(f.values)}
        fields.append(entry)
    return {"fields": fields, "primaryKey": "comment_id", "missingValues": [""]}


def _day(comment: Comment) -> date:
    if comment.submitted_on:
        return comment.submitted_on
    return (utc_to_local(comment.created_at) or comment.created_at).date()


@dataclass
class _Counted:
    """The columns of a counted comment the open data reads (a plain row, not an ORM object)."""

    id: int
    draft_id: int
    version_id: int
    anchor_kind: str
    article_id: int | None
    paragraph_no: int | None
    item_no: int | None
    channel: str
    submitted_on: date | None
    created_at: object
    commenter_category: str
    moderation_state: str
    body: str
    proposed_text: str
    article: Article | None = None


_COLUMNS = (Comment.id, Comment.draft_id, Comment.version_id, Comment.anchor_kind, Comment.article_id,
            Comment.paragraph_no, Comment.item_no, Comment.channel, Comment.submitted_on, Comment.created_at,
            Comment.commenter_category, Comment.moderation_state, Comment.body, Comment.proposed_text)


def record(comment, decision, reason: str, district: str | None, version_label: str) -> dict:
    """One comment (a Comment or a `_Counted` row) as an open-data row: see the module docstring for what
    it holds and never holds."""
    public = comment.moderation_state == "published"
    on_text = comment.anchor_kind in TEXT_ANCHORS and comment.article is not None
    return {
        "comment_id": comment.id,
        "draft_id": comment.draft_id,
        "version": version_label,
        "anchor_kind": comment.anchor_kind,
        "anchor": comment_anchor_label(comment) if on_text else ANCHOR.formal(comment.anchor_kind),
        "article": comment.article.label if on_text else "",
        "channel": comment.channel,
        "channel_label": CHANNEL.formal(comment.channel),
        "district": district or "",
        "date": _day(comment).isoformat(),
        "commenter_category": comment.commenter_category or "",
        "text_published": public,
        "body": scrub_personal_data(comment.body) if public else "",
        "proposed_text": scrub_personal_data(comment.proposed_text) if public else "",
        "decision": decision or UNDECIDED,
        "decision_label": DECISION_OR_UNDECIDED.formal(decision or UNDECIDED),
        "decision_reason": scrub_personal_data(reason or ""),
    }


def iter_records(report, after_id: int = 0, limit: int | None = None) -> Iterator[dict]:
    """The counted comments of the report as rows, in comment order, from `after_id` on (at most `limit`)."""
    draft = report.draft
    articles = {a.id: a for a in db.session.scalars(
        select(Article).join(DraftVersion, Article.version_id == DraftVersion.id)
        .where(DraftVersion.draft_id == draft.id))}
    labels = {v.id: v.label for v in draft.versions}
    src = report.source
    # Plain columns rather than Comment objects: a third of the time of a large download went to the ORM.
    query = (select(*_COLUMNS, src.c.decision, src.c.reason, ContactPoint.district)
             .join(src, src.c.comment_id == Comment.id)
             .outerjoin(ContactPoint, Comment.contact_point_id == ContactPoint.id)
             .where(Comment.id > after_id).order_by(Comment.id).limit(limit)
             .execution_options(yield_per=BATCH))
    width = len(_COLUMNS)
    for row in db.session.execute(query):
        comment = _Counted(*row[:width])
        comment.article = articles.get(comment.article_id)
        decision, reason, district = row[width:]
        yield record(comment, decision, reason, district, labels.get(comment.version_id, ""))


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _csv_safe(value)


def csv_text(rows: Iterable[dict], *, header: bool = False) -> str:
    """Rows as CSV lines (field names first when `header`, with the UTF-8 BOM Excel needs for Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(FIELD_NAMES)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in FIELD_NAMES])
    return ("\ufeff" if header else "") + buffer.getvalue()


def json_head(meta: dict) -> str:
    """The start of the JSON document: `meta` (draft, release), `fields`, then the `comments` list opens."""
    head = json.dumps({**meta, "fields": list(FIELD_NAMES)}, ensure_ascii=False)
    return head[:-1] + ', "comments": ['


def json_rows(rows: Iterable[dict], *, first: bool) -> str:
    """Rows as JSON objects for the `comments` list (a comma before each but the document's first)."""
    return "".join(("" if first and n == 0 else ",") + "\n" + json.dumps(row, ensure_ascii=False)
                   for n, row in enumerate(rows))


Fetch = Callable[[int], tuple[dict, list[dict]]]


def iter_document(fetch: Fetch, fmt: str, batch: int = BATCH) -> Iterator[str]:
    """The whole CSV or JSON document in chunks of `batch` rows; `fetch(after_id)` → (meta, next rows).

    Each chunk is fetched on its own (keyset paging by comment id), so nothing — no cursor, no
    context — stays open between chunks while the client reads; memory stays bounded.
    """
    after, count = 0, 0
    while True:
        meta, rows = fetch(after)
        if fmt == "csv":
            yield csv_text(rows, header=count == 0)
        else:
            yield (json_head(meta) if count == 0 else "") + json_rows(rows, first=count == 0)
        count += len(rows)
        if len(rows) < batch:
            break
        after = rows[-1]["comment_id"]
    if fmt == "json":
        yield "\n]}\n"
