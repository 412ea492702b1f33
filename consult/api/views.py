"""The API blueprint: /api/v1/… (JSON), /api/openapi.json (the document), /api/docs (the document as a page).

Request flow as everywhere: load or 404 → scope check or 401/403 → validate (schema) → one service call
→ commit → JSON. Every error answers in the one shape of consult.api.errors.
"""
from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from consult.api import presenters
from consult.api.access import (
    authenticate, check_scope, client_key, cors_headers, current_token, receipt_limit, require_scope,
    submit_limit)
from consult.api.errors import ERROR_STATUSES, ApiError, as_api_error, error_response
from consult.api.operations import operation
from consult.api.schemas import (
    MAX_ID, ArticleListSchema, ArticleSchema, CommentSubmissionSchema, DecisionListSchema, DraftListSchema,
    DraftSchema, PageArgsSchema, PublicCommentListSchema, ReceiptSchema, StaffCommentArgsSchema,
    StaffCommentListSchema, StaffCommentSearchArgsSchema, SubmittedSchema, VersionListSchema, VersionSchema)
from consult.api.scopes import STAFF_COMMENTS, STAFF_DECISIONS, SUBMIT
from consult.api.services import audit_call, audit_read
from consult.comments import queries as comment_queries
from consult.comments.models import Comment
from consult.comments.selection import Selection, SelectionError
from consult.comments.services import CommentError, IdempotencyConflict, submit_online_comment
from consult.drafts import queries as draft_queries
from consult.drafts.models import Draft, DraftVersion
from consult.errors import UserError
from consult.extensions import csrf, db, limiter
from consult.search.backend import IndexBusy, IndexUnavailable
from consult.search.queries import SearchUnavailable, matching_comment_ids

bp = Blueprint("api", __name__, url_prefix="/api")
bp.before_request(authenticate)
bp.after_request(cors_headers)
bp.record_once(lambda state: csrf.exempt(bp))  # authenticate() checks CSRF itself, for tokenless writes only

ADDRESS_RE = re.compile(r"[0-9][0-9_\-]{0,39}")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
PUBLIC, STAFF = "public", "staff"


def handle_error(error: Exception):
    """Any error of an API call, as JSON; a refused call with a token is audited too (not 401/429: floods)."""
    api_error = as_api_error(error)
    db.session.rollback()
    token = current_token()
    if token is not None and api_error.status not in (401, 429):
        try:
            audit_call(token, request.endpoint, api_error.status, code=api_error.code)
            db.session.commit()
        except Exception:  # noqa: BLE001  (the answer matters more than its audit row when the database fails)
            db.session.rollback()
    return error_response(api_error)


for _status in (*ERROR_STATUSES, 405, 415):
    bp.register_error_handler(_status, handle_error)
bp.register_error_handler(Exception, handle_error)


# ---- loading -----------------------------------------------------------------------------------------


def published_draft(draft_id: int) -> Draft:
    """A published draft with a current text, else 404 draft_not_found."""
    draft = db.session.get(Draft, draft_id) if 0 < draft_id <= MAX_ID else None
    if draft is None or not draft.is_published or draft.current_version is None:
        raise ApiError(404, "draft_not_found", _("没有编号为 %(id)s 的已发布草案。", id=draft_id))
    return draft


def draft_version(draft: Draft, version_id: int) -> DraftVersion:
    """A version of this draft, else 404 version_not_found."""
    version = db.session.get(DraftVersion, version_id) if 0 < version_id <= MAX_ID else None
    if version is None or version.draft_id != draft.id:
        raise ApiError(404, "version_not_found", _("该草案没有这个版本。"))
    return version


def current_article(draft: Draft, address: str):
    """The article at this address (12, 12-1, 4_2) in the current version, else 404 article_not_found."""
    found = draft_queries.find_article(draft.current_version, address) if ADDRESS_RE.fullmatch(address) else None
    if found is None:
        raise ApiError(404, "article_not_found", _("草案中没有这一条：%(address)s。", address=address[:40]))
    return found


def query_args(schema) -> dict:
    """The query string checked against `schema` (unknown or malformed arguments: 422)."""
    raw = request.args.to_dict()
    for name, value in raw.items():
        if CONTROL_RE.search(value):
            raise ApiError(422, "invalid", _("参数中不能有控制字符。"), name)
    schema().load(raw)
    return raw


