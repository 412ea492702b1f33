"""Reads for the staff workbench: selected comment sets paged in SQL, progress, per-article counts, queues,
duplicate groups. Which comments: a `Selection` (consult.comments.selection), rejected ones out by default."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from consult.accounts.models import User
from consult.accounts.permissions import STAFF_ROLES
from consult.comments.models import Comment, DuplicateGroup, Tag
from consult.comments.selection import Selection
from consult.comments.vocabulary import CHANNEL, DECISION, SELF_SUBMITTED_CHANNELS
from consult.contact_points.models import ContactPoint
from consult.drafts.models import Article, Division, Draft
from consult.extensions import db
from consult.review.carried import DELETED_ANCHOR, workbench_place

NON_ARTICLE_ANCHORS = ("general", "title", "new_article")
WORKBENCH_STATES = ("pending", "published", "internal")  # everything received except rejected comments
PAGE_SIZE = 50  # comments shown with their controls per page of the article view
GROUPS_PER_PAGE = 10
MEMBERS_SHOWN = 20  # members of one group shown side by side; the rest are counted


def workbench_selection(args, draft: Draft) -> Selection:
    """The workbench filters from request args (bad values dropped and listed in `.errors`)."""
    return Selection.from_args(args, draft=draft)


def filter_args(selection: Selection) -> dict:
    """URL arguments of the selection's filters (the draft is in the path)."""
    return {key: value for key, value in selection.to_args().items() if key not in ("draft_id", "q")}


def _conditions(draft: Draft, selection: Selection | None) -> list:
    selection = selection if selection is not None else Selection(draft_id=draft.id)
    return [Comment.draft_id == draft.id, *selection.conditions(default_states=WORKBENCH_STATES)]


def progress(draft: Draft, selection: Selection | None = None) -> dict:
    """Counts for the progress bar: total, decided (any decision), per decision, pending moderation."""
    rows = db.session.execute(select(Comment.decision, func.count(Comment.id))
                              .where(*_conditions(draft, selection)).group_by(Comment.decision))
    by_decision = {decision: count for decision, count in rows}
    total = sum(by_decision.values())
    undecided = by_decision.pop(None, 0)
    pending = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.draft_id == draft.id, Comment.moderation_state == "pending")) or 0
    return {"total": total, "decided": total - undecided, "by_decision": by_decision, "pending": pending,
            "percent": round(100 * (total - undecided) / total) if total else 0}


def drafts_with_progress() -> list[tuple[Draft, dict]]:
    """Every draft with a current version, newest first, with its progress counts."""
    drafts = db.session.scalars(select(Draft).order_by(Draft.created_at.desc(), Draft.id.desc()))
    return [(draft, progress(draft)) for draft in drafts if draft.current_version is not None]


def anchor_counts(draft: Draft, selection: Selection | None = None) -> dict:
    """Comment counts per article id, plus non-article anchors by kind (general/title/new_article)."""
    rows = db.session.execute(select(Comment.article_id, Comment.anchor_kind, func.count(Comment.id))
                              .where(*_conditions(draft, selection))
                              .group_by(Comment.article_id, Comment.anchor_kind))
    counts: Counter = Counter()
    for article_id, kind, count in rows:
        counts[article_id if article_id is not None else kind] += count
    return dict(counts)


def _anchor_conditions(draft, article, anchor_kind, selection, carried=()) -> list:
    """`carried`: ids of earlier versions' articles whose comments also show here (the article they became,
    or the deleted ones under DELETED_ANCHOR; see consult.review.carried)."""
    conds = _conditions(draft, selection)
    if article is not None:
        own = Comment.article_id.in_([article.id, *carried]) if carried else Comment.article_id == article.id
        return conds + [own]
    if anchor_kind == DELETED_ANCHOR:
        return conds + [Comment.article_id.in_(list(carried))]
    return conds + [Comment.article_id.is_(None), Comment.anchor_kind == anchor_kind]


_ORDER = (func.coalesce(Comment.paragraph_no, 0), func.coalesce(Comment.item_no, 0), Comment.id)


