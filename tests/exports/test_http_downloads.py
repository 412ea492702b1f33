"""Every export kind downloaded over real HTTP from a running server (werkzeug's, in a thread).

The test client never encodes headers; a real server must send `Content-Disposition` as latin-1, which a
Chinese file name breaks unless it is RFC 5987-encoded (issue: the CSV download hung the server).
"""
from __future__ import annotations

import csv
import http.cookiejar
import io
import os
import threading
import urllib.parse
import urllib.request
import zipfile
from email.message import Message

import pytest
from docx import Document
from openpyxl import load_workbook
from werkzeug.serving import make_server

from consult.exports import jobs

from .conftest import decide_all


@pytest.fixture
def app_config(tmp_path) -> dict:
    """A file database: the server's threads and the export threads each open their own connection."""
    config = {"SEARCH_INDEX_DIR": str(tmp_path / "index"), "EXPORT_DIR": str(tmp_path / "exports")}
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'http.db'}"
    return config


@pytest.fixture
def server(app):
    """The app served on a free loopback port; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(10)
    assert jobs.wait_all(120)


@pytest.fixture
def browser(server, scenario, db):
    """A urllib opener with cookies, signed in as the scenario's staff member."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = urllib.parse.urlencode({"username": scenario.staff.username, "password": "password123"}).encode()
    with opener.open(f"{server}/accounts/login", data=login, timeout=30) as response:
        assert response.status == 200
    return opener


def _filename(header: str) -> tuple[str, str]:
    """(ASCII fallback, real name) of a Content-Disposition header (RFC 6266: filename*, else filename)."""
    message = Message()
    message["Content-Disposition"] = header
    fallback = message.get_param("filename", header="Content-Disposition")
    encoded = [p for p in header.split(";") if p.strip().startswith("filename*=")]
    assert len(encoded) == 1, header
    charset, _lang, value = encoded[0].strip()[len("filename*="):].split("'", 2)
    assert charset.upper() == "UTF-8"
    return fallback, urllib.parse.unquote(value, encoding="utf-8")


@pytest.mark.parametrize("form, suffix", [
    ({"kind": "summary"}, ".docx"),
    ({"kind": "feedback", "feedback_target": "contact_point", "contact_point": "QJ-B-02"}, ".docx"),
    ({"kind": "feedback", "feedback_target": "all_contact_points"}, ".zip"),
    ({"kind": "feedback", "feedback_target": "all_commenters"}, ".zip"),
    ({"kind": "sheet", "sheet_format": "xlsx"}, ".xlsx"),
    ({"kind": "sheet", "sheet_format": "csv"}, ".csv"),
])
def test_every_export_downloads_over_real_http(server, browser, scenario, db, form, suffix):
    decide_all(scenario, db)
    data = urllib.parse.urlencode(form).encode()
    with browser.open(f"{server}/exports/drafts/{scenario.draft.id}", data=data, timeout=30) as response:
        assert response.status == 200  # the job page, after the redirect
        job_id = int(response.url.rstrip("/").rsplit("/", 1)[-1])
    assert jobs.wait_for(job_id, 120)
    with browser.open(f"{server}/exports/jobs/{job_id}/download", timeout=30) as response:
        assert response.status == 200
        header = response.headers["Content-Disposition"]
        body = response.read()
    fallback, name = _filename(header)
    assert fallback == f"export-{job_id}{suffix}" and fallback.isascii()
    assert name.endswith(suffix) and any("\u4e00" <= ch <= "\u9fff" for ch in name)
    opened = io.BytesIO(body)
    if suffix == ".docx":
        assert Document(opened).paragraphs
    elif suffix == ".zip":
        with zipfile.ZipFile(opened) as archive:
            assert archive.namelist() and all(Document(io.BytesIO(archive.read(n))).paragraphs
                                              for n in archive.namelist())
    elif suffix == ".xlsx":
        workbook = load_workbook(opened, read_only=True)
        assert next(workbook["意见"].iter_rows(values_only=True))[0] == "编号"
        workbook.close()
    else:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows[0][0] == "编号" and len(rows) == 14
