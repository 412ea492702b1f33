"""`consult report release | opendata`: the same release as the web, refused the same way, one-line errors."""
from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from consult.report.models import ReleasedDecision, ReportRelease


def _rows(db) -> tuple[int, int]:
    db.session.rollback()
    return (db.session.scalar(select(func.count()).select_from(ReportRelease)),
            db.session.scalar(select(func.count()).select_from(ReleasedDecision)))


def test_release_is_refused_while_open_and_changes_nothing(runner, db, consultation):
    draft, _ = consultation
    result = runner.invoke(args=["report", "release", str(draft.id)])
    assert result.exit_code == 1 and "征求意见期尚未结束" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _rows(db) == (0, 0)


def test_release_and_opendata_match_the_web(runner, client, db, closed, tmp_path):
    draft, _ = closed
    result = runner.invoke(args=["report", "release", str(draft.id)])
    assert result.exit_code == 0 and "release 1" in result.output and "6 comments" in result.output
    out = tmp_path / "open.csv"
    result = runner.invoke(args=["report", "opendata", str(draft.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    web = client.get(f"/report/drafts/{draft.id}/comments.csv").get_data(as_text=True)
    assert out.read_bytes().decode("utf-8") == web
    assert len(list(csv.DictReader(io.StringIO(web.removeprefix("\ufeff"))))) == 6
    json_out = tmp_path / "open.json"
    assert runner.invoke(args=["report", "opendata", str(draft.id), "--format", "json",
                               "--out", str(json_out)]).exit_code == 0
    assert '"comments": [' in json_out.read_text("utf-8")


def test_bad_input_gets_one_line(runner, db, closed, tmp_path):
    draft, _ = closed
    result = runner.invoke(args=["report", "release", "999"])
    assert result.exit_code == 1 and "no draft with id 999" in result.output
    result = runner.invoke(args=["report", "opendata", str(draft.id), "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1 and "has not been released" in result.output
    assert not (tmp_path / "x.csv").exists()
    assert _rows(db) == (0, 0)
