"""Lineage verbs and reads: propose the links on import, staff add/remove/confirm them, compare versions,
and follow an article of an earlier reading to the article it now is in the current version.

Flush, never commit; every staff change is audited. The pure matcher lives in `consult.drafts.lineage`.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.audit.services import record
from consult.database import utcnow
from consult.drafts.lineage import ArticleText, derive_shapes, is_unchanged, match_articles, text_similarity
from consult.drafts.models import Article, ArticleLink, Draft, DraftVersion
from consult.drafts.publishing import DraftError
from consult.extensions import db

__all__ = ["LineageError", "CarriedArticle", "propose_lineage", "links_for", "previous_version", "add_link",
           "remove_link", "confirm_lineage", "compare", "current_article", "carried_statuses",
           "article_texts", "resolve_version"]

CARRIED_STATUSES = ("current", "unchanged", "modified", "merged", "split", "deleted")
_STEP_STATUS = {"merge": "merged", "split": "split"}
_PRIORITY = {"unchanged": 0, "modified": 1, "merged": 2, "split": 3}


class LineageError(DraftError):
    """A lineage action or comparison that cannot be done; nothing was changed."""


@dataclass(frozen=True)
class CarriedArticle:
    """Where an article of an earlier version stands in the current version."""

    article: Article | None   # the article it now is (first of the parts for a split); None when deleted
    status: str               # one of CARRIED_STATUSES


# ---- reads --------------------------------------------------------------------------------------------


def previous_version(version: DraftVersion) -> DraftVersion | None:
    """The version of the same draft imported just before `version`, or None for the first one."""
    earlier = [v for v in version.draft.versions if v.id < version.id]
    return earlier[-1] if earlier else None


def _live(version: DraftVersion) -> list[Article]:
    """The real articles of a version (a 第X条（删去） placeholder is not one)."""
    return [a for a in version.articles if not a.deleted]


def article_texts(version: DraftVersion) -> list[ArticleText]:
    """The matcher's view of a version's articles."""
    return [ArticleText(id=a.id, label=a.label, number=a.number, suffix=a.suffix, position=a.position,
                        text=a.text, division=a.division.heading if a.division is not None else "")
            for a in _live(version)]


def links_for(to_version: DraftVersion) -> list[ArticleLink]:
    """The stored links into `to_version`, in the text order of the new version (then of the old one)."""
    links = db.session.scalars(
        select(ArticleLink).where(ArticleLink.to_version_id == to_version.id)
        .options(selectinload(ArticleLink.old_article), selectinload(ArticleLink.new_article))).all()
    return sorted(links, key=lambda link: (link.new_article.position, link.old_article.position))


def _step_edges(to_version: DraftVersion, stored: dict[int, list[ArticleLink]] | None = None
                ) -> list[tuple[int, int, str, str, float]]:
    """(old id, new id, kind, shape, similarity) from the version before `to_version` into it: the stored
    links, or — for a version imported before lineage existed — the matcher's proposal, computed in
    memory and not saved."""
    if to_version.lineage_state:
        links = stored.get(to_version.id, []) if stored is not None else links_for(to_version)
        return [(link.old_article_id, link.new_article_id, link.kind, link.shape, link.similarity)
                for link in links]
    previous = previous_version(to_version)
    if previous is None or not _comparable(previous, to_version):
        return []
    matching = match_articles(article_texts(previous), article_texts(to_version))
    return [(link.old_id, link.new_id, link.kind, link.shape, link.similarity) for link in matching.links]


def _comparable(earlier: DraftVersion, later: DraftVersion) -> bool:
    """Articles of a regulation and the items (一、二、) of an amendment draft are not the same kind of
    thing: between such versions there is no lineage (every old article counts as deleted)."""
    return (earlier.kind or "regulation") == (later.kind or "regulation")


# ---- verbs --------------------------------------------------------------------------------------------


def _reshape(to_version: DraftVersion) -> None:
    """Store each link's shape again from the link graph (after staff changed it)."""
    db.session.flush()
    links = links_for(to_version)
    shapes = derive_shapes([(link.old_article_id, link.new_article_id) for link in links])
    for link in links:
        link.shape = shapes[(link.old_article_id, link.new_article_id)]
        if link.shape != "one-to-one" and link.kind == "unchanged":
            link.kind = "modified"
    db.session.flush()