def anchor_page(draft: Draft, *, article: Article | None = None, anchor_kind: str | None = None,
                selection: Selection | None = None, page: int = 1,
                per_page: int = PAGE_SIZE, carried=()) -> tuple[list[Comment], int, int]:
    """One page of the comments on an article (by paragraph and item) or a non-article anchor, in SQL;
    with `carried`, earlier readings' comments the lineage carries here too.

    Returns (comments, total, page) with `page` clamped to the pages that exist."""
    conds = _anchor_conditions(draft, article, anchor_kind, selection, carried)
    total = db.session.scalar(select(func.count(Comment.id)).where(*conds)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    stmt = (select(Comment).where(*conds)
            .options(selectinload(Comment.tags), selectinload(Comment.contact_point), selectinload(Comment.version),
                     selectinload(Comment.article),
                     selectinload(Comment.assigned_to), selectinload(Comment.duplicate_group))
            .order_by(*_ORDER).limit(per_page).offset((page - 1) * per_page))
    return list(db.session.scalars(stmt)), total, page


def page_of(comment: Comment, selection: Selection | None = None, per_page: int = PAGE_SIZE) -> int | None:
    """The page of its anchor's list on which `comment` shows (None when the selection hides it); a comment
    on an earlier reading counts where the workbench shows it (consult.review.carried.workbench_place)."""
    article, anchor_kind, carried = workbench_place(comment)
    conds = _anchor_conditions(comment.draft, article, anchor_kind or comment.anchor_kind, selection, carried)
    if not db.session.scalar(select(func.count(Comment.id)).where(*conds, Comment.id == comment.id)):
        return None
    p, i = comment.paragraph_no or 0, comment.item_no or 0
    p_col, i_col = _ORDER[0], _ORDER[1]
    before = or_(p_col < p, and_(p_col == p, i_col < i), and_(p_col == p, i_col == i, Comment.id < comment.id))
    ahead = db.session.scalar(select(func.count(Comment.id)).where(*conds, before)) or 0
    return ahead // per_page + 1


def paragraph_counts(draft: Draft, article: Article, selection: Selection | None = None) -> Counter:
    """How many selected comments address each (paragraph, item) of an article; item 0 = the paragraph."""
    rows = db.session.execute(
        select(Comment.paragraph_no, Comment.item_no, func.count(Comment.id))
        .where(*_anchor_conditions(draft, article, None, selection), Comment.paragraph_no.is_not(None))
        .group_by(Comment.paragraph_no, Comment.item_no))
    return Counter({(p, i or 0): n for p, i, n in rows})


def comments_in_draft(draft: Draft, ids) -> list[Comment]:
    """The comments of this draft among `ids` (ids from another draft are ignored)."""
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return []
    return list(db.session.scalars(select(Comment).where(Comment.draft_id == draft.id, Comment.id.in_(ids))
                                   .order_by(Comment.id)))


def comment_by_receipt(draft: Draft, code: str) -> Comment | None:
    """A comment of this draft by its receipt code (as staff type it: case and spaces ignored)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return db.session.scalar(select(Comment).where(Comment.draft_id == draft.id,
                                                   func.upper(Comment.receipt_code) == code))


def _pending(draft_id: int | None):
    conds = [Comment.channel.in_(SELF_SUBMITTED_CHANNELS), Comment.moderation_state == "pending"]
    return conds + ([Comment.draft_id == draft_id] if draft_id else [])


def moderation_queue(draft_id: int | None = None, page: int = 1, per_page: int = PAGE_SIZE) -> list[Comment]:
    """One page of the online comments waiting for moderation, oldest first."""
    stmt = select(Comment).where(*_pending(draft_id))
    return list(db.session.scalars(stmt.options(selectinload(Comment.draft), selectinload(Comment.article))
                                   .order_by(Comment.created_at, Comment.id)
                                   .limit(per_page).offset((max(1, page) - 1) * per_page)))


def pending_count(draft_id: int | None = None) -> int:
    """How many online comments wait for moderation (in one draft, or over all drafts)."""
    return db.session.scalar(select(func.count(Comment.id)).where(*_pending(draft_id))) or 0


def pending_comments(ids) -> list[Comment]:
    """Comments among `ids`, in id order (for bulk moderation)."""
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return []
    return list(db.session.scalars(select(Comment).where(Comment.id.in_(ids)).order_by(Comment.id)))


def staff_users() -> list[User]:
    """Active staff members comments can be assigned to."""
    return list(db.session.scalars(select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True))
                                   .order_by(User.username)))


def draft_tags(draft: Draft) -> list[Tag]:
    """The draft's tag set, by name."""
    return list(db.session.scalars(select(Tag).where(Tag.draft_id == draft.id).order_by(Tag.name)))


def filter_options(draft: Draft) -> dict:
    """Choices for the filter form: contact points and districts that sent comments on this draft, tags."""
    points = list(db.session.scalars(select(ContactPoint).where(ContactPoint.id.in_(
        select(Comment.contact_point_id).where(Comment.draft_id == draft.id))).order_by(ContactPoint.code)))
    return {"contact_points": points, "districts": sorted({p.district for p in points if p.district}),
            "tags": draft_tags(draft), "channels": CHANNEL.codes, "decisions": DECISION.codes}


def chapter_of(article: Article, divisions: dict[int, Division]) -> Division | None:
    """The top-level division (编 or 章) an article sits in, if any."""
    division = divisions.get(article.division_id) if article.division_id else None
    while division is not None and division.parent_id in divisions:
        division = divisions[division.parent_id]
    return division


def group_page(draft: Draft, page: int = 1, per_page: int = GROUPS_PER_PAGE) -> tuple[list[tuple], int, int]:
    """One page of a draft's duplicate groups (two comments or more), confirmed first, then by size.

    Returns ([(group, size, representative, other members shown)], number of groups, page)."""
    sizes = (select(Comment.duplicate_group_id.label("group_id"), func.count(Comment.id).label("size"))
             .where(Comment.draft_id == draft.id, Comment.duplicate_group_id.is_not(None))
             .group_by(Comment.duplicate_group_id).having(func.count(Comment.id) > 1).subquery())
    base = select(DuplicateGroup, sizes.c.size).join(sizes, sizes.c.group_id == DuplicateGroup.id)
    total = db.session.scalar(select(func.count()).select_from(sizes)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.execute(base.order_by(DuplicateGroup.confirmed.desc(), sizes.c.size.desc(),
                                            DuplicateGroup.id).limit(per_page).offset((page - 1) * per_page)).all()
    out = []
    for group, size in rows:
        in_group = Comment.duplicate_group_id == group.id
        representative = db.session.get(Comment, group.representative_id) if group.representative_id else None
        if representative is None or representative.duplicate_group_id != group.id:
            representative = db.session.scalar(select(Comment).where(in_group).order_by(Comment.id).limit(1))
        members = list(db.session.scalars(select(Comment).where(in_group, Comment.id != representative.id)
                                          .options(selectinload(Comment.contact_point))
                                          .order_by(Comment.id).limit(MEMBERS_SHOWN)))
        out.append((group, size, representative, members))
    return out, total, page


def group_counts(draft: Draft) -> dict:
    """How many duplicate groups (of two comments or more) a draft has, and how many are confirmed."""
    sizes = (select(Comment.duplicate_group_id.label("group_id"))
             .where(Comment.draft_id == draft.id, Comment.duplicate_group_id.is_not(None))
             .group_by(Comment.duplicate_group_id).having(func.count(Comment.id) > 1).subquery())
    rows = db.session.execute(select(DuplicateGroup.confirmed, func.count())
                              .join(sizes, sizes.c.group_id == DuplicateGroup.id)
                              .group_by(DuplicateGroup.confirmed)).all()
    counts = {bool(confirmed): n for confirmed, n in rows}
    return {"total": sum(counts.values()), "confirmed": counts.get(True, 0)}