def json_body(schema) -> dict:
    """The JSON object of the request, checked against `schema`."""
    if not request.is_json:
        raise ApiError(400, "bad_request", _("请求体应为 JSON 对象（Content-Type: application/json）。"))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("请求体应为 JSON 对象（Content-Type: application/json）。"))
    return schema().load(data)


def answer(schema, data: dict, status: int = 200, audience: str = PUBLIC, **audit):
    """Audit, commit and send `data` shaped by `schema` (the documented response)."""
    token = current_token()
    if token is not None and audience == PUBLIC and not audit:
        audit_read(token, request.endpoint)
    elif token is not None or audit:
        audit_call(token, request.endpoint, status, **audit)
    db.session.commit()
    response = jsonify(schema().dump(data))
    response.status_code = status
    return response


# ---- public reads --------------------------------------------------------------------------------------


@bp.route("/v1/drafts")
@operation("Published drafts, newest first", "drafts", DraftListSchema)
def drafts():
    """Every published draft with its comment window and versions."""
    return answer(DraftListSchema, {"items": [presenters.draft(d) for d in draft_queries.published_drafts()
                                              if d.current_version is not None]})


@bp.route("/v1/drafts/<int:draft_id>")
@operation("One published draft", "drafts", DraftSchema, errors=(404,))
def draft(draft_id: int):
    """A published draft."""
    return answer(DraftSchema, presenters.draft(published_draft(draft_id)))


@bp.route("/v1/drafts/<int:draft_id>/versions")
@operation("The versions of a draft (征求意见稿, 一审稿 …)", "drafts", VersionListSchema, errors=(404,))
def versions(draft_id: int):
    """A draft's versions, oldest first."""
    d = published_draft(draft_id)
    return answer(VersionListSchema, {"items": [presenters.version_summary(v) for v in d.versions]})


@bp.route("/v1/drafts/<int:draft_id>/versions/<int:version_id>")
@operation("A whole version: divisions (编/章/节) and articles with paragraphs and items", "drafts",
           VersionSchema, errors=(404,))
def version(draft_id: int, version_id: int):
    """One version of a draft, in text order."""
    return answer(VersionSchema, presenters.version(draft_version(published_draft(draft_id), version_id)))


@bp.route("/v1/drafts/<int:draft_id>/articles")
@operation("The articles of the current version", "drafts", ArticleListSchema, errors=(404,))
def articles(draft_id: int):
    """Every article people can comment on now, with paragraphs (款) and items (项)."""
    current = published_draft(draft_id).current_version
    return answer(ArticleListSchema, {"version_id": current.id,
                                      "items": [presenters.article(a) for a in current.articles]})


@bp.route("/v1/drafts/<int:draft_id>/articles/<address>")
@operation("One article of the current version (12, 12-1, or 4_2 for a second 第四条)", "drafts", ArticleSchema,
           errors=(404,))
def article(draft_id: int, address: str):
    """One article with its paragraphs and items."""
    return answer(ArticleSchema, presenters.article(current_article(published_draft(draft_id), address)))


@bp.route("/v1/drafts/<int:draft_id>/articles/<address>/comments")
@operation("Published comments on an article, masked as on the public pages", "comments",
           PublicCommentListSchema, errors=(404,))
def article_comments(draft_id: int, address: str):
    """The comments staff published on this article, in text order; names masked, personal data scrubbed."""
    art = current_article(published_draft(draft_id), address)
    return answer(PublicCommentListSchema, {"article_id": art.id, "items": [
        presenters.public_comment(c) for c in comment_queries.published_comments(art)]})


# ---- writes and receipts ----------------------------------------------------------------------------------


IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,47}")


def idempotency_key(token) -> str | None:
    """The Idempotency-Key header in the caller's own namespace (api<token id>:…), so that two systems
    choosing the same key never meet; None without the header, 422 when malformed."""
    key = request.headers.get("Idempotency-Key")
    if key is None or key == "":
        return None
    if not IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise ApiError(422, "invalid", _("Idempotency-Key 应为 8–48 位字母、数字或 - . _ :，以字母或数字开头。"),
                       "Idempotency-Key")
    return f"api{token.id if token is not None else 0}:{key}"


