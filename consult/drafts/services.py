"""Draft verbs: import a file as a new draft or version, edit its metadata, publish, close, delete.

Flush, never commit. Publishing goes through the guard in `consult.drafts.publishing`.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import PurePath

from flask_babel import gettext as _

from sqlalchemy import column, func, select, table

from consult.audit.models import AuditEvent
from consult.audit.services import record
from consult.database import utcnow
from consult.drafts.lineage_services import propose_lineage
from consult.drafts.models import Article, Division, Draft, DraftVersion
from consult.drafts.publishing import DraftError, assign_addresses, check_publishable
from consult.extensions import db
from consult.lawtext import LawTextError, ParsedDraft, parse_lines, read_document
from consult.outbox import enqueue, enqueue_many

__all__ = ["DraftError", "import_draft", "publish_draft", "close_draft", "unpublish_draft", "delete_draft",
           "check_window", "was_ever_published", "update_draft_details", "parse_upload", "build_version"]


def parse_upload(data: bytes, filename: str) -> ParsedDraft:
    """Read and parse an uploaded draft file, or raise DraftError with a one-line reason."""
    try:
        parsed = parse_lines(read_document(data, filename))
    except LawTextError as exc:
        raise DraftError(_(exc.template, **exc.params), "file") from exc
    if not parsed.articles:
        raise DraftError(_("%(filename)s：没有识别到任何条文（第一条、第二条……）。", filename=filename), "file")
    return parsed


def import_draft(data: bytes, filename: str, *, title: str | None = None, version_label: str | None = None,
                 draft: Draft | None = None, actor=None) -> DraftVersion:
    """Store a .docx/.txt file as a new Draft, or as the new current version of `draft`."""
    parsed = parse_upload(data, filename)
    source_hash = hashlib.sha256(data).hexdigest()
    if draft is not None:
        current = draft.current_version
        if current is not None and current.source_hash == source_hash:
            raise DraftError(_("该文件与当前版本完全相同，未导入。"), "file")
    title = (title or parsed.title or PurePath(filename).stem).strip()[:300]
    if draft is None:
        draft = Draft(title=title, created_by_id=getattr(actor, "id", None))
        db.session.add(draft)
    for previous in draft.versions:
        previous.is_current = False
    version = build_version(parsed, title=title, label=version_label, filename=filename,
                            source_hash=source_hash, actor=actor)
    draft.versions.append(version)
    db.session.flush()
    enqueue("draft", draft.id)
    enqueue_many("article", [a.id for a in version.articles])
    record(actor, "draft.import", draft, version_id=version.id, label=version.label, filename=filename,
           articles=len(version.articles), warnings=len(version.warnings))
    if len(draft.versions) > 1:  # a new reading: propose which old article each new one comes from
        propose_lineage(version, actor=actor)
    return version


def build_version(parsed: ParsedDraft, *, title: str, label: str | None, filename: str, source_hash: str,
                  actor=None) -> DraftVersion:
    """Turn a parse result into an unsaved DraftVersion with its divisions and articles."""
    version = DraftVersion(
        label=(label or parsed.version_label or "征求意见稿")[:100], title=title, kind=parsed.kind,
        source_filename=PurePath(filename).name[:300], source_hash=source_hash, is_current=True,
        preamble=list(parsed.preamble), toc=list(parsed.toc), trailing=list(parsed.trailing),
        warnings=[w if isinstance(w, dict) else w.to_dict() for w in parsed.to_dict()["warnings"]],
        created_by_id=getattr(actor, "id", None),
    )
    divisions: list[Division] = []
    for position, d in enumerate(parsed.divisions):
        division = Division(kind=d.kind, number=d.number, label=d.label or "", title=d.title or "",
                            position=position, parent=divisions[d.parent] if d.parent is not None else None)
        divisions.append(division)
        version.divisions.append(division)
    for position, a in enumerate(parsed.articles):
        version.articles.append(Article(
            number=a.number, suffix=a.suffix, label=a.label, caption=a.caption, paragraphs=list(a.paragraphs),
            deleted=bool(a.deleted), position=position, stable_key=a.key, source_line=a.line,
            division=divisions[a.division] if a.division is not None else None,
        ))
    assign_addresses(version.articles)
    return version


def update_draft_details(draft: Draft, *, title: str | None = None, version_label: str | None = None,
                         description: str | None = None, actor=None) -> Draft:
    """Correct the title, version label or description that the import guessed."""
    changes = {}
    version = draft.current_version
    if title is not None and title.strip() and title.strip() != draft.title:
        changes["title"] = [draft.title, title.strip()]
        draft.title = title.strip()[:300]
        if version is not None:
            version.title = draft.title
    if version_label is not None and version is not None and version_label.strip() != version.label:
        changes["version_label"] = [version.label, version_label.strip()]
        version.label = version_label.strip()[:100]
    if description is not None and description != draft.description:
        draft.description = description
        changes["description"] = "changed"
    db.session.flush()
    if changes:
        enqueue("draft", draft.id)
        record(actor, "draft.update", draft, **changes)
    return draft


def check_window(opens_at: datetime | None, closes_at: datetime | None) -> datetime:
    """The opening time to use (now if none), or DraftError when the window is empty."""
    opens_at = opens_at or utcnow()
    if closes_at is None or closes_at <= opens_at:
        raise DraftError(_("截止时间必须晚于开始时间。"), "closes_at")
    return opens_at


def publish_draft(draft: Draft, opens_at: datetime | None, closes_at: datetime, actor=None) -> Draft:
    """Publish the draft with a comment window [opens_at, closes_at) in UTC, once the guard lets it."""
    version = draft.current_version
    check_publishable(version)
    opens_at = check_window(opens_at, closes_at)
    assign_addresses(version.articles)  # versions imported before addresses were unique get them now
    draft.published_at = draft.published_at or utcnow()
    draft.comment_opens_at = opens_at
    draft.comment_closes_at = closes_at
    db.session.flush()
    enqueue("draft", draft.id)
    enqueue_many("article", [a.id for a in version.articles])
    record(actor, "draft.publish", draft, opens_at=opens_at, closes_at=closes_at)
    return draft


def close_draft(draft: Draft, actor=None) -> Draft:
    """End the comment window now."""
    if not draft.is_published:
        raise DraftError(_("草案尚未发布。"))
    now = utcnow()
    if draft.comment_closes_at is not None and draft.comment_closes_at <= now:
        raise DraftError(_("征求意见已经截止。"))
    draft.comment_closes_at = now
    db.session.flush()
    record(actor, "draft.close", draft, closes_at=draft.comment_closes_at)
    return draft


def unpublish_draft(draft: Draft, actor=None) -> Draft:
    """Withdraw a published draft from the public pages."""
    draft.published_at = None
    db.session.flush()
    enqueue("draft", draft.id)
    enqueue_many("article", [a.id for a in draft.current_version.articles] if draft.current_version else [])
    record(actor, "draft.unpublish", draft)
    return draft


def was_ever_published(draft: Draft) -> bool:
    """True if the draft is public now or was once (withdrawn drafts keep their history)."""
    if draft.is_published:
        return True
    return db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "draft.publish", AuditEvent.target_type == "Draft",
        AuditEvent.target_id == draft.id).limit(1)) is not None


def delete_draft(draft: Draft, actor=None) -> int:
    """Delete a draft that was never published, with all its versions; returns its former id."""
    if was_ever_published(draft):
        raise DraftError(_("已发布的草案不能删除，只能截止征求意见。"))
    # Drafts sit below comments in the package layers, so the comments table is named here, not imported;
    # a never-published draft cannot have comments, and this check keeps the cascade from ever removing any.
    comments_table = table("comments", column("draft_id"))
    comments = db.session.scalar(select(func.count()).select_from(comments_table)
                                 .where(comments_table.c.draft_id == draft.id))
    if comments:
        raise DraftError(_("该草案已有 %(n)s 条意见，不能删除。", n=comments))
    draft_id, title = draft.id, draft.title
    article_ids = [a.id for v in draft.versions for a in v.articles]
    versions = [v.label for v in draft.versions]
    db.session.delete(draft)
    db.session.flush()
    enqueue("draft", draft_id)
    enqueue_many("article", article_ids)
    record(actor, "draft.delete", ("Draft", draft_id), title=title, versions=versions,
           articles=len(article_ids))
    return draft_id
