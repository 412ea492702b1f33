"""Marshmallow schemas: they check requests, shape responses and are the OpenAPI document's components.

Requests are strict: unknown fields are refused, booleans are JSON booleans, integers are integers.
Lengths and rules of comments are checked by the comment service itself (the same messages as the web form).
"""
from __future__ import annotations

from datetime import timezone

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, fields, validate
from marshmallow import Schema as BaseSchema

from consult.comments.rules import BODY_MAX, CONTACT_MAX, NAME_MAX, TEXT_MAX
from consult.comments.vocabulary import (
    CHANNELS, COMMENTER_CATEGORIES, DECISIONS, MODERATION_STATES, UNDECIDED)

MAX_ID = 2**31 - 1  # ids above PostgreSQL's integer range cannot exist (and must not reach the database)
MAX_PER_PAGE = 100
# The interface language's words for what marshmallow says in English.
FIELD_ERRORS = {"required": _l("缺少必填字段。"), "null": _l("不能为 null。"), "invalid": _l("类型或格式不对。"),
                "invalid_utf8": _l("不是有效的 UTF-8 文本。"), "format": _l("格式不对。")}


class Schema(BaseSchema):
    """Every API schema: unknown fields refused, messages in the interface language."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": _l("未知的字段。"), "type": _l("应为 JSON 对象。")}

    def on_bind_field(self, field_name, field_obj):
        """Replace marshmallow's English messages (keys it does not use for a field are ignored)."""
        field_obj.error_messages = {**field_obj.error_messages,
                                    **{k: v for k, v in FIELD_ERRORS.items() if k in field_obj.error_messages}}


def Range(maximum: int):
    """1 … maximum, refused in words."""
    return validate.Range(min=1, max=maximum, error=_l("应为 1 到 {max} 之间的整数。"))


class UtcDateTime(fields.DateTime):
    """A stored UTC time (naive in the database) written as RFC 3339 with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


def Bool(**kwargs):
    """A JSON boolean (true/false only: "yes", 1 or "on" are refused)."""
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


def Nullable(field_class, **kwargs):
    """A field that may be null in responses."""
    return field_class(allow_none=True, **kwargs)


class StrictSchema(Schema):
    """A request schema (unknown fields refused, like every schema here)."""


# ---- requests --------------------------------------------------------------------------------------------


class CommentSubmissionSchema(StrictSchema):
    """A comment to submit: what the public comment form asks, field for field."""

    anchor = fields.String(required=True, metadata={
        "description": "general (总体意见), title (名称), new_article (新增条款), an article 12 / 第十二条, "
                       "a paragraph 12.2 / 第十二条第二款, an item 12.2.3 / 第十二条第二款第（三）项",
        "maxLength": 100, "example": "3.1.2"}, validate=validate.Length(max=100, error=_l("不能超过 {max} 个字符。")))
    body = fields.String(required=True, metadata={"maxLength": BODY_MAX, "description": "意见"})
    reason = fields.String(load_default="", metadata={"maxLength": TEXT_MAX, "description": "理由"})
    proposed_text = fields.String(load_default="", metadata={"maxLength": TEXT_MAX, "description": "建议修改为"})
    commenter_name = fields.String(load_default="", metadata={
        "maxLength": NAME_MAX, "description": "a person or an organisation; empty = anonymous"})
    commenter_category = fields.String(load_default="", metadata={"enum": ["", *COMMENTER_CATEGORIES]})
    contact = fields.String(load_default="", metadata={
        "maxLength": CONTACT_MAX, "description": "phone or e-mail, kept only for feedback with consent"})
    wants_feedback = Bool(load_default=False)
    consent_personal_info = Bool(load_default=False, metadata={
        "description": "consent to keep the contact for feedback (required with wants_feedback)"})
    consent_publish_name = Bool(load_default=False)
    is_minor = Bool(load_default=False, metadata={"description": "under 14: no name or contact is stored"})


class PageArgsSchema(StrictSchema):
    """Paging of a list."""

    page = fields.Integer(load_default=1, strict=False, validate=Range(MAX_ID))
    per_page = fields.Integer(load_default=50, validate=Range(MAX_PER_PAGE))


def Text(description: str = "", **metadata):
    """A query-string text: any characters but control characters (refused before they reach SQL)."""
    return fields.String(metadata={"pattern": r"^[^\u0000-\u001f\u007f]*$", "maxLength": 200,
                                   **({"description": description} if description else {}), **metadata},
                         validate=validate.Length(max=200, error=_l("不能超过 {max} 个字符。")))


class StaffCommentArgsSchema(StrictSchema):
    """Selection criteria (consult.comments.selection.Selection keys), parsed strictly by the Selection."""

    draft_id = fields.Integer(validate=Range(MAX_ID))
    version_id = fields.Integer(validate=Range(MAX_ID))
    division_id = fields.Integer(validate=Range(MAX_ID), metadata={
        "description": "a part, chapter or section, and everything inside it"})
    article_id = fields.Integer(validate=Range(MAX_ID))
    article_no = Text("12, 12-1 or 第十二条")
    paragraph_no = fields.Integer(validate=Range(MAX_ID))
    contact_point = Text("contact point code")
    district = Text()
    channel = Text("a channel code (the vocabulary's words, e.g. 座谈会, are accepted too)", enum=list(CHANNELS))
    category = Text("commenter category", enum=list(COMMENTER_CATEGORIES))
    moderation_state = Text("moderation state", enum=list(MODERATION_STATES))
    decision = Text("a decision, or none for not decided yet", enum=[*DECISIONS, UNDECIDED])
    tag = Text()
    duplicate_group_id = fields.Integer(validate=Range(MAX_ID))
    date_from = fields.Date(metadata={"description": "on or after (submitted_on, else created_at)"})
    date_to = fields.Date(metadata={"description": "on or before; not before date_from"})
    page = fields.Integer(validate=Range(MAX_ID))
    per_page = fields.Integer(validate=Range(MAX_PER_PAGE))


class StaffCommentSearchArgsSchema(StaffCommentArgsSchema):
    """The Selection criteria plus the staff search's full-text query."""

    q = Text("full-text query in the staff search syntax (旅游 停车, \"全域旅游\", 渠道:座谈会 …)")


