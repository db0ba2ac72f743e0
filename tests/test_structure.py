"""The package's shape: no import cycle, no module past ~400 lines, the orchestration building nothing.

The import graph is read from the source (module-level imports; those under ``if TYPE_CHECKING:`` and
inside functions are not executed on import and do not count)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "pattern_miner"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(name: str) -> str | None:
    """The module ``name`` names, or its nearest enclosing package of ours."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.If):
                test = node.test
                if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
                    continue
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("pattern_miner") and (target := _resolve(alias.name)):
                        found.add(target)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base]).strip(".")
                if not base.startswith("pattern_miner"):
                    continue
                for alias in node.names:
                    target = _resolve(f"{base}.{alias.name}") if f"{base}.{alias.name}" in MODULES else _resolve(base)
                    if target:
                        found.add(target)

    visit(tree.body)
    # importing a.b.c runs the packages a.b's __init__ first: an edge to each package not enclosing us
    for target in list(found):
        parts = target.split(".")
        for n in range(2, len(parts)):
            outer = ".".join(parts[:n])
            if outer in MODULES and not module.startswith(outer + ".") and module != outer:
                found.add(outer)
    found.discard(module)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_the_import_graph_has_no_cycle() -> None:
    graph = {m: _imports(m, p) for m, p in MODULES.items()}
    assert graph["pattern_miner.pipeline"]  # the reader works: the pipeline imports its stages
    assert _cycles(graph) == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_400_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module}: {lines} lines; one job per module"


def test_the_commands_and_the_service_build_no_settings_or_clients() -> None:
    """Settings come from ``settings``, clients from ``wiring``: the entry points only call them."""
    for module in ("pattern_miner.commands.mine", "pattern_miner.commands.action", "pattern_miner.app"):
        source = MODULES[module].read_text(encoding="utf-8")
        for built in ("Settings(", "GitHubTracker(", "GitHubSource(", "LocalSource(", "DevNexus(", "StateStore(",
                      "github_client(", "Anthropic("):
            if built == "StateStore(" and module == "pattern_miner.app":
                continue  # the service reads the history it serves (GET /api/patterns)
            assert built not in source, f"{module} builds {built[:-1]}"


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_a_local_scan_loads_no_network_client_library() -> None:
    """PyGithub, requests, httpx and pydantic take ~0.8 s to import: the scan command loads them only when a run
    talks to GitHub or dev-nexus (``wiring.connect``) or Claude judges (``semantic.judge``)."""
    import subprocess
    import sys

    probe = ("import sys, pattern_miner.commands.scan, pattern_miner.engine, pattern_miner.wiring; "
             "print(sorted(m for m in ('github', 'requests', 'httpx', 'pydantic') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
