"""The meeting kit and the poster as printed: converted to PDF by LibreOffice (the app's own PDF download),
read with pdftotext, pages rendered with pdftoppm for a person to look at (OUTREACH_PAGES_DIR keeps them)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from consult.comments.imports import TEMPLATE_HEADER


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (apt-get install libreoffice-writer-nogui poppler-utils)")
        print(f"skipping: {name} not installed (required when CI is set)")
        pytest.skip(f"{name} not installed; apt-get install libreoffice-writer-nogui poppler-utils")
    return path


def _pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run([_tool("pdfinfo"), "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def _look(pdf: Path, name: str, tmp_path: Path) -> list[Path]:
    """Render every page to PNG (pdftoppm); kept in OUTREACH_PAGES_DIR when set."""
    out = Path(os.environ.get("OUTREACH_PAGES_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "60", str(pdf), str(out / name)], check=True)
    return sorted(out.glob(f"{name}-*.png"))


@pytest.mark.slow
def test_the_kit_prints_as_a4_with_a_landscape_comment_form(client, auth, facilitator, meeting, tmp_path):
    _tool("soffice")
    articles = {a.label: a.id for a in meeting.draft.current_version.articles}
    auth.login(facilitator)
    answer = client.get(f"/outreach/meetings/{meeting.id}/kit.pdf?articles={articles['第三条']}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    pdf = tmp_path / "kit.pdf"
    pdf.write_bytes(answer.data)
    text = subprocess.run([_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)  # a narrow column wraps its header over lines
    for words in ("座谈会材料", "本次会议重点讨论的条文", "签到表", "意见记录表", "扫码对本条提意见"):
        assert words in text
    assert [column for column in TEMPLATE_HEADER if column not in flat] == []
    sizes = _pages(pdf)
    assert len(_look(pdf, "kit", tmp_path)) == len(sizes) >= 3
    a4, landscape = (595, 842), (842, 595)
    assert all(abs(w - a4[0]) < 2 and abs(h - a4[1]) < 2 for w, h in sizes[:-1]), sizes
    assert abs(sizes[-1][0] - landscape[0]) < 2 and abs(sizes[-1][1] - landscape[1]) < 2  # the form page


@pytest.mark.slow
def test_the_poster_prints_on_one_a4_page(client, auth, facilitator, draft, point, tmp_path):
    _tool("soffice")
    auth.login(facilitator)
    answer = client.get(f"/outreach/points/{point.id}/drafts/{draft.id}/poster.pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(answer.data)
    assert len(_pages(pdf)) == 1
    text = subprocess.run([_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "扫码提意见" in text and "个人信息说明" in text and "/q/" in text
    assert len(_look(pdf, "poster", tmp_path)) == 1
