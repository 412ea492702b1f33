"""QR codes as people scan them: valid SVG and PNG that a real reader (zxing-cpp) decodes to the short link."""
from __future__ import annotations

from xml.etree import ElementTree

import segno

from consult.outreach import services
from consult.outreach.qr import qr_matrix, qr_png, qr_svg

from .conftest import decode_png

URL = "http://localhost/q/AB3K7X"


def test_png_decodes_to_the_url():
    data = qr_png(URL)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert decode_png(data) == [URL]


def test_svg_is_valid_svg_of_the_same_code():
    root = ElementTree.fromstring(qr_svg(URL, title=URL))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == URL
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_a_short_text_is_a_full_qr_code_never_a_micro_qr():
    # segno.make would choose a Micro QR for a short text, which most phone cameras cannot read.
    assert segno.make("q/AB3K7X").is_micro
    matrix = qr_matrix("q/AB3K7X")
    assert len(matrix) >= 21 and len(matrix) == len(matrix[0])  # version 1 or more: a regular QR code
    assert decode_png(qr_png("q/AB3K7X")) == ["q/AB3K7X"]


def test_the_qr_image_route_serves_the_link_of_the_code(client, db, draft):
    link = services.link_for(draft)
    db.session.commit()
    png = client.get(f"/outreach/qr/{link.code}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert decode_png(png.data) == [f"http://localhost/q/{link.code}"]
    svg = client.get(f"/outreach/qr/{link.code}.svg")
    assert svg.mimetype == "image/svg+xml"
    ElementTree.fromstring(svg.data)
    assert client.get(f"/outreach/qr/{link.code}.gif").status_code == 404
    assert client.get("/outreach/qr/ZZZZZZ.png").status_code == 404


def test_public_base_url_is_what_the_code_encodes(app, client, db, draft):
    app.config["PUBLIC_BASE_URL"] = "https://yijian.qingjiang.example/"
    link = services.link_for(draft)
    db.session.commit()
    png = client.get(f"/outreach/qr/{link.code}.png")
    assert decode_png(png.data) == [f"https://yijian.qingjiang.example/q/{link.code}"]