@bp.route("/v1/drafts/<int:draft_id>/comments", methods=["POST"])
@limiter.limit(submit_limit, key_func=client_key, methods=["POST"])
@operation(
    "Submit a comment; answers its receipt code", "comments", SubmittedSchema, status=201,
    body=CommentSubmissionSchema, errors=(403, 404, 409, 413, 422, 429),
    headers=(("Idempotency-Key", "8–48 letters, digits, . _ : - (a UUID will do) naming this submission: a retry "
                                 "with the same key and text returns the comment stored the first time (200) "
                                 "instead of a second one; the same key with another text is refused (409). "
                                 "Keys are per token: two systems never share one",
              {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._:-]{7,47}$"}),
             ("X-CSRFToken", "required for a call without a token (a page of this site)", {"type": "string"})),
    extra_responses={200: (SubmittedSchema, "a repeat of an earlier submission (same Idempotency-Key)")},
    description="The same rules as the public comment form and every other channel: the comment window, "
                "the anchor must exist in the current version, consent to keep a contact, nothing stored "
                "for children under 14, rate limits. A token needs the comments:submit scope; a contact "
                "point's token gives the comment that point as its provenance. Online comments await "
                "moderation before they are published.")
def submit_comment(draft_id: int):
    """A comment through the comment service the web form calls; 201 with the receipt code."""
    check_scope(SUBMIT, required=False)
    d = published_draft(draft_id)
    fields = json_body(CommentSubmissionSchema)
    token = current_token()
    try:
        point = token.contact_point if token is not None and token.contact_point_id is not None else None
        comment = submit_online_comment(d, **fields, actor=None, idempotency_key=idempotency_key(token),
                                        contact_point=point)
    except IdempotencyConflict:
        # Not the service's message: it names the other comment's receipt code, which is not this caller's.
        raise ApiError(409, "idempotency_conflict", _("该 Idempotency-Key 已用于另一条意见，本条未保存。"),
                       "Idempotency-Key") from None
    except CommentError as error:
        if error.field is None and not d.is_open():
            raise ApiError(409, "comment_window_closed", error.message) from None
        raise ApiError(422, "comment_refused", error.message, error.field) from None
    replayed = bool(getattr(comment, "replayed", False))
    return answer(SubmittedSchema, presenters.submitted(comment), status=200 if replayed else 201,
                  receipt_code=comment.receipt_code, comment_id=comment.id, replayed=replayed,
                  contact_point_id=comment.contact_point_id)


@bp.route("/v1/receipts/<code>")
@limiter.shared_limit(receipt_limit, scope="receipt-lookup", key_func=client_key)
@operation("Look up what became of a comment by its receipt code (回执编号)", "comments", ReceiptSchema,
           errors=(404, 429), description="Rate-limited like the receipt page (RECEIPT_RATE_LIMIT).")
def receipt(code: str):
    """The receipt page's answer as JSON."""
    comment = comment_queries.comment_by_receipt(code)
    if comment is None:
        if current_token() is not None:
            audit_call(current_token(), request.endpoint, 404)
            db.session.commit()
        raise ApiError(404, "receipt_not_found", _("没有找到回执编号为“%(code)s”的意见。请核对编号（形如 K7P3-9QXM）后重试。",
                                                   code=code[:20]))
    return answer(ReceiptSchema, presenters.receipt(comment), audience=STAFF if current_token() else PUBLIC,
                  **({"receipt_code": comment.receipt_code} if current_token() else {}))


# ---- staff -------------------------------------------------------------------------------------------------


def staff_selection(schema=StaffCommentArgsSchema) -> tuple[Selection, int, int]:
    """The Selection of the query string (strict: unknown keys or bad values are refused) and the page."""
    raw = query_args(schema)
    paging = PageArgsSchema().load({k: raw.pop(k) for k in ("page", "per_page") if k in raw})
    d = None
    if raw.get("draft_id"):
        d = db.session.get(Draft, int(raw["draft_id"]))
        if d is None:
            raise ApiError(404, "draft_not_found", _("没有编号为 %(id)s 的草案。", id=raw["draft_id"]))
    try:
        selection = Selection.from_args(raw, draft=d, strict=True)
    except SelectionError as error:
        raise ApiError(422, "invalid_selection", error.message, error.field) from None
    return selection, paging["page"], paging["per_page"]


def page_of(conditions, page: int, per_page: int) -> tuple[list[Comment], int]:
    """One page of comments (oldest first) and the total."""
    total = db.session.scalar(select(func.count(Comment.id)).where(*conditions))
    rows = list(db.session.scalars(select(Comment).where(*conditions).order_by(Comment.id)
                                   .limit(per_page).offset((page - 1) * per_page)))
    return rows, total


STAFF_QUERY_NOTE = ("Filters are the keys of the shared Selection (the workbench, exports and the CLI use "
                    "the same), parsed strictly: an unknown key or value is refused with 422 invalid_selection.")


def searched_page(selection: Selection, page: int, per_page: int) -> tuple[list[Comment], int]:
    """One page of the comments matching the full-text query `q` (the staff search), in text order."""
    try:
        ids = matching_comment_ids(selection)
    except SearchUnavailable as error:
        raise ApiError(503, "search_unavailable", error.message, "q") from None
    except (IndexBusy, IndexUnavailable):
        raise ApiError(503, "search_unavailable", _("检索索引暂时不可用，请稍后再试。"), "q") from None
    except UserError as error:  # a malformed query (consult.search.syntax.QueryError)
        raise ApiError(422, "invalid_query", error.message, "q") from None
    chosen = ids[(page - 1) * per_page:page * per_page]
    rows = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(chosen)))} if chosen else {}
    return [rows[i] for i in chosen if i in rows], len(ids)