# ---- responses -------------------------------------------------------------------------------------------


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable code, e.g. comment_window_closed"})
    message = fields.String(required=True, metadata={"description": "in the request's language"})
    field = Nullable(fields.String, required=True, metadata={"description": "the request field at fault"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class VersionSummarySchema(Schema):
    id = fields.Integer(required=True)
    label = fields.String(required=True, metadata={"description": "征求意见稿, 一审稿 …"})
    title = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "regulation or amendment"})
    is_current = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)


class DraftSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    published_at = UtcDateTime(required=True)
    comment_opens_at = Nullable(UtcDateTime, required=True)
    comment_closes_at = Nullable(UtcDateTime, required=True)
    is_open = fields.Boolean(required=True, metadata={"description": "comments are accepted now"})
    current_version_id = fields.Integer(required=True)
    versions = fields.List(fields.Nested(VersionSummarySchema), required=True)


class DraftListSchema(Schema):
    items = fields.List(fields.Nested(DraftSchema), required=True)


class ItemSchema(Schema):
    number = fields.Integer(required=True, metadata={"description": "（一） = 1"})
    text = fields.String(required=True)


class ParagraphSchema(Schema):
    number = fields.Integer(required=True, metadata={"description": "款, from 1"})
    text = fields.String(required=True, metadata={"description": "the whole paragraph, items included"})
    lead = fields.String(required=True, metadata={"description": "the text before its items"})
    items = fields.List(fields.Nested(ItemSchema), required=True)


class ArticleSchema(Schema):
    id = fields.Integer(required=True)
    address = fields.String(required=True, metadata={"description": "12, 12-1, or 4_2 for a second 第四条"})
    number = fields.Integer(required=True)
    suffix = Nullable(fields.Integer, required=True, metadata={"description": "之一 = 1"})
    label = fields.String(required=True, metadata={"description": "第十二条"})
    caption = Nullable(fields.String, required=True)
    division_id = Nullable(fields.Integer, required=True)
    deleted = fields.Boolean(required=True)
    paragraphs = fields.List(fields.Nested(ParagraphSchema), required=True)


class ArticleListSchema(Schema):
    version_id = fields.Integer(required=True)
    items = fields.List(fields.Nested(ArticleSchema), required=True)


class DivisionSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "part (编), chapter (章) or section (节)"})
    number = Nullable(fields.Integer, required=True)
    label = fields.String(required=True)
    title = fields.String(required=True)
    parent_id = Nullable(fields.Integer, required=True)


