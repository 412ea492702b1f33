"""An article laid out for review: paragraphs (款) and items (项) with how many comments address each."""
from __future__ import annotations

from collections import Counter

from consult.comments.vocabulary import ANCHOR
from consult.lawtext import int_to_cn, split_items


def article_structure(article, counts: Counter) -> list[dict]:
    """Paragraphs in order, each {no, label, lead, count, items: [{no, text, count}]}.

    `counts` maps (paragraph, item) to a number of comments, item 0 meaning the paragraph itself
    (consult.review.queries.paragraph_counts)."""
    layout = []
    for p_no, paragraph in enumerate(article.paragraphs or [], start=1):
        lead, items = split_items(paragraph)
        layout.append({"no": p_no, "label": f"第{int_to_cn(p_no)}款", "lead": lead,
                       "count": counts.get((p_no, 0), 0),
                       "items": [{"no": i_no, "text": text, "count": counts.get((p_no, i_no), 0)}
                                 for i_no, text in enumerate(items, start=1)]})
    return layout


def anchor_label(comment) -> str:
    """Which part of the text a comment addresses: 第三条第一款第（二）项, 第三条, 总体意见 …"""
    if comment.article is None:
        return ANCHOR.label(comment.anchor_kind)
    label = comment.article.label
    if comment.paragraph_no:
        label += f"第{int_to_cn(comment.paragraph_no)}款"
    if comment.item_no:
        label += f"第（{int_to_cn(comment.item_no)}）项"
    return label


def anchor_fragment(comment) -> str:
    """The id of the paragraph or item a comment addresses on the review page (for a link)."""
    if comment.paragraph_no and comment.item_no:
        return f"p{comment.paragraph_no}-i{comment.item_no}"
    if comment.paragraph_no:
        return f"p{comment.paragraph_no}"
    return "text"
