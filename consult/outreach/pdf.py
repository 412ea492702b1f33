"""Word → PDF with LibreOffice (soffice --headless), for posters and kits people print without Word."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from flask_babel import gettext as _

from consult.errors import UserError

TIMEOUT = 120  # seconds; a first start of LibreOffice builds its profile


class ConversionError(UserError):
    """The PDF could not be made (no LibreOffice here, or it failed); the Word file still can."""


def soffice() -> str | None:
    """The LibreOffice executable, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF of a .docx, converted by LibreOffice in a private profile (concurrent conversions never clash)."""
    program = soffice()
    if program is None:
        raise ConversionError(_("本服务器未安装 LibreOffice，无法生成 PDF，请下载 Word 版本。"))
    with tempfile.TemporaryDirectory(prefix="consult-pdf-") as tmp:
        folder = Path(tmp)
        (folder / "in.docx").write_bytes(data)
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(folder), str(folder / "in.docx")],
                           check=True, capture_output=True, timeout=TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            raise ConversionError(_("PDF 生成失败，请下载 Word 版本。")) from None
        out = folder / "in.pdf"
        if not out.exists():
            raise ConversionError(_("PDF 生成失败，请下载 Word 版本。"))
        return out.read_bytes()