class VersionSchema(VersionSummarySchema):
    draft_id = fields.Integer(required=True)
    preamble = fields.List(fields.String(), required=True)
    trailing = fields.List(fields.String(), required=True)
    divisions = fields.List(fields.Nested(DivisionSchema), required=True)
    articles = fields.List(fields.Nested(ArticleSchema), required=True)


class VersionListSchema(Schema):
    items = fields.List(fields.Nested(VersionSummarySchema), required=True)


class PublicCommentSchema(Schema):
    id = fields.Integer(required=True)
    anchor = fields.String(required=True, metadata={"description": "第十二条第二款 …"})
    paragraph_no = Nullable(fields.Integer, required=True)
    item_no = Nullable(fields.Integer, required=True)
    commenter = fields.String(required=True, metadata={"description": "masked as on public pages (张*)"})
    commenter_category = fields.String(required=True)
    date = fields.Date(required=True)
    body = fields.String(required=True)
    proposed_text = fields.String(required=True)


class PublicCommentListSchema(Schema):
    article_id = fields.Integer(required=True)
    items = fields.List(fields.Nested(PublicCommentSchema), required=True)


class SubmittedSchema(Schema):
    receipt_code = fields.String(required=True, metadata={"description": "回执编号, e.g. K7P3-9QXM"})
    draft_id = fields.Integer(required=True)
    anchor = fields.String(required=True)
    moderation_state = fields.String(required=True)
    replayed = fields.Boolean(required=True, metadata={
        "description": "true when this Idempotency-Key was seen before: the comment stored the first time"})


class ReceiptSchema(Schema):
    receipt_code = fields.String(required=True)
    draft_id = fields.Integer(required=True)
    draft_title = fields.String(required=True)
    anchor = fields.String(required=True)
    submitted_on = fields.Date(required=True)
    moderation_state = fields.String(required=True)
    moderation_label = fields.String(required=True)
    moderation_reason = fields.String(required=True)
    decision = Nullable(fields.String, required=True)
    decision_label = fields.String(required=True)
    decision_reason = fields.String(required=True)
    body = fields.String(required=True)
    reason = fields.String(required=True)
    proposed_text = fields.String(required=True)


class StaffCommentSchema(Schema):
    id = fields.Integer(required=True)
    receipt_code = fields.String(required=True)
    draft_id = fields.Integer(required=True)
    version_id = fields.Integer(required=True)
    article_id = Nullable(fields.Integer, required=True)
    anchor_kind = fields.String(required=True)
    anchor = fields.String(required=True)
    paragraph_no = Nullable(fields.Integer, required=True)
    item_no = Nullable(fields.Integer, required=True)
    body = fields.String(required=True)
    reason = fields.String(required=True)
    proposed_text = fields.String(required=True)
    channel = fields.String(required=True)
    channel_label = fields.String(required=True)
    contact_point = Nullable(fields.String, required=True, metadata={"description": "contact point code"})
    meeting_id = Nullable(fields.Integer, required=True)
    submitted_on = Nullable(fields.Date, required=True)
    commenter_name = fields.String(required=True)
    commenter_category = fields.String(required=True)
    commenter_is_minor = fields.Boolean(required=True)
    wants_feedback = fields.Boolean(required=True)
    contact = fields.String(required=True, metadata={"description": "masked (139****5678)"})
    moderation_state = fields.String(required=True)
    moderation_label = fields.String(required=True)
    decision = Nullable(fields.String, required=True)
    decision_label = fields.String(required=True)
    created_at = UtcDateTime(required=True)


class StaffCommentListSchema(Schema):
    items = fields.List(fields.Nested(StaffCommentSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class DecisionSchema(Schema):
    comment_id = fields.Integer(required=True)
    receipt_code = fields.String(required=True)
    draft_id = fields.Integer(required=True)
    anchor = fields.String(required=True)
    decision = Nullable(fields.String, required=True, metadata={"description": "null: not decided yet"})
    decision_label = fields.String(required=True, metadata={"description": "采纳, 部分采纳 …"})
    decision_formal = fields.String(required=True, metadata={"description": "the wording printed in documents"})
    decision_reason = fields.String(required=True)
    decided_at = Nullable(UtcDateTime, required=True)


class DecisionListSchema(Schema):
    items = fields.List(fields.Nested(DecisionSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
