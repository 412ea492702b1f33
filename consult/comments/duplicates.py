"""Near-duplicate comments (copy-paste campaigns, one opinion relayed by several contact points).

Technique: normalise (NFKC width folding, OpenCC traditional → simplified, drop punctuation and spaces),
cut into character 3-shingles, index MinHash signatures in an LSH table (datasketch) to find candidate
pairs cheaply, then keep only pairs whose exact Jaccard similarity reaches the threshold; groups are the
connected components. Comments only group with comments on the same article (or the same kind of
non-article anchor), since "删除本条" under two different articles are two different opinions.

Detection runs after every comment import and on demand; each run is stamped (DuplicateDetection) so the
page can say when it last ran. Confirmed groups are never regrouped, and a comment staff split out
(`Comment.duplicate_excluded`) stays out of automatic grouping until staff put it in a group by hand.
Group decisions (decide once, the representative's decisions propagate) live in consult.review.services.
"""
from __future__ import annotations

import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Hashable, Iterable
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select, update

from consult.accounts.permissions import can_decide
from consult.audit.services import record
from consult.comments.models import Comment, DuplicateDetection, DuplicateGroup
from consult.database import utcnow
from consult.errors import UserError
from consult.extensions import db
from consult.outbox import enqueue, enqueue_many

THRESHOLD = 0.75  # ~2 changed characters in a 40-character comment still group; unrelated texts stay < 0.4
SHINGLE = 3
NUM_PERM = 128
SPLIT_ACTION = "comment.duplicate_split"


