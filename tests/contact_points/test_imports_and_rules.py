"""Contact point CSV import (encodings, kinds) and the entry rules that live once in contact_points.services."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.contact_points.imports import ContactPointImportError, import_contact_points_file
from consult.contact_points.models import ContactPoint
from consult.contact_points.services import IntakeError, check_entry, check_meeting, points_from_codes
from consult.errors import UserError


def _count(db):
    return db.session.scalar(select(func.count(ContactPoint.id)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_common_encodings_is_read(db, encoding):
    data = "编码,名称,区,类型\nQJ-TW-01,台北联络站,中正区,人大代表联络站\n".encode(encoding)
    assert import_contact_points_file(data) == {"created": 1, "updated": 0}
    point = db.session.scalar(select(ContactPoint))
    assert (point.code, point.name, point.kind) == ("QJ-TW-01", "台北联络站", "deputy_station")


def test_big5_values_are_not_garbled(db):
    data = "code,name,district\nQJ-TW-02,臺北市中正區聯絡站,中正區\n".encode("big5")
    import_contact_points_file(data)
    assert db.session.scalar(select(ContactPoint.name)) == "臺北市中正區聯絡站"


@pytest.mark.parametrize("data, words", [
    (b"", "空"),
    (b"PK\x03\x04rest", "Excel"),
    (bytes(range(0x80, 0x100)) * 50 + b"\x00\x01\x02", "编码"),
    ("code,name,kind\nQJ-1,甲,卫星站\n".encode("utf-8"), "未知类型 卫星站"),
])
def test_bad_files_are_refused_and_nothing_changes(db, data, words):
    with pytest.raises(ContactPointImportError) as info:
        import_contact_points_file(data)
    assert words in info.value.message and isinstance(info.value, UserError)
    assert _count(db) == 0


def test_points_from_codes_names_the_unknown_ones(db, make_contact_point):
    known = make_contact_point("QJ-A-01")
    assert points_from_codes("QJ-A-01，QJ-A-01") == [known]
    with pytest.raises(IntakeError) as info:
        points_from_codes("QJ-A-01 NOPE-1、NOPE-2")
    assert info.value.field == "contact_points" and "NOPE-1、NOPE-2" in info.value.message


def test_entry_rules(db, draft, point, other_point, facilitator, meeting, make_user, make_draft):
    check_entry(facilitator, draft, point, meeting)
    with pytest.raises(IntakeError, match="权限"):
        check_entry(facilitator, draft, other_point)
    with pytest.raises(IntakeError, match="请选择联系点"):
        check_entry(facilitator, draft, None)
    check_entry(make_user("staff"), draft, None)  # staff may record a letter with no contact point
    with pytest.raises(IntakeError, match="不属于所选联系点"):
        check_meeting(meeting, draft, other_point)
    with pytest.raises(IntakeError, match="不是关于这部草案"):
        check_meeting(meeting, make_draft(title="另一部草案"), point)
