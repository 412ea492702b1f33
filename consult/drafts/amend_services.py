"""Apply an amendment draft (修改决定 / 修正案) to its base text: the amended text becomes the draft's new
version (its lineage proposed like any import, so the comparison table follows), each item that could
not be carried out a warning on the new version, on that item.

Flush, never commit; audited.
"""
from __future__ import annotations

from pathlib import PurePath

from flask_babel import gettext as _

from consult.audit.services import record
from consult.drafts.amend import Amended, Provision, apply_items, says_renumber
from consult.drafts.models import Draft, DraftVersion
from consult.drafts.publishing import DraftError
from consult.drafts.services import import_draft, parse_upload

__all__ = ["apply_amendment", "render_text"]


def _provisions(version: DraftVersion) -> list[Provision]:
    index = {d.id: i for i, d in enumerate(version.divisions)}
    return [Provision(number=a.number, suffix=a.suffix, label=a.label, paragraphs=list(a.paragraphs or []),
                      division=index.get(a.division_id), caption=a.caption)
            for a in version.articles if not a.deleted]


def render_text(title: str, version: DraftVersion, articles: list[Provision]) -> str:
    """The amended text as a .txt draft: title, then the divisions and articles in order."""
    divisions = list(version.divisions)
    lines = [title, ""]
    emitted: set[int] = set()

    def chain(index: int | None) -> list[int]:
        out = []
        while index is not None:
            out.append(index)
            parent = divisions[index].parent_id
            index = next((i for i, d in enumerate(divisions) if d.id == parent), None) if parent else None
        return out[::-1]

    for article in articles:
        for index in chain(article.division):
            if index not in emitted:
                emitted.add(index)
                lines.append(divisions[index].heading)
        caption = f"【{article.caption}】" if article.caption else ""
        first, *rest = article.paragraphs or [""]
        lines.append(f"{article.label}　{caption}{first}")
        lines.extend(rest)
    return "\n".join(lines) + "\n"


def apply_amendment(data: bytes, filename: str, draft: Draft, *, version_label: str | None = None,
                    actor=None) -> tuple[DraftVersion, Amended]:
    """Carry out the amendment file on the current version of `draft`; the result is its new version.

    DraftError (nothing saved) when the file is not an amendment, the draft has no text, or no item at
    all could be applied.
    """
    parsed = parse_upload(data, filename)
    if parsed.kind != "amendment":
        raise DraftError(_("%(filename)s 不是修改决定或修正案（应由“一、将第X条修改为……”这样的修改项组成）。",
                           filename=filename), "file")
    base = draft.current_version
    if base is None:
        raise DraftError(_("该草案还没有可以修改的文本。"))
    items = [(a.label, "\n".join(a.paragraphs)) for a in parsed.articles]
    renumber = says_renumber("\n".join(text for _label, text in items) + "\n".join(parsed.trailing))
    amended = apply_items(_provisions(base), items, renumber=renumber)
    if not any(o.applied for o in amended.outcomes):
        first = amended.outcomes[0] if amended.outcomes else None
        raise DraftError(_("没有一项修改能够适用于《%(title)s》%(label)s：%(reason)s", title=draft.title,
                           label=base.label, reason=f"{first.label}{first.message}" if first else ""), "file")
    text = render_text(draft.title, base, amended.articles)
    stem = PurePath(filename).stem
    version = import_draft(text.encode("utf-8"), f"{stem}（已适用）.txt", title=draft.title,
                           version_label=version_label or _("修正稿"), draft=draft, actor=actor)
    # line None: the line numbers of the amendment file are not lines of the amended text
    version.warnings = list(version.warnings) + [
        {"code": "amendment_item", "line": None,
         "message": _("修改项%(label)s未能适用：%(reason)s", label=o.label, reason=o.message)}
        for o in amended.failed] + [{"code": "amendment_reference", "line": None, "message": note}
                                    for note in amended.notes]
    record(actor, "draft.amendment_apply", draft, version_id=version.id, base_version_id=base.id,
           filename=PurePath(filename).name, items=len(amended.outcomes), failed=len(amended.failed),
           renumbered=amended.renumbered)
    return version, amended
