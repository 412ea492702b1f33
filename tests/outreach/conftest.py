"""Fixtures for QR codes, short links, posters and meeting kits: a facilitator's point, an open draft, a
meeting there, another point with its own facilitator, and staff (shared point fixtures)."""
from __future__ import annotations

import io
import zipfile

import pytest

from tests.point_fixtures import *  # noqa: F401,F403


@pytest.fixture
def staff(make_user):
    """A member of the legislative staff (法工委)."""
    return make_user("staff")


@pytest.fixture
def other_facilitator(make_user, other_point):
    """A facilitator of another point."""
    return make_user("facilitator", [other_point])


def decode_png(data: bytes) -> list[str]:
    """The texts of every QR code a reader finds in a PNG (zxing-cpp, the reader many phone apps use)."""
    import zxingcpp
    from PIL import Image

    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def docx_images(data: bytes) -> list[bytes]:
    """The images inside a .docx, in the order of their names (word/media/image1.png …)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted((n for n in archive.namelist() if n.startswith("word/media/")),
                       key=lambda n: int("".join(c for c in n if c.isdigit()) or 0))
        return [archive.read(n) for n in names]