def propose_lineage(to_version: DraftVersion, actor=None) -> list[ArticleLink]:
    """Match `to_version` against the version before it and store the proposal (state "proposed").

    Proposed links from an earlier run are replaced; links staff added are kept. The first version of a
    draft has no lineage (state "").
    """
    previous = previous_version(to_version)
    if previous is None or not _comparable(previous, to_version):
        to_version.lineage_state = "" if previous is None else "proposed"
        db.session.flush()
        return []
    kept = set()
    for link in links_for(to_version):
        if link.origin == "proposed":
            db.session.delete(link)
        else:
            kept.add((link.old_article_id, link.new_article_id))
    db.session.flush()
    matching = match_articles(article_texts(previous), article_texts(to_version))
    for proposal in matching.links:
        if (proposal.old_id, proposal.new_id) in kept:
            continue
        db.session.add(ArticleLink(
            draft_id=to_version.draft_id, from_version_id=previous.id, to_version_id=to_version.id,
            old_article_id=proposal.old_id, new_article_id=proposal.new_id, kind=proposal.kind,
            shape=proposal.shape, similarity=float(proposal.similarity), origin="proposed"))
    to_version.lineage_state = "proposed"
    to_version.lineage_confirmed_at = None
    to_version.lineage_confirmed_by_id = None
    _reshape(to_version)
    links = links_for(to_version)
    summary = lineage_summary(to_version, links)
    record(actor, "draft.lineage_propose", to_version.draft, version_id=to_version.id,
           from_version_id=previous.id, **summary)
    return links


def lineage_summary(to_version: DraftVersion, links: list[ArticleLink] | None = None) -> dict:
    """Counts for messages: links, deleted old articles, added new articles (and how many are unchanged)."""
    previous = previous_version(to_version)
    links = links_for(to_version) if links is None else links
    if previous is None:
        return {"links": 0, "unchanged": 0, "deleted": 0, "added": 0}
    old_linked = {link.old_article_id for link in links}
    new_linked = {link.new_article_id for link in links}
    return {"links": len(links), "unchanged": sum(link.kind == "unchanged" for link in links),
            "deleted": sum(a.id not in old_linked for a in _live(previous)),
            "added": sum(a.id not in new_linked for a in _live(to_version))}


def _article_of(version: DraftVersion, article_id, field: str) -> Article:
    try:
        article_id = int(article_id)
    except (TypeError, ValueError):
        raise LineageError(_("条文编号无效。"), field) from None
    article = db.session.get(Article, article_id)
    if article is None or article.version_id != version.id or article.deleted:
        raise LineageError(_("版本“%(label)s”中没有这一条。", label=version.label), field)
    return article


def add_link(to_version: DraftVersion, old_article_id, new_article_id, user) -> ArticleLink:
    """Staff link an article of the previous version to an article of `to_version`."""
    previous = previous_version(to_version)
    if previous is None:
        raise LineageError(_("这是该草案的第一个版本，没有可以对应的上一版本。"))
    old = _article_of(previous, old_article_id, "old_article_id")
    new = _article_of(to_version, new_article_id, "new_article_id")
    exists = db.session.scalar(select(ArticleLink.id).where(ArticleLink.old_article_id == old.id,
                                                             ArticleLink.new_article_id == new.id))
    if exists is not None:
        raise LineageError(_("%(old)s 与 %(new)s 已经对应。", old=old.label, new=new.label))
    unchanged = is_unchanged(old.text, new.text)
    link = ArticleLink(draft_id=to_version.draft_id, from_version_id=previous.id, to_version_id=to_version.id,
                       old_article_id=old.id, new_article_id=new.id,
                       kind="unchanged" if unchanged else "modified", shape="one-to-one",
                       similarity=1.0 if unchanged else text_similarity(old.text, new.text),
                       origin="staff")
    db.session.add(link)
    if not to_version.lineage_state:
        to_version.lineage_state = "proposed"
    _reshape(to_version)
    record(user, "draft.lineage_link_add", to_version.draft, version_id=to_version.id, link_id=link.id,
           old=old.label, new=new.label, shape=link.shape)
    return link


