"""The English interface catalog: complete, compiled, placeholder-safe, and used by the main pages.

The msgids are the Chinese interface texts; consult/translations/en/LC_MESSAGES/messages.po gives each one
its English. A string added to the code without English fails `test_every_msgid_has_english` with the
list of what is missing: run consult/translations/update.sh, translate, run it again, commit .po and .mo.
"""
from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "consult" / "translations"
PO_FILE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO_FILE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
KEYWORDS = ("_", "_l", "gettext", "lazy_gettext", "ngettext:1,2", "lazy_ngettext:1,2")

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|\{[A-Za-z_]\w*\}")


def run_pybabel(*args: str) -> None:
    """Run a pybabel command in this process, exactly as consult/translations/update.sh runs it."""
    status = CommandLineInterface().run(["pybabel", "-q", *args])
    assert not status, f"pybabel {args[0]} failed with status {status}"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A fresh extraction of every msgid in the code and templates (nothing committed is trusted)."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    run_pybabel("extract", "-F", str(TRANSLATIONS / "babel.cfg"), *keywords,
                "--ignore-dirs", ".* ._ node_modules", "-o", str(pot), str(ROOT))
    with pot.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def catalog():
    """The committed English catalog."""
    with PO_FILE.open("rb") as fh:
        return read_po(fh, locale="en")


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _where(message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations[:3])


def test_extraction_finds_the_interface(extracted):
    ids = {message.id for message in extracted}
    assert len(ids) > 300
    assert {"立法意见征集", "提交意见", "请先登录。"} <= ids  # a template, a form, the Python package


def test_every_msgid_has_english(extracted, catalog):
    missing = []
    for message in extracted:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        if entry is None or not all(s.strip() for s in _strings(entry)):
            missing.append(f"  {_ids(message)[0]!r}  ({_where(message)})")
    assert not missing, (
        f"{len(missing)} interface text(s) without English in {PO_FILE.relative_to(ROOT)} — run "
        "consult/translations/update.sh, translate them, run it again and commit the .po and .mo:\n"
        + "\n".join(missing))


def test_no_fuzzy_entries(catalog):
    fuzzy = [_ids(message)[0] for message in catalog if message.id and message.fuzzy]
    assert not catalog.fuzzy, "the catalog header is marked fuzzy (pybabel compile would skip it)"
    assert not fuzzy, ("fuzzy entries are guesses that the app never shows; check and unmark them:\n"
                       + "\n".join(f"  {msgid!r}" for msgid in fuzzy))


# Chinese may stay inside an English text only where it quotes what people type or read as data:
# article numbers, anchor words, version labels, search examples, CSV column aliases, a masked name.
QUOTED = ("第十二条第二款第（三）项", "第十二条", "第一条", "第二条", "总体", "名称", "新增", "征求意见稿", "二审稿",
          "民宿", "全域旅游", "停车", "门票", "收费", "张*", "编码", "社区", "区", "类型", "地址", "座谈会", "网上",
          "信函", "电子邮件")


def test_english_is_english(catalog):
    def unquoted(text: str) -> str:
        for fragment in QUOTED:
            text = text.replace(fragment, "")
        return text

    chinese = [_ids(m)[0] for m in catalog if m.id and any(CJK.search(unquoted(s)) for s in _strings(m))]
    assert not chinese, "English texts that still contain Chinese:\n" + "\n".join(f"  {m!r}" for m in chinese)


def test_mo_matches_po(tmp_path, catalog):
    compiled = tmp_path / "messages.mo"
    run_pybabel("compile", "-i", str(PO_FILE), "-o", str(compiled), "-l", "en")
    with compiled.open("rb") as fresh, MO_FILE.open("rb") as committed:
        expected, actual = read_mo(fresh), read_mo(committed)

    def table(mo):
        return {(m.context, _ids(m)): _strings(m) for m in mo if m.id}

    expected_table, actual_table = table(expected), table(actual)
    stale = sorted(str(key[1][0]) for key in expected_table.keys() ^ actual_table.keys()) + sorted(
        str(key[1][0]) for key in expected_table.keys() & actual_table.keys()
        if expected_table[key] != actual_table[key])
    assert not stale, (f"{MO_FILE.relative_to(ROOT)} is out of date with the .po (run consult/translations/"
                       "update.sh and commit the .mo); differing msgids:\n" + "\n".join(stale[:50]))


def test_placeholders_survive_translation(catalog):
    broken = []
    for message in catalog:
        if not message.id:
            continue
        wanted = sorted(PLACEHOLDER.findall(_ids(message)[-1]))
        for string in _strings(message):
            if string and sorted(PLACEHOLDER.findall(string)) != wanted:
                broken.append(f"  {_ids(message)[0]!r}: {wanted} → {sorted(PLACEHOLDER.findall(string))}")
    assert not broken, "msgstr placeholders differ from their msgid:\n" + "\n".join(broken)


# --- the pages, rendered in English -------------------------------------------------------------------

