"""QR code images (segno, generated here: never an online service)."""
from __future__ import annotations

import io

import segno


def _code(text: str):
    # make_qr, never make(): segno.make picks a Micro QR for short texts, which most phone cameras cannot read.
    return segno.make_qr(text, error="m")


def qr_svg(text: str, *, scale: int = 4, title: str = "") -> bytes:
    """An SVG QR code of `text` (dark modules, quiet zone of 4)."""
    out = io.BytesIO()
    _code(text).save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True,
                     title=title or None, svgclass="qr", lineclass=None)
    return out.getvalue()


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """A PNG QR code of `text` (black on white, quiet zone of 4), for Word documents and downloads."""
    out = io.BytesIO()
    _code(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_matrix(text: str) -> tuple[tuple[int, ...], ...]:
    """The module matrix (1 = dark) without quiet zone: what a reader decodes."""
    return tuple(tuple(row) for row in _code(text).matrix)
