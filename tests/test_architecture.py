"""The import graph of dlquiz: no cycles (function-level imports count), heavy dependencies in
their homes (SymPy only under dlquiz/symbolic, NumPy only under dlquiz/worked)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "dlquiz"

# Imports that close a cycle today, each to be removed by the owner of its module. They are
# left out of the graph; the test fails on any other cycle, and on a listed import that is gone
# (so that the list only shrinks).
ALLOWED_EDGES: set[tuple[str, str]] = set()


# Heavy imports outside their home today, to be moved by the module's owner (same rules).
ALLOWED_HEAVY: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module of dlquiz (or third-party top name) that a file imports, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path)
    pkg = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    typing_only: set[int] = set()  # `if TYPE_CHECKING:` blocks run no import
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = pkg.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            subs = {f"{base}.{a.name}" for a in node.names}
            modules = {
                m
                for m in subs
                if (PKG.parent / m.replace(".", "/")).with_suffix(".py").exists()
                or (PKG.parent / m.replace(".", "/")).is_dir()
            }
            out |= modules  # `from pkg import module`: an edge to that module
            if modules != subs:
                out.add(base)  # names defined in `base` itself
    return out


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        graph[name] = {m for m in _imports(path) if m in files and m != name and (name, m) not in ALLOWED_EDGES}
    # importing a package runs its __init__, which is no edge of its own here: the lazy
    # __getattr__ of dlquiz.symbolic is a string table, not an import
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_finds_a_cycle() -> None:
    # the detector itself: a planted cycle is found, a chain is not
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_every_allowed_import_still_exists() -> None:
    files = {_module_name(p): p for p in PKG.rglob("*.py")}
    gone = sorted((a, b) for a, b in ALLOWED_EDGES if a not in files or b not in _imports(files[a]))
    assert gone == [], f"remove from ALLOWED_EDGES: {gone}"


def test_no_cycles_inside_the_symbolic_engine() -> None:
    graph = {
        k: {m for m in v if m.startswith("dlquiz.symbolic")}
        for k, v in _graph().items()
        if k.startswith("dlquiz.symbolic")
    }
    assert _cycles(graph) == []


@pytest.mark.parametrize(
    ("library", "home"), [("sympy", "dlquiz.symbolic"), ("mpmath", "dlquiz.symbolic"), ("numpy", "dlquiz.worked")]
)
def test_heavy_dependencies_stay_home(library: str, home: str) -> None:
    outside = sorted(
        _module_name(p)
        for p in PKG.rglob("*.py")
        if any(m == library or m.startswith(library + ".") for m in _imports(p))
        and not _module_name(p).startswith(home)
        and (library, _module_name(p)) not in ALLOWED_HEAVY
    )
    assert outside == [], f"{library} imported outside {home}: {outside}"


def test_every_allowed_heavy_import_still_exists() -> None:
    files = {_module_name(p): p for p in PKG.rglob("*.py")}
    gone = sorted(
        (lib, mod)
        for lib, mod in ALLOWED_HEAVY
        if mod not in files or not any(m == lib or m.startswith(lib + ".") for m in _imports(files[mod]))
    )
    assert gone == [], f"remove from ALLOWED_HEAVY: {gone}"


def test_one_sampler() -> None:
    # points are drawn and compared in sampling.py only: the derivation checker, grading and
    # equiv all go through it (policy.decide), so "equal" means one thing everywhere
    drawers = sorted(
        _module_name(p)
        for p in (PKG / "symbolic").glob("*.py")
        if {"dlquiz.symbolic.numeric.sample_value", "dlquiz.symbolic.numeric.Point", "random"} & _imports(p)
        and _module_name(p)
        not in (
            "dlquiz.symbolic.sampling",
            "dlquiz.symbolic.numeric",
            "dlquiz.symbolic.policy",
            "dlquiz.symbolic.matvalues",
            "dlquiz.symbolic.chain",
        )
    )
    assert drawers == []
