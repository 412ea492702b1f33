"""Earlier readings' comments in the Word summary and the feedback letters of a later reading
(`--include-earlier`): under the article each became, marked with the version and article they were made on."""
from __future__ import annotations

import io

import pytest
from docx import Document

from consult.comments.vocabulary import CARRIED_STATUS
from consult.drafts.services import import_draft
from consult.exports.selection import select_comments, summary_data
from consult.exports.services import export_feedback, export_summary

from .conftest import comment_tables, docx_text
from .test_comparison import SECOND_READING


@pytest.fixture
def later(scenario, db):
    """The exports scenario (14 comments on the first reading) after a second reading was imported."""
    import_draft(SECOND_READING.encode(), "second.txt", draft=scenario.draft, version_label="二审稿",
                 actor=scenario.staff)
    db.session.commit()
    return scenario


def _summary(draft, **kw) -> bytes:
    out = io.BytesIO()
    export_summary(draft, out, **kw)
    return out.getvalue()


def _rows_by_heading(data: bytes) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for heading, row in comment_tables(data):
        found.setdefault(heading, []).append(row)
    return found


def test_without_the_option_earlier_comments_stay_under_other_comments(later):
    rows = _rows_by_heading(_summary(later.draft))
    assert "第二条" not in rows  # nothing was said on the second reading's articles
    other = rows["其他意见"]
    assert any(r["条款"].startswith("（草案）第三条") for r in other)


def test_with_the_option_they_sit_under_the_article_they_became(later):
    c = later.comments
    data = _summary(later.draft, include_earlier=True)
    rows = _rows_by_heading(data)
    modified = CARRIED_STATUS.formal("modified")
    # Old 第三条 became 第二条 (reworded): its two comments now sit there, marked where they were made.
    under_second = rows["第二条"]
    assert {r["修改意见或建议"].split("\n")[0] for r in under_second} == {c["a3_item2"].body, c["a3"].body}
    assert {r["条款"] for r in under_second} == {f"（草案）第三条第一款第（二）项（{modified}）",
                                               f"（草案）第三条（{modified}）"}
    # Old 第一条 is unchanged and keeps its number.
    assert rows["第一条"][0]["条款"] == f"（草案）第一条（{CARRIED_STATUS.formal('unchanged')}）"
    # Old 第二条 was deleted: its comments stay under 其他意见, with their version.
    other = rows["其他意见"]
    assert other and all(r["条款"].startswith("（草案）第二条") for r in other)
    text = "\n".join(docx_text(data))
    assert "本条共 2 条意见" in text
    # Same comments in all as without the option: only their place changed.
    assert sum(len(v) for v in rows.values()) == sum(len(v) for v in _rows_by_heading(_summary(later.draft)).values())


def test_text_order_and_totals_hold(later):
    sel = select_comments(later.draft, {})
    data = summary_data(sel, include_earlier=True)
    plain = summary_data(select_comments(later.draft, {}))
    assert data.stats.total == plain.stats.total
    assert dict(data.stats.top_articles)["第二条"] == 2
    ids = [row.id for row in data.comments]
    assert len(ids) == len(set(ids)) == len(list(plain.comments))


def test_a_filtered_summary_carries_only_the_filtered_comments(later):
    c = later.comments
    data = _summary(later.draft, selection={"contact_point": "QJ-B-02"}, include_earlier=True)
    bodies = {r["修改意见或建议"].split("\n")[0] for _h, r in comment_tables(data)}
    assert bodies == {c["a1"].body, c["dup2"].body}


def test_cli_and_job_params(later, runner, tmp_path):
    out = tmp_path / "s.docx"
    result = runner.invoke(args=["export", "summary", str(later.draft.id), "--out", str(out), "--include-earlier"])
    assert result.exit_code == 0, result.output
    assert "第二条" in _rows_by_heading(out.read_bytes())
    from consult.exports.services import check_params

    assert check_params(later.draft, "summary", {"include_earlier": "y"})["include_earlier"] is True
    assert check_params(later.draft, "sheet", {"include_earlier": "y"}).get("include_earlier") is None


def test_feedback_letter_says_the_article_it_became(later, db):
    out = io.BytesIO()
    export_feedback(later.draft, out, contact_point="QJ-A-01", include_earlier=True,
                    head=__import__("consult.exports.recipients", fromlist=["Letterhead"]).Letterhead(as_draft=True))
    text = "\n".join(docx_text(out.getvalue()))
    assert "现为第二条" in text and "（草案）第三条" in text
    plain = io.BytesIO()
    export_feedback(later.draft, plain, contact_point="QJ-A-01",
                    head=__import__("consult.exports.recipients", fromlist=["Letterhead"]).Letterhead(as_draft=True))
    assert "现为" not in "\n".join(docx_text(plain.getvalue()))


def test_the_export_form_offers_the_option_only_with_several_versions(later, client, auth, make_user, make_draft):
    auth.login(make_user("staff", username="exporter"))
    page = client.get(f"/exports/drafts/{later.draft.id}").get_data(as_text=True)
    assert 'name="include_earlier"' in page
    single = make_draft()
    assert 'name="include_earlier"' not in client.get(f"/exports/drafts/{single.id}").get_data(as_text=True)


def test_the_export_page_links_the_comparison_table(later, client, auth, make_user):
    auth.login(make_user("staff", username="exporter2"))
    page = client.get(f"/exports/drafts/{later.draft.id}").get_data(as_text=True)
    assert f'href="/exports/drafts/{later.draft.id}/comparison?changed_only=1"' in page
