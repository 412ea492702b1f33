"""The shape of the code: package imports without cycles, no import tricks, no "does this page exist" guards.

Rules (read from the source with `ast`, no import of the code under test):

- A *package* is `consult.<name>` (a sub-package, or a top-level module such as `consult.config`);
  `consult/__init__.py` is the package `consult`. The graph has an edge A → B when a module of A imports a
  module of B **at module level** (top-level statements and class bodies, which run at import time;
  `if TYPE_CHECKING:` blocks excluded). That graph has no cycle. Imports inside functions are allowed:
  they run on call, they keep `consult --help` fast and they are how `create_app()` wires the blueprints.
- No bottom-of-module imports: every module-level import comes before the module's first `def` or `class`.
- No `try: import … except ImportError` around our own modules (a missing module is a bug, not an option).
- No "does this page exist" guards: no `url_rules` global, no membership test on `view_functions` in
  `consult/`, and no `ignore missing` include in templates.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from consult.config import PROJECT_ROOT

PACKAGE_DIR = PROJECT_ROOT / "consult"
TEMPLATES = PROJECT_ROOT / "templates"


def _modules() -> dict[str, Path]:
    """Dotted module name → file, for every module of the consult package."""
    found = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def package_of(module: str) -> str:
    """consult.accounts.views → consult.accounts; consult.config → consult.config; consult → consult."""
    return ".".join(module.split(".")[:2])


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(module: str, path: Path, node: ast.stmt) -> list[str]:
    """The consult modules an import statement loads (`from consult.x import y` counts consult.x.y if a module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        target = _absolute(module, path, node)
        names = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target
                 for alias in node.names]
    else:
        return []
    return [name for name in names if name == "consult" or name.startswith("consult.")]


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def module_level_imports(tree: ast.Module):
    """Import statements that run when the module is imported (top level, class bodies, plain if/try)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.ClassDef):
            pending.extend(node.body)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody
                           + [n for h in node.handlers for n in h.body])


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package → {imported package: ["file:line", …]} over module-level imports."""
    graph: dict[str, dict[str, list[str]]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text("utf-8"))
        source = package_of(module)
        for node in module_level_imports(tree):
            for target in imported_modules(module, path, node):
                target_package = package_of(target)
                if target_package != source and target_package != "consult":
                    where = f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
                    places = graph.setdefault(source, {}).setdefault(target_package, [])
                    if where not in places:
                        places.append(where)
    return graph


def find_cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Every strongly connected component with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, {}):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(set(graph) | {t for targets in graph.values() for t in targets}):
        if node not in index:
            visit(node)
    return components


def test_no_cycle_between_packages():
    graph = package_graph()
    lines = []
    for component in find_cycles(graph):
        lines.append("cycle: " + " ⇄ ".join(component))
        mutual = sorted((a, b) for a in component for b in graph.get(a, {}) if b in component
                        and a < b and a in graph.get(b, {}))
        for a, b in mutual:
            lines.append(f"  both ways: {a} ⇄ {b}")
        for source in component:
            for target, where in sorted(graph.get(source, {}).items()):
                if target in component:
                    lines.append(f"  {source} → {target}: {', '.join(where)}")
    assert not lines, "\n".join(lines)


def test_cycle_finder_sees_a_cycle():
    graph = {"a": {"b": ["x:1"]}, "b": {"c": ["x:2"]}, "c": {"a": ["x:3"]}, "d": {"a": ["x:4"]}}
    assert find_cycles(graph) == [["a", "b", "c"]]


def test_no_bottom_of_module_imports():
    late = []
    for module, path in MODULES.items():
        seen_definition = False
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                seen_definition = True
            elif seen_definition and isinstance(node, (ast.Import, ast.ImportFrom)):
                late.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not late, "imports below the first def/class:\n" + "\n".join(late)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    return handler.type is not None and re.search(r"\b(ImportError|ModuleNotFoundError)\b",
                                                  ast.unparse(handler.type)) is not None


def test_no_import_error_guards_around_our_modules():
    guarded = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
                ours = [inner for stmt in node.body for inner in ast.walk(stmt)
                        if imported_modules(module, path, inner)]
                guarded += [f"{path.relative_to(PROJECT_ROOT)}:{inner.lineno}: {ast.unparse(inner)}"
                            for inner in ours]
    assert not guarded, "`except ImportError` around consult modules:\n" + "\n".join(guarded)


PAGE_GUARDS = re.compile(r"\burl_rules\b|\bin\s+(?:current_)?app\.view_functions\b|view_functions\.get\(")


def test_no_page_existence_guards():
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if PAGE_GUARDS.search(line):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if "url_rules" in line or re.search(r"ignore\s+missing", line):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert not found, "page-existence guards:\n" + "\n".join(found)