class DuplicateError(UserError):
    """A refused change to a duplicate group (nothing was changed); `field` names the form field."""


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Fold width, traditional → simplified and case; keep only letters and digits (no punctuation/space)."""
    return normalise_many([text])[0]


def normalise_many(texts: list[str]) -> list[str]:
    """`normalise` for many texts with a single OpenCC call (its per-call cost dominates short texts)."""
    folded = [" ".join(unicodedata.normalize("NFKC", text or "").splitlines()) for text in texts]
    converted = _converter().convert("\n".join(folded)).lower().split("\n")
    if len(converted) != len(texts):  # never expected; fall back to one call per text
        converted = [_converter().convert(text).lower() for text in folded]
    return ["".join(ch for ch in text if unicodedata.category(ch)[0] in "LN") for text in converted]


def shingles(normalised: str, k: int = SHINGLE) -> set[str]:
    """Character k-shingles of a normalised text (the whole text when shorter than k)."""
    if len(normalised) < k:
        return {normalised} if normalised else set()
    return {normalised[i:i + k] for i in range(len(normalised) - k + 1)}


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity of two shingle sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class _UnionFind:
    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def detect_groups(items: Iterable[tuple[int, Hashable, str]],
                  threshold: float = THRESHOLD) -> list[list[int]]:
    """Group ids of near-identical texts: `items` are (id, partition key, text); returns sorted id lists."""
    by_text: dict[tuple, list[int]] = defaultdict(list)
    items = list(items)
    for (item_id, key, _text), norm in zip(items, normalise_many([text for _id, _key, text in items])):
        if norm:
            by_text[(key, norm)].append(item_id)
    uniques = list(by_text)
    sets = [shingles(norm) for _key, norm in uniques]
    union = _UnionFind()
    for index in range(len(uniques)):
        union.find(index)
    from datasketch import MinHash, MinHashLSH  # numpy underneath: loaded when detection runs, not at start-up

    # LSH with a lower band threshold finds nearly every pair above `threshold`; exact Jaccard decides.
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.15), num_perm=NUM_PERM)
    signatures = MinHash.bulk([[s.encode("utf-8") for s in shingle_set] for shingle_set in sets],
                              num_perm=NUM_PERM, hashfunc=zlib.crc32)  # crc32: 32-bit, ~5× faster than sha1
    for index, signature in enumerate(signatures):
        lsh.insert(index, signature, check_duplication=False)
    for index, signature in enumerate(signatures):
        for other in lsh.query(signature):
            if other <= index or uniques[other][0] != uniques[index][0]:
                continue
            if jaccard(sets[index], sets[other]) >= threshold:
                union.union(index, other)
    components: dict[int, list[int]] = defaultdict(list)
    for index, text_key in enumerate(uniques):
        components[union.find(index)].extend(by_text[text_key])
    return sorted((sorted(ids) for ids in components.values() if len(ids) > 1), key=lambda g: (-len(g), g[0]))


def _partition(article_id: int | None, anchor_kind: str) -> Hashable:
    return ("article", article_id) if article_id is not None else ("anchor", anchor_kind)


def _set_group(ids: list[int], group_id: int | None) -> None:
    for start in range(0, len(ids), 500):
        db.session.execute(update(Comment).where(Comment.id.in_(ids[start:start + 500]))
                           .values(duplicate_group_id=group_id),
                           execution_options={"synchronize_session": False})


def find_duplicate_groups(draft, *, actor=None, threshold: float = THRESHOLD) -> list[DuplicateGroup]:
    """Recompute a draft's unconfirmed groups (confirmed ones stay); returns every group, largest first."""
    rows = db.session.execute(select(
        Comment.id, Comment.article_id, Comment.anchor_kind, Comment.body, Comment.duplicate_group_id,
        Comment.duplicate_excluded, DuplicateGroup.confirmed)
        .outerjoin(DuplicateGroup, Comment.duplicate_group_id == DuplicateGroup.id)
        .where(Comment.draft_id == draft.id, Comment.moderation_state != "rejected")).all()
    current = {row.id: row.duplicate_group_id for row in rows}
    loose = {row.id for row in rows if not row.confirmed}
    found = detect_groups(((r.id, _partition(r.article_id, r.anchor_kind), r.body) for r in rows
                           if r.id in loose and not r.duplicate_excluded), threshold)
    old_groups = {g.id: g for g in db.session.scalars(select(DuplicateGroup).where(
        DuplicateGroup.draft_id == draft.id, DuplicateGroup.confirmed.is_(False)))}
    old_members: dict[int, set[int]] = defaultdict(set)
    for comment_id, group_id in current.items():
        if group_id in old_groups:
            old_members[group_id].add(comment_id)
    by_members = {frozenset(ids): gid for gid, ids in old_members.items()}
    target: dict[int, int | None] = {cid: None for cid in loose}
    kept: set[int] = set()
    for ids in found:
        group_id = by_members.get(frozenset(ids))
        if group_id is None:
            group = DuplicateGroup(draft_id=draft.id, confirmed=False, representative_id=ids[0])
            db.session.add(group)
            db.session.flush()
            group_id = group.id
        kept.add(group_id)
        for cid in ids:
            target[cid] = group_id
    changed: dict[int | None, list[int]] = defaultdict(list)
    for cid, group_id in target.items():
        if current.get(cid) != group_id:
            changed[group_id].append(cid)
    for group_id, ids in changed.items():
        _set_group(ids, group_id)
    for group_id, group in old_groups.items():
        if group_id not in kept:
            db.session.delete(group)
    moved = [cid for ids in changed.values() for cid in ids]
    enqueue_many("comment", moved)
    record(actor, "duplicates.recompute", draft, groups=len(found), comments_moved=len(moved))
    db.session.flush()
    db.session.expire_all()
    groups = draft_groups(draft)
    _stamp(draft, groups)
    return groups


def _stamp(draft, groups: list[DuplicateGroup]) -> DuplicateDetection:
    run = db.session.get(DuplicateDetection, draft.id)
    if run is None:
        run = DuplicateDetection(draft_id=draft.id)
        db.session.add(run)
    run.ran_at = utcnow()
    run.groups = len(groups)
    run.comments = sum(len(g.comments) for g in groups)
    db.session.flush()
    return run


def refresh_duplicates(draft, *, actor=None) -> DuplicateDetection:
    """Run detection over a draft's comments now (after an import, or on demand); returns the run's stamp."""
    find_duplicate_groups(draft, actor=actor)
    return db.session.get(DuplicateDetection, draft.id)