def remove_link(link_id, user) -> None:
    """Staff break a link (the old article then counts as deleted, the new one as added, unless linked
    elsewhere)."""
    try:
        link = db.session.get(ArticleLink, int(link_id))
    except (TypeError, ValueError):
        link = None
    if link is None:
        raise LineageError(_("没有这条对应关系（可能已被删除）。"))
    to_version = link.to_version
    details = {"version_id": to_version.id, "link_id": link.id, "old": link.old_article.label,
               "new": link.new_article.label, "origin": link.origin, "similarity": link.similarity}
    db.session.delete(link)
    _reshape(to_version)
    record(user, "draft.lineage_link_remove", to_version.draft, **details)


def confirm_lineage(to_version: DraftVersion, user) -> DraftVersion:
    """Staff checked the lineage of `to_version`: it is used as stored from now on (state "confirmed")."""
    if previous_version(to_version) is None:
        raise LineageError(_("这是该草案的第一个版本，没有需要确认的条文对应关系。"))
    to_version.lineage_state = "confirmed"
    to_version.lineage_confirmed_at = utcnow()
    to_version.lineage_confirmed_by_id = getattr(user, "id", None)
    db.session.flush()
    record(user, "draft.lineage_confirm", to_version.draft, version_id=to_version.id,
           **lineage_summary(to_version))
    return to_version


# ---- comparison -----------------------------------------------------------------------------------------


def resolve_version(draft: Draft, ref) -> DraftVersion:
    """A version of `draft` named by its id or its label (二审稿), or LineageError in one line."""
    text = str(ref).strip()
    if text.isdigit():
        version = db.session.get(DraftVersion, int(text))
        if version is not None and version.draft_id == draft.id:
            return version
        if version is not None:
            raise LineageError(_("版本 %(id)s 属于另一部草案（草案 %(other)s），不能与草案 %(draft)s 比较。",
                                 id=version.id, other=version.draft_id, draft=draft.id))
    named = [v for v in draft.versions if v.label.strip() == text]
    if len(named) > 1:
        raise LineageError(_("草案 %(draft)s 有 %(n)s 个版本都叫“%(label)s”，请用版本编号。",
                             draft=draft.id, n=len(named), label=text))
    if not named:
        known = "、".join(f"{v.label}（{v.id}）" for v in draft.versions)
        raise LineageError(_("草案 %(draft)s 没有版本“%(label)s”；已有版本：%(known)s。",
                             draft=draft.id, label=text, known=known))
    return named[0]


def _chain(draft: Draft, earlier: DraftVersion, later: DraftVersion) -> list[DraftVersion]:
    return [v for v in draft.versions if earlier.id <= v.id <= later.id]


def compose_edges(draft: Draft, earlier: DraftVersion, later: DraftVersion,
                  stored: dict[int, list[ArticleLink]] | None = None) -> dict[tuple[int, int], str]:
    """(old id, new id) → step status ("unchanged"/"modified"/"merged"/"split") from `earlier` to `later`,
    following the lineage through every version in between."""
    chain = _chain(draft, earlier, later)
    reach: dict[int, dict[int, str]] = {a.id: {a.id: "unchanged"} for a in _live(earlier)}
    for step in chain[1:]:
        edges: dict[int, list[tuple[int, str]]] = {}
        for old_id, new_id, kind, shape, _sim in _step_edges(step, stored):
            edges.setdefault(old_id, []).append((new_id, _STEP_STATUS.get(shape, kind)))
        for origin, targets in reach.items():
            following: dict[int, str] = {}
            for mid, status in targets.items():
                for new_id, step_status in edges.get(mid, ()):
                    combined = max(status, step_status, key=_PRIORITY.__getitem__)
                    previous = following.get(new_id)
                    following[new_id] = combined if previous is None else max(previous, combined,
                                                                                 key=_PRIORITY.__getitem__)
            reach[origin] = following
    return {(origin, new_id): status
            for origin, targets in reach.items() for new_id, status in targets.items()}


