"""The legal-text engine: read .docx/.txt drafts and parse Chinese legislative structure.

Pure Python, no Flask: 编 part · 章 chapter · 节 section · 条 article · 款 paragraph · 项 item · 目 sub-item.
"""
from consult.lawtext.anchors import AnchorRef, format_anchor, parse_anchor, split_items
from consult.lawtext.model import LawTextError, ParsedArticle, ParsedDivision, ParsedDraft, ParseWarning
from consult.lawtext.numerals import article_label, cn_to_int, int_to_cn
from consult.lawtext.parser import parse_file, parse_lines, parse_text
from consult.lawtext.readers import read_document, read_path

__all__ = [
    "AnchorRef", "LawTextError", "ParseWarning", "ParsedArticle", "ParsedDivision", "ParsedDraft",
    "article_label", "cn_to_int", "format_anchor", "int_to_cn", "parse_anchor", "parse_file",
    "parse_lines", "parse_text", "read_document", "read_path", "split_items",
]
