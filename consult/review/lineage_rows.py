"""The rows of the lineage review page (条文对应关系): old | link | new, in the new version's text order.

One row per link (a merge shows as two rows sharing their new article, a split as two rows sharing their old
one), one row per added article (no old side) and one per deleted article (no new side). Deleted articles
stand in their old place: right after the last row whose old article came before them.
Pure: takes the two versions' articles and the links, reads nothing.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LineageRow:
    """One line of the side-by-side table; `link` None means the article was added (old None) or deleted."""

    old: object | None
    new: object | None
    link: object | None = None

    @property
    def status(self) -> str:
        """"linked", "added" or "deleted"."""
        if self.link is not None:
            return "linked"
        return "added" if self.old is None else "deleted"


def lineage_rows(old_articles: list, new_articles: list, links: list) -> list[LineageRow]:
    """Rows in the new text's order, deleted old articles in their old place (see the module docstring)."""
    old_by_id = {a.id: a for a in old_articles}
    new_by_id = {a.id: a for a in new_articles}
    incoming: dict[int, list] = {}
    for link in links:
        if link.old_article_id in old_by_id and link.new_article_id in new_by_id:
            incoming.setdefault(link.new_article_id, []).append(link)
    rows: list[LineageRow] = []
    for article in sorted(new_articles, key=lambda a: a.position):
        found = sorted(incoming.get(article.id, []), key=lambda l: old_by_id[l.old_article_id].position)
        if not found:
            rows.append(LineageRow(None, article))
        for link in found:
            rows.append(LineageRow(old_by_id[link.old_article_id], article, link))
    linked_old = {l.old_article_id for ls in incoming.values() for l in ls}
    for deleted in sorted((a for a in old_articles if a.id not in linked_old), key=lambda a: a.position):
        at = 0
        for index, row in enumerate(rows):
            if row.old is not None and row.old.position < deleted.position:
                at = index + 1
        rows.insert(at, LineageRow(deleted, None))
    return rows


def lineage_counts(rows: list[LineageRow]) -> dict[str, int]:
    """How many links of each shape and kind, added and deleted articles (the page's summary line)."""
    counts = {"links": 0, "added": 0, "deleted": 0, "unchanged": 0, "modified": 0, "merge": 0, "split": 0,
              "staff": 0}
    for row in rows:
        if row.link is None:
            counts[row.status] += 1
            continue
        counts["links"] += 1
        counts[row.link.kind] = counts.get(row.link.kind, 0) + 1
        if row.link.shape in ("merge", "split"):
            counts[row.link.shape] += 1
        if row.link.origin == "staff":
            counts["staff"] += 1
    return counts
