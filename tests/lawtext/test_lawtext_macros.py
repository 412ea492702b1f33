"""Macro-enabled and non-document packages are refused by what they declare, whatever their file name."""
import io
import zipfile

import docx
import pytest

from consult.lawtext import LawTextError, read_document

MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def plain_docx() -> bytes:
    doc = docx.Document()
    doc.add_paragraph("第一条 为了规范民宿经营，制定本条例。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def rewrite(data: bytes, replace: dict[str, bytes] = None, add: dict[str, bytes] = None,
            drop: tuple = ()) -> bytes:
    """Copy a zip, replacing, adding or dropping members."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name not in drop:
                dst.writestr(name, replace.get(name, src.read(name)))
        for name, body in add.items():
            dst.writestr(name, body)
    return out.getvalue()


def content_types(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("[Content_Types].xml")


def test_plain_docx_is_still_read():
    assert read_document(plain_docx(), "draft.docx") == ["第一条 为了规范民宿经营，制定本条例。"]


def test_macro_enabled_main_part_renamed_docx_is_refused():
    data = plain_docx()
    types = content_types(data).replace(MAIN.encode(), MACRO_MAIN.encode())
    with pytest.raises(LawTextError, match="含有宏") as info:
        read_document(rewrite(data, replace={"[Content_Types].xml": types}), "draft.docx")
    assert "\n" not in str(info.value)


def test_vba_project_anywhere_is_refused_even_with_a_plain_main_part():
    data = rewrite(plain_docx(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 64})
    with pytest.raises(LawTextError, match="含有宏"):
        read_document(data, "draft.docx")


def test_vba_content_type_declared_is_refused():
    data = plain_docx()
    types = content_types(data).replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    with pytest.raises(LawTextError, match="含有宏"):
        read_document(rewrite(data, replace={"[Content_Types].xml": types}), "draft.docx")


@pytest.mark.parametrize("name", ["draft.docm", "DRAFT.DOTM"])
def test_macro_extensions_are_refused_by_name(name):
    with pytest.raises(LawTextError, match="启用宏"):
        read_document(plain_docx(), name)


def test_template_main_part_is_refused():
    data = plain_docx()
    template = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    types = content_types(data).replace(MAIN.encode(), template.encode())
    with pytest.raises(LawTextError, match="另存为“Word 文档"):
        read_document(rewrite(data, replace={"[Content_Types].xml": types}), "draft.docx")


def test_missing_content_types_is_refused():
    with pytest.raises(LawTextError, match=r"缺少 \[Content_Types\].xml"):
        read_document(rewrite(plain_docx(), drop=("[Content_Types].xml",)), "draft.docx")


def test_content_types_with_entities_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&b;</Types>')
    with pytest.raises(LawTextError, match="DTD"):
        read_document(rewrite(plain_docx(), replace={"[Content_Types].xml": bomb}), "draft.docx")
