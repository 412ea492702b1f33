"""The participation page's charts: (label, number) rows drawn as SVG by pygal, in the workbench
statistics' style (consult/review/stats.py: same colours, CJK fonts, no script, no external URL).

Each chart's rows are also printed as a table beside it: the table is the text alternative.
"""
from __future__ import annotations

from flask_babel import gettext as _

from consult.report import queries

CHARTS = ("decision", "channel", "district", "article", "time")


def chart_titles() -> dict[str, str]:
    """Human titles of the participation charts, in the interface language."""
    return {"decision": _("意见处理情况"), "channel": _("各渠道意见数"), "district": _("各区县意见数"),
            "article": _("意见最多的条款"), "time": _("每日意见数")}


def chart_rows(report, rows_by_article=None) -> dict[str, list[tuple[str, int]]]:
    """name → (label, number) rows of every chart of the report."""
    articles = rows_by_article if rows_by_article is not None else queries.article_rows(report)
    return {"decision": queries.by_decision(report), "channel": queries.by_channel(report),
            "district": queries.by_district(report), "article": queries.top_articles(articles),
            "time": queries.over_time(report)}


def chart_series(report, name: str) -> list[tuple[str, int]]:
    """One chart's rows; unknown names raise KeyError."""
    if name == "article":
        return queries.top_articles(queries.article_rows(report))
    return {"decision": queries.by_decision, "channel": queries.by_channel, "district": queries.by_district,
            "time": queries.over_time}[name](report)


def render_chart(name: str, rows: list[tuple[str, int]]) -> bytes:
    """The chart `name` over `rows` as a standalone SVG document (no script, no external URL)."""
    import pygal

    from consult.review.stats import _style, _wide_extra, _without_scripts

    title = chart_titles()[name]
    config = pygal.Config(js=[], disable_xml_declaration=True, style=_style(), show_legend=False,
                          print_values=True, width=720, height=max(320, 28 * min(len(rows), 40) + 120),
                          truncate_label=40, no_data_text=_("暂无数据"), title=title)
    if name == "time":
        chart = pygal.Line(config, x_label_rotation=30, show_minor_x_labels=False,
                           x_labels_major_every=max(1, len(rows) // 8), height=360, print_values=False)
    elif name in ("decision", "channel"):
        chart = pygal.Pie(config, show_legend=True, legend_at_bottom=True, height=420)
    else:
        chart = pygal.HorizontalBar(config)
        rows = list(reversed(rows))  # HorizontalBar draws bottom-up; the first row belongs on top
        chart.config.margin_left = 20 + _wide_extra(label for label, _count in rows)
    if name in ("decision", "channel"):
        for label, count in rows:
            if count:
                chart.add(label, count)
    else:
        chart.x_labels = [label for label, _count in rows]
        chart.add(title, [count for _label, count in rows])
    return _without_scripts(chart)
