"""File downloads with a Chinese name that every HTTP server can send (RFC 6266 / RFC 5987).

A header value must be latin-1: `filename="意见清单.csv"` makes a real WSGI server raise
UnicodeEncodeError (the test client never notices). The header therefore carries an ASCII fallback
in `filename=` and the real name percent-encoded in `filename*=UTF-8''…`.
"""
from __future__ import annotations

import re
from urllib.parse import quote

_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_fallback(name: str, default_stem: str = "export") -> str:
    """An ASCII file name keeping the extension: 意见清单_条例.csv → export.csv (ASCII names kept)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    safe_stem = _NOT_TOKEN.sub("_", stem).strip("_.") or default_stem
    safe_ext = _NOT_TOKEN.sub("", ext)
    return f"{safe_stem}.{safe_ext}" if safe_ext else safe_stem


def content_disposition(name: str, fallback: str | None = None) -> str:
    """`attachment; filename="…ascii…"; filename*=UTF-8''…` for any file name."""
    plain = fallback or ascii_fallback(name)
    value = f'attachment; filename="{plain}"'
    if plain != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value