def compare(draft: Draft, from_ref=None, to_ref=None) -> dict:
    """The lineage between two versions as the `consult drafts compare --json` contract prints it.

    Default: the previous version against the current one. Labels are as printed in each text.
    """
    if len(draft.versions) < 2:
        raise LineageError(_("草案 %(draft)s 只有一个版本，没有可以比较的版本。", draft=draft.id))
    later = (resolve_version(draft, to_ref) if to_ref is not None
             else draft.current_version or draft.versions[-1])
    if from_ref is not None:
        earlier = resolve_version(draft, from_ref)
    else:
        earlier = previous_version(later)
        if earlier is None:
            raise LineageError(_("版本“%(label)s”是草案的第一个版本，请指定要与之比较的较早版本。",
                                 label=later.label))
    if earlier.id == later.id:
        raise LineageError(_("要比较的是同一个版本（%(label)s）。", label=earlier.label))
    if earlier.id > later.id:
        raise LineageError(_("版本“%(old)s”晚于“%(new)s”：请把较早的版本放在 --from。",
                             old=earlier.label, new=later.label))
    old_articles = {a.id: a for a in _live(earlier)}
    new_articles = {a.id: a for a in _live(later)}
    adjacent = previous_version(later).id == earlier.id
    if adjacent:
        edges = [(o, n, kind, shape, sim) for o, n, kind, shape, sim in _step_edges(later)]
    else:
        composed = compose_edges(draft, earlier, later)
        shapes = derive_shapes(list(composed))
        edges = []
        for (o, n) in composed:
            unchanged = (shapes[(o, n)] == "one-to-one"
                         and is_unchanged(old_articles[o].text, new_articles[n].text))
            edges.append((o, n, "unchanged" if unchanged else "modified", shapes[(o, n)],
                          1.0 if unchanged else text_similarity(old_articles[o].text, new_articles[n].text)))
    edges = [e for e in edges if e[0] in old_articles and e[1] in new_articles]
    edges.sort(key=lambda e: (new_articles[e[1]].position, old_articles[e[0]].position))
    linked_old = {e[0] for e in edges}
    linked_new = {e[1] for e in edges}
    return {
        "from": {"version_id": earlier.id, "label": earlier.label},
        "to": {"version_id": later.id, "label": later.label},
        "links": [{"old": old_articles[o].label, "new": new_articles[n].label, "kind": kind, "shape": shape,
                   "similarity": round(float(sim), 3)} for o, n, kind, shape, sim in edges],
        "deleted": [a.label for a in _live(earlier) if a.id not in linked_old],
        "added": [a.label for a in _live(later) if a.id not in linked_new],
    }


# ---- comments carried across readings ------------------------------------------------------------------


def carried_statuses(draft: Draft) -> dict[int, CarriedArticle]:
    """Every article of every version of `draft` → where it stands in the current version (bulk: one query
    for the links, the articles come with the versions)."""
    current = draft.current_version
    if current is None:
        return {}
    versions = [v for v in draft.versions if v.id <= current.id]
    stored: dict[int, list[ArticleLink]] = {}
    for link in db.session.scalars(select(ArticleLink).where(ArticleLink.draft_id == draft.id)):
        stored.setdefault(link.to_version_id, []).append(link)
    articles = {a.id: a for v in versions for a in v.articles}
    result: dict[int, CarriedArticle] = {a.id: CarriedArticle(a, "current") for a in current.articles}
    # walk back from the current version: an article's fate is its step combined with its successor's fate
    for later, earlier in zip(versions[::-1], versions[-2::-1]):
        edges: dict[int, list[tuple[int, str]]] = {}
        for old_id, new_id, kind, shape, _sim in _step_edges(later, stored):
            edges.setdefault(old_id, []).append((new_id, _STEP_STATUS.get(shape, kind)))
        for article in earlier.articles:
            best: CarriedArticle | None = None
            for new_id, step_status in sorted(edges.get(article.id, ()),
                                              key=lambda e: articles[e[0]].position if e[0] in articles else 0):
                downstream = result.get(new_id)
                if downstream is None or downstream.article is None:
                    continue
                status = step_status if downstream.status == "current" else max(
                    step_status, downstream.status, key=_PRIORITY.__getitem__)
                if best is None or _PRIORITY[status] > _PRIORITY[best.status]:
                    best = CarriedArticle(downstream.article if best is None else best.article, status)
            result[article.id] = best or CarriedArticle(None, "deleted")
    for version in draft.versions:  # versions after the current one (a rollback) are not carried
        for article in version.articles:
            result.setdefault(article.id, CarriedArticle(None, "deleted"))
    return result


def current_article(article: Article) -> CarriedArticle:
    """Where `article` (of any version) stands in its draft's current version."""
    version = article.version
    if version.is_current:
        return CarriedArticle(article, "current")
    return carried_statuses(version.draft).get(article.id, CarriedArticle(None, "deleted"))