def last_detection(draft) -> DuplicateDetection | None:
    """When detection last ran over this draft and what it found (None: it never ran)."""
    return db.session.get(DuplicateDetection, draft.id)


def draft_groups(draft) -> list[DuplicateGroup]:
    """Every duplicate group of a draft with at least two comments, confirmed first, then by size."""
    groups = list(db.session.scalars(select(DuplicateGroup).where(DuplicateGroup.draft_id == draft.id)))
    groups = [g for g in groups if len(g.comments) > 1]
    return sorted(groups, key=lambda g: (not g.confirmed, -len(g.comments), g.id))


def _check_actor(actor) -> None:
    if actor is not None and not can_decide(actor):
        raise DuplicateError(_("您没有权限执行此操作。"))


def confirm_group(group: DuplicateGroup, *, actor) -> DuplicateGroup:
    """Confirm that the group's comments say the same thing (recomputation never breaks it again)."""
    _check_actor(actor)
    if len(group.comments) < 2:
        raise DuplicateError(_("一个组至少需要两条意见。"))
    group.confirmed = True
    if group.representative_id is None:
        group.representative_id = group.comments[0].id
    record(actor, "duplicates.confirm", group, comments=[c.id for c in group.comments])
    for comment in group.comments:
        enqueue("comment", comment.id)
    db.session.flush()
    return group


def join_group(comment: Comment, other: Comment, *, actor) -> DuplicateGroup:
    """Put `comment` by hand into the group of `other` (a new confirmed group when `other` has none).

    Staff judged the texts the same, so the group is confirmed; the split-out flag is cleared."""
    _check_actor(actor)
    if other.id == comment.id:
        raise DuplicateError(_("不能把意见标为与自身重复。"), "other")
    if other.draft_id != comment.draft_id:
        raise DuplicateError(_("只能与同一草案的意见合并。"), "other")
    if "rejected" in (comment.moderation_state, other.moderation_state):
        raise DuplicateError(_("不予公开的意见不参与重复意见合并。"), "other")
    if comment.duplicate_group_id is not None and comment.duplicate_group_id == other.duplicate_group_id:
        raise DuplicateError(_("两条意见已在同一重复组中。"), "other")
    if comment.duplicate_group is not None:
        split_from_group(comment, actor=actor, keep_out=False)
    group = other.duplicate_group
    if group is None:
        group = DuplicateGroup(draft_id=other.draft_id, confirmed=True, representative_id=other.id)
        db.session.add(group)
        other.duplicate_group = group
        other.duplicate_excluded = False
    comment.duplicate_group = group
    comment.duplicate_excluded = False
    group.confirmed = True
    db.session.flush()
    if group.representative_id is None:
        group.representative_id = group.comments[0].id
    record(actor, "comment.duplicate_mark", comment, group=group.id, of=other.id)
    enqueue_many("comment", [comment.id, other.id])
    db.session.flush()
    return group


def split_from_group(comment: Comment, *, actor, keep_out: bool = True) -> DuplicateGroup | None:
    """Take a comment out of its group and, by default, out of later automatic grouping.

    A group left with one comment is dissolved; a group losing its representative gets its first
    remaining comment as representative. Returns the old group."""
    _check_actor(actor)
    group = comment.duplicate_group
    if group is None:
        raise DuplicateError(_("该意见不在任何重复组中。"))
    comment.duplicate_group = None
    comment.duplicate_excluded = keep_out
    record(actor, SPLIT_ACTION, comment, group=group.id)
    enqueue("comment", comment.id)
    db.session.flush()
    remaining = [c for c in group.comments if c.id != comment.id]
    if len(remaining) < 2:
        for other in remaining:
            other.duplicate_group = None
            enqueue("comment", other.id)
        group.representative_id = None
        db.session.flush()
        record(actor, "duplicates.dissolve", group)
        db.session.delete(group)
        db.session.flush()
    elif group.representative_id == comment.id:
        group.representative_id = remaining[0].id
        db.session.flush()
    return group