class _Page(HTMLParser):
    """Collects the text of <h1>/<h2>, of the main navigation and of the whole page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.nav: list[str] = []
        self._heading = self._nav = 0
        self._other_language = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2"):
            self._heading += 1
            self.headings.append("")
        if tag == "nav" and "nav" in (attrs.get("class") or "").split():
            self._nav += 1
        if self._nav and attrs.get("lang") == "zh-CN":
            self._other_language = True  # the 中文 switch names its language in that language, rightly
        if self._nav and attrs.get("aria-label"):
            self.nav.append(attrs["aria-label"])

    def handle_endtag(self, tag):
        if tag in ("h1", "h2") and self._heading:
            self._heading -= 1
        if tag == "nav" and self._nav:
            self._nav -= 1
        if tag == "a":
            self._other_language = False

    def handle_data(self, data):
        if self._heading:
            self.headings[-1] += data
        if self._nav and not self._other_language and data.strip():
            self.nav.append(data.strip())


def english(client, url: str) -> _Page:
    """GET `url` in English and parse it; the page must say lang="en"."""
    from flask_babel import refresh

    # The tests' app context outlives requests, and Flask-Babel caches the locale in it: a gettext call
    # made while setting up data (Chinese, no request) would otherwise stick to the next requests.
    refresh()
    response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
    assert response.status_code == 200, (url, response.status_code)
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html, url
    page = _Page()
    page.feed(html)
    page.html = html
    return page


def assert_english_chrome(page: _Page, *headings: str) -> None:
    for heading in headings:
        assert any(heading in h for h in page.headings), (heading, page.headings)
    assert page.nav and not [text for text in page.nav if CJK.search(text)], page.nav
    assert "Legislative Consultation" in page.nav


@pytest.fixture
def scene(db, make_draft, make_contact_point, make_user):
    """A published draft with an online comment (pending) and a facilitator's meeting and comment."""
    from consult.comments.services import enter_comment, submit_online_comment
    from consult.contact_points.services import create_meeting

    draft = make_draft()
    point = make_contact_point()
    facilitator = make_user("facilitator", [point])
    staff = make_user("staff")
    online = submit_online_comment(draft, anchor="3", body="建议明确景区劝阻的方式。", commenter_category="居民")
    meeting = create_meeting(draft, point, held_on=date.today(), kind="symposium", attendance=12,
                             actor=facilitator)
    enter_comment(draft, contact_point=point, anchor="4.2", body="民宿登记应当简化。", meeting=meeting,
                  actor=facilitator)
    db.session.commit()
    return {"draft": draft, "facilitator": facilitator, "staff": staff, "online": online, "meeting": meeting}


def test_public_pages_in_english(client, scene):
    draft = scene["draft"]
    page = english(client, "/drafts/")
    assert_english_chrome(page, "Draft regulations open for public comment")
    assert "Open for comments" in page.html and "Comments close:" in page.html

    page = english(client, f"/drafts/{draft.id}")
    assert_english_chrome(page, draft.title)  # the title is data: it stays Chinese
    assert "Comment on the draft as a whole" in page.html and "Contents" in page.html

    page = english(client, f"/drafts/{draft.id}/articles/3")
    assert_english_chrome(page, "第三条", "Published comments")
    assert "Comment on 第三条" in page.html

    page = english(client, f"/comments/new/{draft.id}?anchor=3")
    assert_english_chrome(page, "Make a comment")
    for label in ("Provision", "Reason (optional)", "Proposed wording (optional)", "General comments",
                  "New article proposal", "Resident", "Submit comment"):
        assert label in page.html, label

    code = scene["online"].receipt_code
    page = english(client, f"/comments/receipt?code={code}")
    assert_english_chrome(page, "Check what became of your comment", f"Receipt code {code}")
    assert "Pending review" in page.html and "No decision yet." in page.html

    page = english(client, "/accounts/login")
    assert_english_chrome(page, "Sign in")
    assert "Username" in page.html and "Password" in page.html


def test_facilitator_dashboard_in_english(client, auth, scene):
    auth.login(scene["facilitator"])
    page = english(client, "/intake/")
    assert_english_chrome(page, "Comment entry", "My contact points", "Drafts open for comments", "Meetings")
    assert "Record a meeting" in page.html and "Symposium" in page.html
    assert "Comment entry" in page.nav and "Sign out" in page.nav

    page = english(client, f"/intake/meetings/{scene['meeting'].id}")
    assert_english_chrome(page, "Enter comments")
    assert 'data-msg-saved="Saved: "' in page.html


def test_staff_workbench_in_english(client, auth, scene):
    auth.login(scene["staff"])
    page = english(client, "/review/")
    assert_english_chrome(page, "Workbench")
    assert "Moderate online comments" in page.html and "Review by article" in page.html
    assert "Workbench" in page.nav

    page = english(client, f"/review/drafts/{scene['draft'].id}/articles/3")
    assert_english_chrome(page, "Article text", "Comments (1)")
    assert "Save the decision" in page.html and "Partly adopted" in page.html


def test_chinese_stays_the_default(client, scene):
    from flask_babel import refresh

    refresh()
    html = client.get("/drafts/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "法规草案公开征求意见" in html and "Legislative Consultation" not in html
