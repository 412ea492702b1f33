"""Readers that turn an uploaded .docx or .txt file into lines, refusing unsafe or broken input."""
from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
import zlib

from consult.lawtext.docx_reader import check_package, docx_lines
from consult.lawtext.model import LawTextError
from consult.lawtext.model import mark as _

MAX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 5000
_MACRO_EXTENSIONS = (".docm", ".dotm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f", "\v"}


def read_document(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> list[str]:
    """Return the lines (paragraphs) of an uploaded .docx or .txt file in document order."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext in _MACRO_EXTENSIONS:
        raise LawTextError(_("不接受启用宏的文档 %(ext)s：请在 Word 中另存为不含宏的 .docx 后再上传"), ext=ext)
    if ext not in (".docx", ".txt"):
        if not ext:
            raise LawTextError(_("不支持的文件类型 （无扩展名）：请上传 .docx 或 .txt 文件"))
        raise LawTextError(_("不支持的文件类型 %(ext)s：请上传 .docx 或 .txt 文件"), ext=ext)
    if len(data) > max_bytes:
        raise LawTextError(_("文件过大（%(size)d MB），上限为 %(limit)d MB"), size=len(data) // 1024 // 1024,
                           limit=max_bytes // 1024 // 1024)
    if not data:
        raise LawTextError(_("文件是空的"))
    if ext == ".txt":
        return read_txt(data)
    return read_docx(data)


def read_path(path, *, max_bytes: int = MAX_BYTES) -> list[str]:
    """Read a .docx or .txt file from disk and return its lines."""
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise LawTextError(_("文件过大（%(size)d MB），上限为 %(limit)d MB"), size=size // 1024 // 1024,
                               limit=max_bytes // 1024 // 1024)
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise LawTextError(_("找不到文件：%(name)s"), name=os.path.basename(path)) from None
    except IsADirectoryError:
        raise LawTextError(_("不是文件：%(name)s"), name=os.path.basename(path)) from None
    except OSError as exc:
        raise LawTextError(_("无法读取文件 %(name)s：%(problem)s"), name=os.path.basename(path),
                           problem=str(exc.strerror or exc)) from None
    return read_document(data, path, max_bytes=max_bytes)


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030, else a detected charset."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[len(codecs.BOM_UTF8):], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data, "utf-16")
    if b"\x00" in data:
        raise LawTextError(_("文件不是文本文件（含有二进制数据），请上传 .docx 或纯文本 .txt"))
    try:
        return _checked(data, "utf-8")
    except UnicodeDecodeError:
        pass
    # GB18030 decodes Big5 (Taiwan) bytes too, into private-use code points: prefer the clean reading.
    fallback = None
    for encoding in ("gb18030", "big5"):
        try:
            text = _checked(data, encoding)
        except UnicodeDecodeError:
            continue
        if not _PRIVATE_USE_RE.search(text):
            return text
        fallback = fallback or text
    if fallback is not None and len(_PRIVATE_USE_RE.findall(fallback)) * 100 < len(fallback):
        return fallback
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - dependency declared in setup.cfg
        best = None
    else:
        best = from_bytes(data).best()
    if best is None:
        raise LawTextError(_("无法识别文件的字符编码，请另存为 UTF-8 文本后再上传"))
    return _checked(data, best.encoding)


def _checked(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except LookupError:
        raise LawTextError(_("无法识别文件的字符编码，请另存为 UTF-8 文本后再上传")) from None
    except UnicodeDecodeError:
        if encoding in ("utf-8", "gb18030"):
            raise
        raise LawTextError(_("文件不是有效的 %(encoding)s 文本"), encoding=encoding) from None
    # Decoders such as GB18030 accept most byte soup; control characters betray a binary file.
    sample = text[:20000]
    if sample and sum(ch in _CONTROL for ch in sample) > max(2, len(sample) // 200):
        raise LawTextError(_("文件不是文本文件（含有二进制数据），请上传 .docx 或纯文本 .txt"))
    return text


def read_txt(data: bytes) -> list[str]:
    """Return the lines of a plain-text draft."""
    text = decode_text(data)
    return text.splitlines()


def read_docx(data: bytes) -> list[str]:
    """Return the paragraphs of a .docx in order, after checking the archive is safe to open."""
    if data.startswith(_OLE_MAGIC):
        raise LawTextError(_("这是旧版 Word（.doc）或加密文件，请在 Word 中另存为 .docx 后再上传"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise LawTextError(_("文件不是有效的 .docx（zip 损坏）")) from None
    with archive:
        _check_archive(archive)
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise LawTextError(_("文件不是有效的 .docx（缺少 word/document.xml）"))
        content_types = (_read_member(archive, "[Content_Types].xml")
                         if "[Content_Types].xml" in names else None)
        check_package(list(names), content_types)
        parts = {}
        for name in ("word/document.xml", "word/numbering.xml", "word/styles.xml"):
            if name in names:
                parts[name] = _read_member(archive, name)
    return docx_lines(parts["word/document.xml"], parts.get("word/numbering.xml"),
                      parts.get("word/styles.xml"))


def _check_archive(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise LawTextError(_("文件不是有效的 .docx（压缩包条目过多）"))
    total = 0
    for info in infos:
        total += info.file_size
        # Declared sizes are checked before anything is inflated; _read_member re-checks while reading.
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise LawTextError(_("文件被拒绝：压缩比异常（疑似 zip 炸弹）"))
    if total > MAX_UNCOMPRESSED:
        raise LawTextError(_("文件被拒绝：解压后超过 100 MB（疑似 zip 炸弹）"))


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    limit = min(info.file_size, MAX_UNCOMPRESSED)
    try:
        with archive.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError, zlib.error):
        raise LawTextError(_("文件不是有效的 .docx（zip 损坏）")) from None
    if len(data) > limit:
        raise LawTextError(_("文件被拒绝：解压后的大小与声明不符（疑似 zip 炸弹）"))
    return data
