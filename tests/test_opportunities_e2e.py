"""Opportunities end to end: tiny repositories written to disk, scanned by the engine, reported as JSON.

A near-fork pair (every module of one copied into the other, one edited, one added), a module of functions
copied into three services (edited in one, a function left out in another), and a stock workflow identical
in four repositories: one family, one library, one template ranked last, and nothing else made of them.
The repositories' contents are real Python modules (the standard library's), so the matcher sees real code.
"""

from __future__ import annotations

import ast
import colorsys
import fnmatch
import glob
import inspect
import json
import netrc
import quopri
import sched
import shlex
import tabnanny
import textwrap
from pathlib import Path

import pytest

from pattern_miner.config import default_config
from pattern_miner.console import Console
from pattern_miner.engine import scan
from pattern_miner.model import ScanReport
from pattern_miner.report import render
from pattern_miner.sources.local import LocalSource, repos_from_root

STALE = """name: Close stale issues
on:
  schedule:
    - cron: "30 1 * * *"
permissions:
  issues: write
  pull-requests: write
jobs:
  stale:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/stale@v9
        with:
          stale-issue-message: "This issue is stale because it has been open 30 days with no activity."
          stale-pr-message: "This PR is stale because it has been open 45 days with no activity."
          close-issue-message: "This issue was closed because it has been stalled for 5 days with no activity."
          days-before-stale: 30
          days-before-close: 5
          days-before-pr-close: -1
          exempt-issue-labels: pinned,security
          exempt-pr-labels: pinned
          operations-per-run: 60
"""
FORK_MODULES = {"app/quoting.py": quopri, "app/lexing.py": shlex, "app/matching.py": fnmatch, "app/globbing.py": glob,
                "app/wrapping.py": textwrap}
LIBRARY = ("rgb_to_hls", "hls_to_rgb", "_v", "rgb_to_hsv", "hsv_to_rgb")


def _functions(module: object, names: tuple[str, ...]) -> list[str]:
    source = inspect.getsource(module)  # type: ignore[arg-type]
    found = {n.name: ast.get_source_segment(source, n) for n in ast.parse(source).body
             if isinstance(n, ast.FunctionDef)}
    return [found[name] or "" for name in names]


def _write(root: Path, repo: str, files: dict[str, str]) -> None:
    for path, text in files.items():
        full = root / repo / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ScanReport:
    root = tmp_path_factory.mktemp("org")
    app = {path: inspect.getsource(module) for path, module in FORK_MODULES.items()}  # type: ignore[arg-type]
    fork = dict(app)
    fork["app/wrapping.py"] = fork["app/wrapping.py"].replace("width=70", "width=88")
    fork["app/extra.py"] = "def only_here(x):\n    y = [x] * 3\n    y.append(x)\n    return y\n"
    _write(root, "o/app", app)
    _write(root, "o/app-fork", fork)
    functions = _functions(colorsys, LIBRARY)
    header = '"""Colour helpers, copied."""\n\nONE_THIRD = 1.0 / 3.0\nONE_SIXTH = 1.0 / 6.0\nTWO_THIRD = 2.0 / 3.0\n\n\n'
    edited = [f.replace("maxc", "high").replace("minc", "low") for f in functions]
    # each service keeps its own code in the same file: the functions match one by one, not as a whole file
    own = {repo: inspect.getsource(module) for repo, module in (("o/svc-a", sched), ("o/svc-b", netrc),
                                                                ("o/svc-c", tabnanny))}
    _write(root, "o/svc-a", {"lib/colors.py": own["o/svc-a"] + "\n\n" + "\n\n\n".join(functions) + "\n"})
    _write(root, "o/svc-b", {"shared/colors.py": header + "\n\n\n".join(edited) + "\n\n\n" + own["o/svc-b"]})
    _write(root, "o/svc-c", {"pkg/colors.py": own["o/svc-c"] + "\n\n" + "\n\n\n".join(functions[:3] + functions[4:])
                             + "\n"})
    for repo in ("o/svc-a", "o/svc-b", "o/svc-c", "o/web"):
        _write(root, repo, {".github/workflows/stale.yml": STALE})
    _write(root, "o/web", {"web/server.py": "def serve(port):\n    print('serving on', port)\n"})
    config = default_config()
    return scan(LocalSource(repos_from_root(root), config), config, console=Console(quiet=True), jobs=1)


def test_the_near_fork_is_one_family_and_nothing_else(report: ScanReport) -> None:
    families = [o for o in report.opportunities if o.kind == "family"]
    assert [f.repos for f in families] == [("o/app", "o/app-fork")]
    shared = dict(families[0].shared)
    assert shared["app/quoting.py"] == "identical" and shared["app/wrapping.py"] == "edited"
    assert shared["app/extra.py"] == "only o/app-fork"
    assert not [o for o in report.opportunities if o.kind != "family" and set(o.repos) <= {"o/app", "o/app-fork"}]


def test_the_copied_module_is_one_library(report: ScanReport) -> None:
    touching = [o for o in report.opportunities
                if any(c.path.endswith("colors.py") for p in o.patterns for c in p.occurrences)]
    assert len(touching) == 1
    (library,) = touching
    assert library.kind == "library" and library.repos == ("o/svc-a", "o/svc-b", "o/svc-c")
    assert len(library.patterns) >= 2 and "colors.py" in library.title


def test_the_stock_workflow_is_one_template_ranked_last(report: ScanReport) -> None:
    last = report.opportunities[-1]
    assert last.kind == "template" and last.rank == len(report.opportunities)
    assert {o.path for p in last.patterns for o in p.occurrences} == {".github/workflows/stale.yml"}
    assert last.repos == ("o/svc-a", "o/svc-b", "o/svc-c", "o/web")


def test_json_lists_the_opportunities_next_to_unchanged_patterns(report: ScanReport) -> None:
    doc = json.loads(render(report, "json"))
    assert doc["extraction_opportunities"] == len(doc["opportunities"]) == len(report.opportunities)
    ids = {p["id"] for p in doc["patterns"]}
    for rank, o in enumerate(doc["opportunities"], 1):
        assert o["rank"] == rank and set(o["patterns"]) <= ids
        assert {"id", "kind", "title", "value", "confidence", "repos", "occurrences"} <= o.keys()
    assert set(doc["patterns"][0]) >= {"id", "pattern_type", "similarity", "occurrences", "content_hash"}
    table = render(report, "table")
    assert "family" in table and "template" in table and "Adopt a shared template" in table
