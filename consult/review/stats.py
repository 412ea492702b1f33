"""Statistics of a draft's comments (over time, per chapter/article, contact point, district, channel,
decision) as plain (label, count) series, and their server-side SVG charts (pygal, no script, no URL)."""
from __future__ import annotations

import unicodedata
from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.comments.selection import Selection
from consult.comments.vocabulary import ANCHOR, CHANNEL, DECISION_OR_UNDECIDED, UNDECIDED
from consult.contact_points.models import ContactPoint
from consult.drafts.models import Draft
from consult.extensions import db
from consult.review.queries import WORKBENCH_STATES, anchor_counts, chapter_of
from consult.review.carried import DELETED_ANCHOR, remap_counts

CHARTS = ("time", "chapter", "article", "contact_point", "district", "channel", "decision")
TOP_ARTICLES = 25


def chart_titles() -> dict[str, str]:
    """Human titles of the charts, in the interface language."""
    return {"time": _("意见数量随时间变化"), "chapter": _("各章意见数"), "article": _("意见最多的条款"),
            "contact_point": _("各联系点意见数"), "district": _("各区意见数"), "channel": _("各渠道意见数"),
            "decision": _("采纳情况")}


def series(draft: Draft, name: str, selection: Selection | None = None) -> list[tuple[str, int]]:
    """One statistic as (label, count) rows over the selected comments; unknown names raise KeyError."""
    return {"time": _over_time, "chapter": _by_chapter, "article": _by_article,
            "contact_point": _by_contact_point, "district": _by_district, "channel": _by_channel,
            "decision": _by_decision}[name](draft, selection or Selection(draft_id=draft.id))


def _where(draft, selection):
    return [Comment.draft_id == draft.id, *selection.conditions(default_states=WORKBENCH_STATES)]


def _over_time(draft, selection):
    # Counted in SQL: the day it was said, else the day it was recorded.
    day = func.coalesce(Comment.submitted_on, func.date(Comment.created_at))
    rows = db.session.execute(select(day, func.count(Comment.id)).where(*_where(draft, selection)).group_by(day))
    days: Counter = Counter()
    for value, count in rows:
        days[value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]] += count
    return sorted(days.items())


def _by_article(draft, selection):
    counts = remap_counts(draft, anchor_counts(draft, selection))  # earlier readings' comments on today's articles
    version = draft.current_version
    rows = [(ANCHOR.label(k), counts[k]) for k in ("general", "title") if counts.get(k)]
    rows += [(a.label, counts[a.id]) for a in version.articles if counts.get(a.id)]
    if counts.get("new_article"):
        rows.append((ANCHOR.label("new_article"), counts["new_article"]))
    if counts.get(DELETED_ANCHOR):
        rows.append((_("已删除条文的意见"), counts[DELETED_ANCHOR]))
    return rows


def _by_chapter(draft, selection):
    counts = remap_counts(draft, anchor_counts(draft, selection))
    version = draft.current_version
    divisions = {d.id: d for d in version.divisions}
    totals: Counter = Counter()
    order: list[str] = []
    for article in version.articles:
        chapter = chapter_of(article, divisions)
        label = chapter.heading if chapter else _("（不分章）")
        if label not in order:
            order.append(label)
        totals[label] += counts.get(article.id, 0)
    rows = [(ANCHOR.label(k), counts[k]) for k in ("general", "title", "new_article") if counts.get(k)]
    return rows + [(label, totals[label]) for label in order]


def _grouped(draft, selection, column):
    rows = db.session.execute(select(column, func.count(Comment.id))
                              .outerjoin(ContactPoint, Comment.contact_point_id == ContactPoint.id)
                              .where(*_where(draft, selection)).group_by(column))
    return sorted(((label or _("（无联系点）"), count) for label, count in rows), key=lambda r: (-r[1], r[0]))


def _by_contact_point(draft, selection):
    return _grouped(draft, selection, ContactPoint.name)


def _by_district(draft, selection):
    return _grouped(draft, selection, ContactPoint.district)


def _by_channel(draft, selection):
    rows = db.session.execute(select(Comment.channel, func.count(Comment.id))
                              .where(*_where(draft, selection)).group_by(Comment.channel))
    counts = dict(rows.all())
    return [(str(term.label), counts[term.code]) for term in CHANNEL if counts.get(term.code)]


def _by_decision(draft, selection):
    rows = db.session.execute(select(Comment.decision, func.count(Comment.id))
                              .where(*_where(draft, selection)).group_by(Comment.decision))
    counts = dict(rows.all())
    return [(str(term.label), counts.get(None if term.code == UNDECIDED else term.code, 0))
            for term in DECISION_OR_UNDECIDED]


def _style():
    """The chart colours and CJK fonts (pygal is imported by the chart code only, not by `consult --help`)."""
    from pygal.style import Style

    return Style(background="#ffffff", plot_background="#ffffff", foreground="#1f2328",
                 foreground_strong="#1f2328", foreground_subtle="#57606a",
                 colors=("#a4161a", "#0b5cad", "#1a7f37", "#9a6700", "#57606a"),
                 font_family="Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif",
                 label_font_size=14, major_label_font_size=14, title_font_size=18, value_font_size=14)


def render_chart(draft: Draft, name: str, selection: Selection | None = None) -> bytes:
    """The chart `name` as a standalone SVG document: no script, no external URL, scales to the screen."""
    import pygal

    rows = series(draft, name, selection)
    title = chart_titles()[name]
    config = pygal.Config(js=[], disable_xml_declaration=True, style=_style(), show_legend=False,
                          print_values=True, width=720, height=max(320, 28 * min(len(rows), 40) + 120),
                          truncate_label=40, no_data_text=_("暂无数据"), title=title)
    if name == "time":
        chart = pygal.Line(config, x_label_rotation=30, show_minor_x_labels=False,
                           x_labels_major_every=max(1, len(rows) // 8), height=360, print_values=False)
    elif name in ("channel", "decision"):
        chart = pygal.Pie(config, show_legend=True, legend_at_bottom=True, print_values=True, height=420)
    else:
        chart = pygal.HorizontalBar(config)
        rows = rows[:TOP_ARTICLES] if name == "article" else rows
        rows = sorted(rows, key=lambda r: -r[1]) if name == "article" else rows
        rows = list(reversed(rows))  # HorizontalBar draws bottom-up; the first row should be on top
        chart.config.margin_left = 20 + _wide_extra(label for label, _count in rows)
    if name in ("channel", "decision"):
        for label, count in rows:
            if count:
                chart.add(label, count)
    else:
        chart.x_labels = [label for label, _count in rows]
        chart.add(title, [count for _label, count in rows])
    return _without_scripts(chart)


def _wide_extra(labels, font_size: int = 14) -> int:
    # pygal sizes labels at 0.6 em per character; Chinese characters take a full em.
    wide = [sum(1 for ch in label[:40] if unicodedata.east_asian_width(ch) in "WF") for label in labels]
    return int(0.45 * font_size * max(wide, default=0))


def _without_scripts(chart) -> bytes:
    # pygal always embeds a small config <script>, even with js=[]; the chart needs none of it.
    from pygal.etree import etree

    tree = chart.render_tree()
    for script in list(tree.iter("{http://www.w3.org/2000/svg}script", "script")):
        script.getparent().remove(script)
    svg = etree.tostring(tree, encoding="utf-8")
    return svg if isinstance(svg, bytes) else svg.encode("utf-8")
