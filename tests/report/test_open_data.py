"""Open data: the columns are the dictionary's, the rows are the released comments as the public pages
show them, internal records carry no text, spreadsheets cannot run a cell, and no personal data —
phones, ID numbers, e-mail addresses typed into any field, or a commenter's name — ever comes out."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import re

from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from consult.comments.rules import CommentError
from consult.extensions import db as _db
from consult.report.opendata import FIELD_NAMES, FIELDS
from tests.security.test_no_personal_data_leaks import TEMPLATES, canonical_text, secret


def _csv(client, draft) -> list[dict]:
    response = client.get(f"/report/drafts/{draft.id}/comments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def _json(client, draft) -> dict:
    response = client.get(f"/report/drafts/{draft.id}/comments.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_the_data_dictionary_matches_the_columns(client, released):
    draft, _ = released
    rows = _csv(client, draft)
    assert tuple(rows[0].keys()) == FIELD_NAMES
    document = _json(client, draft)
    assert tuple(document["fields"]) == FIELD_NAMES
    assert all(tuple(row.keys()) == FIELD_NAMES for row in document["comments"])
    schema = json.loads(client.get(f"/report/drafts/{draft.id}/schema.json").get_data(as_text=True))
    assert tuple(f["name"] for f in schema["fields"]) == FIELD_NAMES and schema["primaryKey"] == "comment_id"
    page = client.get(f"/report/drafts/{draft.id}/data-dictionary").get_data(as_text=True)
    assert tuple(re.findall(r'<tr id="field-([a-z_]+)">', page)) == FIELD_NAMES
    assert all(str(f.description) in page for f in FIELDS)
    report = client.get(f"/report/drafts/{draft.id}").get_data(as_text=True)
    assert f"/report/drafts/{draft.id}/data-dictionary" in report and f"/report/drafts/{draft.id}/comments.csv" in report


def test_downloads_come_in_chunks_and_stay_whole(client, released, monkeypatch):
    from consult.report import opendata

    draft, _ = released
    whole_csv, whole_json = _csv(client, draft), _json(client, draft)
    monkeypatch.setattr(opendata, "BATCH", 2)  # 6 rows: three full chunks and an empty last one
    assert _csv(client, draft) == whole_csv
    assert _json(client, draft) == whole_json
    monkeypatch.setattr(opendata, "BATCH", 4)  # a last chunk of two
    assert _csv(client, draft) == whole_csv and _json(client, draft) == whole_json


def test_iter_document_fetches_batch_by_batch():
    from consult.report.opendata import iter_document

    rows = [{name: "" for name in FIELD_NAMES} | {"comment_id": n, "text_published": True} for n in range(1, 6)]
    calls = []

    def fetch(after):
        calls.append(after)
        return {"draft": {"id": 1}}, [r for r in rows if r["comment_id"] > after][:2]

    chunks = list(iter_document(fetch, "json", batch=2))
    assert calls == [0, 2, 4] and len(chunks) == 4
    assert [r["comment_id"] for r in json.loads("".join(chunks))["comments"]] == [1, 2, 3, 4, 5]
    calls.clear()
    lines = "".join(iter_document(fetch, "csv", batch=2)).removeprefix("\ufeff").splitlines()
    assert calls == [0, 2, 4] and len(lines) == 6 and lines[0].split(",") == list(FIELD_NAMES)


def test_coded_values_are_the_dictionary_s(client, released):
    draft, _ = released
    coded = {f.name: set(f.values) for f in FIELDS if f.values}
    for row in _json(client, draft)["comments"]:
        for name, allowed in coded.items():
            assert row[name] in allowed, (name, row[name])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"])


def test_rows_are_the_released_comments_as_the_public_pages_show_them(client, released):
    draft, comments = released
    rows = {int(r["comment_id"]): r for r in _csv(client, draft)}
    assert set(rows) == {comments[k].id for k in ("o3", "o4", "og", "e31", "e3", "w5")}  # no pending, no rejected
    online = rows[comments["o4"].id]
    assert (online["anchor"], online["article"], online["channel_label"], online["district"]) == \
        ("第四条", "第四条", "网上征求意见", "")
    assert (online["text_published"], online["body"]) == ("true", "民宿登记应当可以网上办理。")
    assert (online["decision"], online["decision_label"], online["decision_reason"]) == \
        ("not_adopted", "未采纳", "已有相关规定。")
    recorded = rows[comments["e31"].id]  # recorded at a meeting (内部记录): counted, text never published
    assert (recorded["anchor"], recorded["district"], recorded["text_published"], recorded["body"]) == \
        ("第三条第一款", "东湖区", "false", "")
    assert recorded["decision"] == "partly_adopted"
    general = rows[comments["og"].id]
    assert (general["anchor_kind"], general["anchor"], general["article"], general["decision"]) == \
        ("general", "总体意见", "", "none")
    document = _json(client, draft)
    assert document["revision"] == 1 and document["preview"] is False and len(document["comments"]) == 6


def test_csv_cells_never_run_as_formulas(client, db, make_draft, staff):
    from consult.comments.services import submit_online_comment
    from consult.drafts.services import close_draft
    from consult.report.services import release_report
    from consult.review.services import decide_comment, publish_comment

    draft = make_draft()
    formulas = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)"]
    for body in formulas:
        comment = submit_online_comment(draft, anchor="2", body=body, proposed_text=body)
        publish_comment(comment, actor=staff)
        decide_comment(comment, "not_adopted", "=1+1", actor=staff)
    close_draft(draft, actor=staff)
    release_report(draft, staff)
    db.session.commit()
    rows = _csv(client, draft)
    assert sorted(r["body"] for r in rows) == sorted("'" + f for f in formulas)
    assert all(r["proposed_text"].startswith("'") and r["decision_reason"] == "'=1+1" for r in rows)
    assert sorted(r["body"] for r in _json(client, draft)["comments"]) == sorted(formulas)  # JSON keeps the text


# -- the property: no personal data ----------------------------------------------------------------------------
NAMES = ("欧阳", "司马", "诸葛", "上官")
_TAGS = "甲乙丙丁戊己庚辛壬癸"
_examples = iter(range(10 ** 6))


def _unique_name(prefix: str) -> str:
    """A commenter name found nowhere else in the data (e.g. 欧阳甲乙丙丁)."""
    return prefix + "".join(_TAGS[int(d)] for d in f"{next(_examples):04d}")


def _surfaces(client, draft) -> dict[str, str]:
    out = {name: client.get(f"/report/drafts/{draft.id}{path}").get_data(as_text=True)
           for name, path in (("report page", ""), ("participation page", "/participation"),
                              ("CSV", "/comments.csv"), ("JSON", "/comments.json"))}
    out["JSON"] = json.dumps(json.loads(out["JSON"]), ensure_ascii=False)  # \u escapes would hide a match
    return out


@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # no shrinking: ~1 s an example
@given(value=secret(), field=st.sampled_from(("body", "reason", "proposed_text", "commenter_name", "contact",
                                              "decision_reason")),
       template=st.sampled_from(TEMPLATES), name=st.sampled_from(NAMES), channel=st.sampled_from(("online", "meeting")),
       publish_name=st.booleans(), organisation=st.booleans())
def test_open_data_and_report_hold_no_personal_data(client, db, make_draft, make_contact_point, make_user, staff,
                                                    value, field, template, name, channel, publish_name,
                                                    organisation):
    from consult.comments.services import enter_comment, submit_online_comment
    from consult.drafts.services import close_draft
    from consult.report.services import release_report
    from consult.review.services import decide_comment, publish_comment

    random.seed(os.urandom(16))  # Whoosh names its segments with `random`, which Hypothesis reseeds
    canonical, typed = value
    draft = make_draft()
    commenter = _unique_name(name)
    fields = {"body": "建议增加停车位。", "commenter_name": commenter,
              "commenter_category": "企业" if organisation else "居民"}
    reason = "已在第五条体现。"
    if field == "contact":
        fields.update(contact=typed, wants_feedback=True)
    elif field == "commenter_name":
        fields["commenter_name"] = (commenter + template.format(typed))[:50]
        assume(typed in fields["commenter_name"])
    elif field == "decision_reason":
        reason = template.format(typed)
    else:
        fields[field] = fields.get(field, "") + template.format(typed)
    try:
        if channel == "online":
            fields["consent_publish_name"] = publish_name
            if field == "contact":
                fields["consent_personal_info"] = True
            comment = submit_online_comment(draft, anchor="3", **fields)
            publish_comment(comment, actor=staff)
        else:
            point = make_contact_point(f"QJ-P-{next(_examples)}", "测试联系点", "东湖区")
            comment = enter_comment(draft, contact_point=point, anchor="3", actor=staff, **fields)
        decide_comment(comment, "not_adopted", reason, actor=staff)
        close_draft(draft, actor=staff)
        release_report(draft, staff)
        db.session.commit()
    except CommentError:
        _db.session.rollback()
        assume(False)
    stored = canonical_text(" ".join([comment.body, comment.reason, comment.proposed_text, comment.commenter_name,
                                      comment.commenter_contact, comment.decision_reason]))
    assert canonical.lower() in stored  # the number really was kept: the test is about never showing it
    for surface, text in _surfaces(client, draft).items():
        shown = canonical_text(text)
        at = shown.find(canonical.lower())
        assert at < 0, f"{typed!r} ({field}) shown in the {surface}: …{shown[max(0, at - 80):at + 30]}…"
        assert commenter not in text, f"the commenter's name {commenter} shown in the {surface}"
        assert comment.receipt_code not in text, f"the receipt code shown in the {surface}"
