"""The Word summary as a committee reads it: rendered to PDF by LibreOffice, then measured with pdftotext.

Checks what a reader would see go wrong: a date split over two lines, a decision broken in its
column, text running past the page's right margin, the landscape comment tables not starting on
their own page. Skipped (with the reason printed) only where LibreOffice is absent outside CI.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from docx import Document

from consult.comments.services import enter_comment
from consult.contact_points.services import create_meeting
from consult.exports.selection import ExportOptions, select_comments, summary_data
from consult.exports.summary import build_summary

from .conftest import decide_all

MM = 72 / 25.4  # PDF points per millimetre
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
# Chinese typesetting lets a closing mark hang at the line end (LibreOffice does by default): its ink sits in
# the left part of its full-width box, so only that box, not the ink, passes the margin.
HANGING = "。，、；：！？）》」』”’"
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (apt-get install libreoffice-writer-nogui poppler-utils)")
        print(f"skipping: {name} not installed (required when CI is set)")
        pytest.skip(f"{name} not installed; apt-get install libreoffice-writer-nogui poppler-utils")
    return path


@pytest.fixture
def busy_scenario(scenario, db):
    """The scenario plus what stresses the layout: long names, many dated meetings, long unbroken text."""
    staff, draft = scenario.staff, scenario.draft
    for days in range(2, 6):
        held_on = scenario.meeting.held_on - timedelta(days=days)
        meeting = create_meeting(draft, scenario.other_point, held_on=held_on, kind="residents_meeting",
                                 place="镇政府会议室", attendance=0, actor=staff)
        enter_comment(draft, contact_point=scenario.other_point, anchor="第四条第二款", meeting=meeting,
                      body="建议民宿登记实行网上办理，" * 6, reason="方便群众。" * 5, actor=staff,
                      commenter_name="清江市西山镇民宿行业协会", commenter_category="社会组织")
    enter_comment(draft, contact_point=scenario.point, anchor="第五条", meeting=scenario.meeting, actor=staff,
                  body="参考网址https://www.example.org/legislation/tourism/2027/draft-regulation-commentary"
                       "以及编号QJ20270105000123456789的文件。", commenter_name="欧阳小明")
    db.session.commit()
    decide_all(scenario, db, decision="partly_adopted", reason="部分意见已在修改稿中体现，其余在实施细则中研究。")
    return scenario


def _render(tmp_path: Path, data: bytes) -> tuple[list[tuple[float, float, list]], str]:
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    source = tmp_path / "summary.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)], capture_output=True, timeout=240)
    pdf = tmp_path / "summary.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr.decode(errors="replace")
    assert pdf.read_bytes().startswith(b"%PDF")
    layout = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, check=True,
                            timeout=60).stdout.decode()
    bbox = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode()
    pages = [(float(w), float(h), [(float(a), float(b), float(c), float(d), unescape(t))
                                   for a, b, c, d, t in WORD.findall(body)])
             for w, h, body in PAGE.findall(bbox)]
    return pages, layout


def test_summary_renders_to_pdf_without_overflow(busy_scenario, tmp_path):
    scope = select_comments(busy_scenario.draft, options=ExportOptions(with_text=True))
    out = io.BytesIO()
    build_summary(summary_data(scope), out)
    data = out.getvalue()
    pages, layout = _render(tmp_path, data)

    # Front matter in portrait, then the comment tables in landscape from a new page on.
    assert 3 <= len(pages) <= 12, len(pages)
    assert pages[0][0] < pages[0][1] and pages[-1][0] > pages[-1][1]
    first_landscape = next(i for i, (w, h, _words) in enumerate(pages) if w > h)
    assert first_landscape >= 1
    page_text = ["".join(word[4] for word in words) for _w, _h, words in pages]
    assert "序号" in page_text[first_landscape] and "序号" not in "".join(page_text[:first_landscape])

    # No text past the right margin (26 mm portrait, 25 mm landscape) or before the left one.
    for number, (width, height, words) in enumerate(pages, start=1):
        right = width - (25 if width > height else 26) * MM
        left = (25 if width > height else 28) * MM
        for x_min, y_min, x_max, y_max, text in words:
            if text and text[-1] in HANGING:
                x_max -= 0.8 * (y_max - y_min)
            assert x_max <= right + 3, f"page {number}: {text!r} ends at {x_max:.1f} > {right:.1f}"
            assert x_min >= left - 3, f"page {number}: {text!r} starts at {x_min:.1f} < {left:.1f}"

    # Every date printed in a table cell stays whole on one line.
    doc = Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    dates = {d for text in cells for d in DATE.findall(text)}
    assert len(dates) >= 5
    for value in dates:
        assert value in layout, f"date {value} is broken across lines"
    # The longest decision word stays whole in its column.
    assert "部分采纳" in layout.replace(" ", "")
    for line in layout.splitlines():
        assert not re.search(r"部分\s*$", line) or "部分采纳" in line, line
