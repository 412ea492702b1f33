"""Creating or updating contact points from a CSV file (code,name,district,kind,community,address). All or nothing.

The CSV may come from any spreadsheet program: UTF-8 (with or without BOM), GB18030, Big5 … are detected
the way the draft reader detects them (consult.lawtext.readers.decode_text); what cannot be read is
refused with one message instead of being stored as garbage.
"""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from sqlalchemy import select

from consult.audit.services import record
from consult.contact_points.models import CONTACT_POINT_KIND, ContactPoint
from consult.errors import UserError
from consult.extensions import db
from consult.lawtext import LawTextError
from consult.lawtext.readers import decode_text

CONTACT_POINT_COLUMNS = ("code", "name", "district", "kind", "community", "address")
_ALIASES = {"编码": "code", "代码": "code", "名称": "name", "区": "district", "区县": "district",
            "类型": "kind", "社区": "community", "地址": "address"}
MAX_ERRORS_SHOWN = 20
# Column widths: a longer value is refused with its line (PostgreSQL would fail the whole upload).
_MAX_LENGTH = {name: ContactPoint.__table__.c[name].type.length
               for name in CONTACT_POINT_COLUMNS if name != "kind"}


class ContactPointImportError(UserError):
    """The CSV was refused; `errors` lists every problem (one line each), `message` joins them."""

    def __init__(self, errors: list[str], field: str | None = None):
        shown = errors[:MAX_ERRORS_SHOWN] + (["……"] if len(errors) > MAX_ERRORS_SHOWN else [])
        super().__init__("；".join(shown), field)
        self.errors = shown


def decode_csv(data: bytes) -> str:
    """CSV bytes as text, whatever the spreadsheet program saved (refused with a message if unreadable)."""
    if not data:
        raise ContactPointImportError([_("文件是空的。")])
    if data.startswith(b"PK\x03\x04"):
        raise ContactPointImportError([_("这是一个 Excel 文件：请在 Excel/WPS 中另存为 CSV 后再上传。")])
    try:
        return decode_text(data)
    except (LawTextError, UnicodeDecodeError):
        raise ContactPointImportError([_("无法识别文件的字符编码：请另存为 UTF-8 编码的 CSV 后再上传。")]) from None


def import_contact_points_file(data: bytes, actor=None) -> dict:
    """Decode an uploaded CSV and import it (see `import_contact_points`)."""
    return import_contact_points(decode_csv(data), actor=actor)


def import_contact_points(text: str, actor=None) -> dict:
    """Create or update contact points from CSV text; all rows valid or nothing changes."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        raise ContactPointImportError([_("CSV 文件为空或没有表头。")])
    header = [_ALIASES.get(h.strip(), h.strip().lower()) for h in reader.fieldnames]
    unknown = [h for h in header if h not in CONTACT_POINT_COLUMNS]
    if unknown:
        raise ContactPointImportError([_("未知的列：%(columns)s（可用列：%(allowed)s）。", columns=", ".join(unknown),
                                         allowed=", ".join(CONTACT_POINT_COLUMNS))])
    if "code" not in header or "name" not in header:
        raise ContactPointImportError([_("缺少必需的列：code 和 name。")])
    rows, errors = _check_rows(reader, header)
    if errors:
        raise ContactPointImportError(errors)
    existing = {cp.code: cp for cp in db.session.scalars(select(ContactPoint))}
    created = updated = 0
    for row in rows:
        cp = existing.get(row["code"])
        if cp is None:
            cp = ContactPoint(code=row["code"])
            db.session.add(cp)
            created += 1
        else:
            updated += 1
        for name in CONTACT_POINT_COLUMNS[1:]:
            if name in row:
                setattr(cp, name, row[name])
    db.session.flush()
    record(actor, "contact_points.import", ("ContactPoint", None), created=created, updated=updated)
    return {"created": created, "updated": updated}


def _check_rows(reader, header) -> tuple[list[dict], list[str]]:
    rows, errors, seen = [], [], set()
    for line_no, raw in enumerate(reader, start=2):
        row = {header[i]: (value or "").strip() for i, value in enumerate(raw.values())
               if i < len(header) and isinstance(value, str)}
        if not any(row.values()):
            continue
        if not row.get("code"):
            errors.append(_("第 %(line)d 行：code 为空", line=line_no))
        elif row["code"] in seen:
            errors.append(_("第 %(line)d 行：code 重复：%(code)s", line=line_no, code=row["code"]))
        if not row.get("name"):
            errors.append(_("第 %(line)d 行：name 为空", line=line_no))
        for column, limit in _MAX_LENGTH.items():
            if len(row.get(column) or "") > limit:
                errors.append(_("第 %(line)d 行：%(column)s 超过 %(limit)d 个字符", line=line_no, column=column,
                                limit=limit))
        typed = row.get("kind") or "legislative_contact_point"
        kind = CONTACT_POINT_KIND.parse(typed)
        if kind is None:
            errors.append(_("第 %(line)d 行：未知类型 %(kind)s（可选：%(choices)s）", line=line_no, kind=typed,
                            choices="、".join(t.formal for t in CONTACT_POINT_KIND)))
        row["kind"] = kind
        seen.add(row.get("code"))
        rows.append(row)
    return rows, errors