@bp.route("/v1/staff/comments")
@require_scope(STAFF_COMMENTS)
@operation("Every comment, filtered (staff)", "staff", StaffCommentListSchema, query=StaffCommentSearchArgsSchema,
           errors=(403, 404, 422, 503), auth="required",
           description=STAFF_QUERY_NOTE + " With q (the staff search's query syntax), the matching comments in "
                                          "text order; without it, oldest first.")
def staff_comments():
    """Comments of any state and channel, names in full, contacts masked; needs staff:comments."""
    selection, page, per_page = staff_selection(StaffCommentSearchArgsSchema)
    rows, total = searched_page(selection, page, per_page) if selection.query else \
        page_of(selection.conditions(), page, per_page)
    return answer(StaffCommentListSchema, {"items": [presenters.staff_comment(c) for c in rows], "page": page,
                                           "per_page": per_page, "total": total},
                  audience=STAFF, selection=selection.to_args(), returned=len(rows))


@bp.route("/v1/staff/decisions")
@require_scope(STAFF_DECISIONS)
@operation("Decisions (采纳情况) on comments (staff)", "staff", DecisionListSchema, query=StaffCommentArgsSchema,
           errors=(403, 404, 422), auth="required",
           description=STAFF_QUERY_NOTE + " Without a decision filter, decided comments only.")
def staff_decisions():
    """Each decided comment's decision with its label and reason; needs staff:decisions."""
    selection, page, per_page = staff_selection()
    conditions = selection.conditions()
    if selection.decision is None:
        conditions.append(Comment.decision.is_not(None))
    rows, total = page_of(conditions, page, per_page)
    return answer(DecisionListSchema, {"items": [presenters.decision(c) for c in rows], "page": page,
                                       "per_page": per_page, "total": total},
                  audience=STAFF, selection=selection.to_args(), returned=len(rows))


# ---- the document -------------------------------------------------------------------------------------------


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API, generated from the routes and schemas."""
    from consult.api.spec import openapi_document

    return jsonify(openapi_document(current_app))


@bp.route("/docs")
def docs():
    """The API described for people: every operation, its parameters, body and answers (no script, no CDN)."""
    from consult.api.spec import openapi_document, operations_for_page

    document = openapi_document(current_app)
    return render_template("api/docs.html", document=document, operations=operations_for_page(document))


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"])
def not_found(rest: str):
    """Unknown API paths and methods answer in the API's error shape (404 / 405), not as HTML pages."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api.not_found":
            allowed.append(method)
    if allowed:
        raise ApiError(405, "method_not_allowed", headers={"Allow": ", ".join(allowed)})
    raise ApiError(404)
