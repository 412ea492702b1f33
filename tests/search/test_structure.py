"""The search package's shape: one interface, one Whoosh adapter, no module past ~400 lines."""
from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from consult.search.backend import SearchBackend
from consult.search.whoosh_backend import WhooshBackend

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "consult" / "search"
# The Whoosh adapter: only these modules import Whoosh (analysis.py holds the analyzer pickled into indexes).
WHOOSH_MODULES = {"whoosh_backend.py", "whoosh_matching.py", "whoosh_rebuild.py", "whoosh_schema.py",
                  "whoosh_internals.py", "analysis.py"}


def test_whoosh_backend_implements_every_interface_method():
    abstract = SearchBackend.__abstractmethods__
    assert {"index_documents", "apply", "delete", "clear", "rebuild", "grouped", "ranked", "fingerprints",
            "state"} <= abstract
    assert not WhooshBackend.__abstractmethods__
    for name in abstract:
        ours = inspect.signature(getattr(WhooshBackend, name)).parameters
        declared = inspect.signature(getattr(SearchBackend, name)).parameters
        assert list(ours) == list(declared), name


def test_callers_use_only_the_interface():
    """Outside the adapter nothing imports Whoosh or the Whoosh backend (get_backend chooses it)."""
    for path in [*(ROOT / "consult").rglob("*.py")]:
        if path.parent == PACKAGE and path.name in WHOOSH_MODULES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith("whoosh"), f"{path.relative_to(ROOT)} imports {name}"
                if path.name != "backend.py":
                    assert "whoosh_" not in name, f"{path.relative_to(ROOT)} imports {name}"


def test_private_whoosh_attributes_only_in_the_internals_module():
    private = re.compile(r"\b(?:reader|writer|segreader|ix|searcher)\._[a-z]\w*")
    for path in PACKAGE.glob("*.py"):
        if path.name == "whoosh_internals.py":
            continue
        found = private.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name}: {found}"


def test_no_module_of_the_package_passes_400_lines():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_group_order_encoding_stays_inside_the_search_package():
    """No URL takes the numeric group order; no template or test outside the package computes it."""
    for path in (ROOT / "consult").rglob("*.py"):
        assert "<int:order>" not in path.read_text(encoding="utf-8"), path
    for path in [*(ROOT / "tests").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        if path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8")
        assert "10_000_000" not in text and "ORDER_SCALE" not in text and "group.order" not in text, path


def test_the_old_filter_module_is_gone():
    assert not (PACKAGE / "filters.py").exists()
