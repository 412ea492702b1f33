"""Outreach verbs: give every published draft, chapter, article and contact point × draft a short link, take a
comment made through a point's poster, record a meeting's sign-in count. Services flush, never commit."""
from __future__ import annotations

import secrets

from flask_babel import gettext as _

from consult.comments.services import submit_online_comment
from consult.contact_points.services import update_meeting
from consult.errors import UserError
from consult.extensions import db
from consult.outreach import queries
from consult.outreach.models import ShortLink

# Unambiguous when typed from paper or read aloud: no 0/O, 1/I/L (codes are read case-insensitively).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6  # 31^6 ≈ 887 million codes: guessing one is hopeless under the look-up rate limit


class OutreachError(UserError):
    """A short link, poster or meeting kit that cannot be made; the message says why."""


def new_code() -> str:
    """A random code of CODE_LENGTH characters from ALPHABET."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def target_key(draft, *, division=None, article=None, contact_point=None) -> tuple[str, str]:
    """(kind, target key) of what a link opens."""
    if contact_point is not None:
        return "point", f"point:{contact_point.id}:{draft.id}"
    if article is not None:
        return "article", f"article:{article.id}"
    if division is not None:
        return "division", f"division:{division.id}"
    return "draft", f"draft:{draft.id}"


def link_for(draft, *, division=None, article=None, contact_point=None) -> ShortLink:
    """The short link of a published draft, one of its chapters or articles, or a point × draft (made once)."""
    kind, target = target_key(draft, division=division, article=article, contact_point=contact_point)
    existing = queries.link_by_target(target)
    if existing is not None:
        return existing
    if not draft.is_published:
        raise OutreachError(_("草案尚未发布，不能生成二维码。"))
    if contact_point is not None and not contact_point.active:
        raise OutreachError(_("联系点已停用，不能生成二维码。"))
    code = new_code()
    while queries.link_by_code(code) is not None:  # 1 in 887 million per existing link: a retry, not a loop
        code = new_code()
    link = ShortLink(code=code, kind=kind, target=target, draft_id=draft.id,
                     division_id=getattr(division, "id", None), article_id=getattr(article, "id", None),
                     contact_point_id=getattr(contact_point, "id", None))
    db.session.add(link)
    db.session.flush()
    return link


def draft_links(draft) -> dict[str, ShortLink]:
    """Links for the draft, each of its chapters (编/章/节) and articles of the current text, made as needed."""
    version = draft.current_version
    links = {"draft": link_for(draft)}
    for division in version.divisions:
        links[f"division:{division.id}"] = link_for(draft, division=division)
    for article in version.articles:
        links[f"article:{article.id}"] = link_for(draft, article=article)
    return links


def submit_poster_comment(draft, contact_point, **fields):
    """A resident's comment from the public form opened by a point's poster: channel qr, the point as its
    provenance, awaiting moderation like every self-submitted comment, with a receipt code."""
    return submit_online_comment(draft, channel="qr", contact_point=contact_point, **fields)


def chosen_articles(version, values) -> list:
    """The articles of the current text picked for a meeting (ids as the form sends them), refusing others."""
    by_id = {str(article.id): article for article in version.articles}
    unknown = [v for v in values if str(v) not in by_id]
    if unknown:
        raise OutreachError(_("所选条文不在草案现行文本中，请刷新页面后重新选择。"), "articles")
    return [by_id[str(v)] for v in values]


def record_sign_in(meeting, count, *, actor):
    """After the meeting: the number of names on the sign-in sheet (签到表) becomes its attendance."""
    if count is None or isinstance(count, bool):
        raise OutreachError(_("请填写签到人数。"), "count")
    return update_meeting(meeting, actor=actor, attendance=count)
