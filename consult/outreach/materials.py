"""From models to the printed materials: the poster of a point × draft and a meeting's kit (座谈会材料).

Runs inside a request (or app context with SERVER_NAME): the printed links are absolute URLs.
"""
from __future__ import annotations

from flask import current_app, url_for

from consult.comments.imports import TEMPLATE_HEADER
from consult.comments.vocabulary import CHANNEL
from consult.contact_points.vocabulary import MEETING_KIND
from consult.drafts.localtime import utc_to_local
from consult.drafts.queries import text_outline
from consult.exports.selection import fonts_from_config
from consult.outreach import services
from consult.outreach.documents import KitArticle, KitData, KitEntry, PosterData, build_meeting_kit, build_poster
from consult.outreach.qr import qr_png

_LEVELS = {"part": 1, "chapter": 1, "section": 2}


def link_url(link) -> str:
    """The absolute URL of a short link (PUBLIC_BASE_URL when set: the address residents reach from outside)."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    path = url_for("outreach.resolve", code=link.code)
    return base + path if base else url_for("outreach.resolve", code=link.code, _external=True)


def typed_link(link) -> str:
    """The short link as people type it: host/q/CODE, without the scheme."""
    return link_url(link).split("://", 1)[-1]


def deadline_text(draft) -> str:
    """The end of the comment window as printed: 2026年12月31日 (local date), or ""."""
    local = utc_to_local(draft.comment_closes_at)
    return f"{local.year}年{local.month}月{local.day}日" if local else ""


def poster(contact_point, draft) -> bytes:
    """The A4 poster (.docx) of this point for this draft; makes the point's short link if needed."""
    link = services.link_for(draft, contact_point=contact_point)
    return build_poster(PosterData(
        draft_title=draft.title, deadline=deadline_text(draft), point_name=contact_point.name,
        point_address=contact_point.address, code=link.code, short_link=typed_link(link),
        qr_png=qr_png(link_url(link)), issuing_body=current_app.config.get("ISSUING_BODY", "")),
        fonts=fonts_from_config(current_app.config))


def _kit_article(draft, article, level: int) -> KitArticle:
    link = services.link_for(draft, article=article)
    return KitArticle(label=article.label, caption=article.caption or "", paragraphs=list(article.paragraphs or []),
                      short_link=typed_link(link), qr_png=qr_png(link_url(link), scale=4), level=level)


def meeting_kit(meeting, chosen_ids=()) -> bytes:
    """The kit (.docx) of a meeting: the chosen articles first, then the rest of the text in order, a QR code
    per article, the sign-in sheet and a comment form with the spreadsheet import's columns."""
    draft = meeting.draft
    version = draft.current_version
    chosen_ids = set(chosen_ids)
    chosen, outline, level = [], [], 0
    for kind, node in text_outline(version):
        if kind == "division":
            level = _LEVELS.get(node.kind, 1)
            outline.append(KitEntry("division", heading=node.heading, level=level))
        elif node.id in chosen_ids:
            chosen.append(_kit_article(draft, node, 1))
        else:
            outline.append(KitEntry("article", article=_kit_article(draft, node, level + 1), level=level + 1))
    draft_link = services.link_for(draft)
    point = meeting.contact_point
    return build_meeting_kit(KitData(
        draft_title=draft.title, version_label=version.label, point_name=point.name, point_code=point.code,
        meeting_date=meeting.held_on.isoformat(), meeting_kind=MEETING_KIND.formal(meeting.kind),
        place=meeting.place, deadline=deadline_text(draft), chosen=chosen, outline=outline,
        form_columns=TEMPLATE_HEADER,
        form_prefill={"联系点": point.code, "渠道": CHANNEL.formal("meeting"), "日期": meeting.held_on.isoformat()},
        draft_short_link=typed_link(draft_link), draft_qr_png=qr_png(link_url(draft_link), scale=4)),
        fonts=fonts_from_config(current_app.config))
