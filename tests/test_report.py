"""Report writers on a hand-built ScanReport: terminal table, JSON, Markdown and SARIF 2.1.0."""

from __future__ import annotations

import json
import re

import pytest

from pattern_miner import __version__
from pattern_miner.model import Occurrence, Pattern, RepoFailure, RepoInfo, ScanReport, ScanStats, Skip
from pattern_miner.report import FORMATS, SARIF_SCHEMA, render, sarif

REPOS = (
    RepoInfo("acme/api", commit="a" * 40, html_url="https://github.com/acme/api", default_branch="main"),
    RepoInfo("acme/worker", html_url="https://github.com/acme/worker", default_branch="trunk"),
    RepoInfo("local/tools"),
)


def occurrence(repo: str, path: str, start: int = 1, end: int = 30, unit: str = "file", url: str | None = None,
               text: str = "") -> Occurrence:
    return Occurrence(repo=repo, path=path, start_line=start, end_line=end, unit=unit, url=url, text=text,
                      language="dockerfile")


DOCKER = Pattern(
    id="docker-0123456789ab", pattern_type="docker", kind="file", language="dockerfile",
    title="Docker configuration `Dockerfile`", similarity=0.953, confidence="High", score=9.5, lines=30,
    occurrences=(
        occurrence("acme/api", "Dockerfile", url="https://github.com/acme/api/blob/main/Dockerfile",
                   text="FROM python:3.12"),
        occurrence("acme/worker", "Dockerfile", end=29),
        occurrence("local/tools", "docker/Dockerfile", end=31),
    ),
    features=("RUN pip install",), content_hash="0" * 16,
)
HELPER = Pattern(
    id="code-ba9876543210", pattern_type="code", kind="function", language="python",
    title="Python function `a|b <script>`", similarity=0.81, confidence="Low", score=1.2, lines=12,
    occurrences=(
        occurrence("acme/api", "app/util.py", 40, 51, "function"),
        occurrence("acme/worker", "worker/util.py", 7, 18, "function"),
    ),
)
STATS = ScanStats(repositories=3, files_scanned=42, lines_scanned=1234, files_skipped={"too-large": 2, "binary": 1},
                  parse_fallbacks=3, fragments=99, seconds=1.26)
REPORT = ScanReport(
    patterns=(DOCKER, HELPER),
    repositories=REPOS,
    failures=(RepoFailure("acme/gone", "404 Not Found"),),
    skips=(Skip("acme/api", "big.json", "too-large"),),
    stats=STATS,
)
EMPTY = ScanReport(patterns=(), repositories=REPOS[:2], stats=ScanStats(repositories=2, files_scanned=3, lines_scanned=10))


def test_formats() -> None:
    assert FORMATS == ("table", "json", "markdown", "sarif")


# ----------------------------------------------------------------------------- table


def test_table() -> None:
    lines = render(REPORT, "table").splitlines()
    assert lines[:5] == [
        "Scanned 3 repositories, 42 files, 1234 lines in 1.3 s.",
        "Skipped: 1 binary, 2 too-large",
        "Compared line by line (no grammar or unparsable): 3 files",
        "Failed: acme/gone: 404 Not Found",
        "2 patterns, 1 extraction opportunities:",
    ]
    body = "\n".join(lines)
    assert "  1  High            95%      3     30  docker           Docker configuration `Dockerfile`  " \
           "[docker-0123456789ab]" in body
    assert "        acme/api/Dockerfile" in lines and "        local/tools/docker/Dockerfile" in lines
    assert "        acme/api/app/util.py:40-51" in lines  # units show their lines, files do not
    assert "  2  Low             81%      2     12  code" in body


def test_table_limit() -> None:
    out = render(REPORT, "table", limit=1)
    assert "[docker-0123456789ab]" in out and "[code-ba9876543210]" not in out
    assert out.endswith("... and 1 more (use --format json for all)\n")
    assert "... and" not in render(REPORT, "table", limit=2)


def test_table_without_patterns_or_skips() -> None:
    assert render(EMPTY, "table") == (
        "Scanned 2 repositories, 3 files, 10 lines in 0.0 s.\n"
        "No patterns copied across repositories were found.\n"
    )


# ----------------------------------------------------------------------------- json


def test_json_is_the_report_dict() -> None:
    doc = json.loads(render(REPORT, "json"))
    assert doc == json.loads(json.dumps(REPORT.to_dict()))
    assert doc["patterns_found"] == 2 and doc["extraction_opportunities"] == 1
    assert doc["stats"]["files_skipped"] == {"binary": 1, "too-large": 2}
    assert doc["failures"] == [{"repo": "acme/gone", "reason": "404 Not Found", "stale": False}]
    assert doc["skipped"] == [{"repo": "acme/api", "path": "big.json", "reason": "too-large"}]
    first = doc["patterns"][0]
    assert (first["id"], first["pattern_type"], first["similarity"], first["repo_count"]) == \
        ("docker-0123456789ab", "docker", 0.953, 3)
    assert first["occurrences"][0] == {
        "repo": "acme/api", "path": "Dockerfile", "start_line": 1, "end_line": 30, "unit": "file", "name": "",
        "language": "dockerfile", "commit": None, "private": False,
        "url": "https://github.com/acme/api/blob/main/Dockerfile",
    }
    assert json.loads(render(REPORT, "json", with_text=True))["patterns"][0]["occurrences"][0]["text"] == \
        "FROM python:3.12"


# ----------------------------------------------------------------------------- markdown


def test_markdown() -> None:
    out = render(REPORT, "markdown")
    assert out.startswith("# Pattern Miner report\n\n3 repositories, 42 files, 1234 lines scanned; "
                          "**2 patterns**, **1 extraction opportunities**.\n")
    assert "| 1 | Docker configuration `Dockerfile` | docker | 95% | High | 3 | 30 |" in out
    assert "- [acme/api/Dockerfile](https://github.com/acme/api/blob/main/Dockerfile)" in out
    assert "- acme/worker/Dockerfile" in out
    assert "- acme/api/app/util.py:40-51" in out
    # titles cannot break the table or inject HTML
    assert "Python function `a\\|b &lt;script&gt;`" in out and "<script>" not in out
    assert "## Repositories that failed\n\n- acme/gone: 404 Not Found" in out


def test_markdown_limit_and_empty() -> None:
    assert render(REPORT, "markdown", limit=1).count("\n## ") == 2  # one pattern and the failures
    empty = render(EMPTY, "markdown")
    assert "**0 patterns**" in empty and "|" not in empty


# ----------------------------------------------------------------------------- sarif


def test_sarif_top_level_and_driver() -> None:
    doc = json.loads(render(REPORT, "sarif"))
    assert doc["$schema"] == SARIF_SCHEMA and doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pattern-miner" and driver["version"] == __version__
    assert [r["id"] for r in driver["rules"]] == ["pattern-miner/code", "pattern-miner/docker"]
    assert all(r["shortDescription"]["text"] and r["name"] for r in driver["rules"])
    assert run["originalUriBaseIds"] == {
        "ACME__API": {"description": {"text": "acme/api"}, "uri": f"https://github.com/acme/api/blob/{'a' * 40}/"},
        "ACME__WORKER": {"description": {"text": "acme/worker"}, "uri": "https://github.com/acme/worker/blob/trunk/"},
        "LOCAL__TOOLS": {"description": {"text": "local/tools"}},
    }


def test_sarif_results() -> None:
    run = sarif(REPORT)["runs"][0]
    docker, helper = run["results"]
    assert docker["ruleId"] == "pattern-miner/docker" and docker["level"] == "warning"
    assert helper["ruleId"] == "pattern-miner/code" and helper["level"] == "note"
    assert docker["message"]["text"] == (
        "Docker configuration `Dockerfile`: 3 copies across 3 repositories (acme/api, acme/worker, local/tools), "
        "95% similar. Candidate for a shared library."
    )
    assert docker["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "ACME__API"},
        "region": {"startLine": 1, "endLine": 30},
    }}]
    related = docker["relatedLocations"]
    assert [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"], r["message"]["text"]) for r in related] == [
        (1, "Dockerfile", "copy in acme/worker"), (2, "docker/Dockerfile", "copy in local/tools"),
    ]
    assert helper["locations"][0]["physicalLocation"]["region"] == {"startLine": 40, "endLine": 51}
    assert docker["partialFingerprints"] == {"patternMinerId/v1": "docker-0123456789ab"}
    assert docker["properties"] == {"similarity": 0.953, "confidence": "High", "kind": "file"}


def test_sarif_without_patterns_is_still_valid() -> None:
    run = sarif(EMPTY)["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ends_with_a_newline(fmt: str) -> None:
    assert render(REPORT, fmt).endswith("\n") and render(EMPTY, fmt).endswith("\n")


# ----------------------------------------------------------------------------- hostile names

EVIL_PATH = "ops/evil\x1b[31mred\x1b]0;owned\x07 a|b\n- [x](https://evil.example) ]).sh"
EVIL = Pattern(
    id="code-evil00000000", pattern_type="code", kind="file", language="bash",
    title="Shell file `evil\x1b[2J|x\r\u202etxt.sh`", similarity=0.9, confidence="High", score=3.0, lines=20,
    occurrences=(
        occurrence("acme/api", EVIL_PATH, url="https://github.com/acme/api/blob/main/" + EVIL_PATH),
        occurrence("acme/worker", EVIL_PATH),
    ),
)
HOSTILE = ScanReport(patterns=(EVIL,), repositories=REPOS[:2], stats=STATS,
                     failures=(RepoFailure("acme/gone", "cannot read\x1b[1m x\ny"),))


def _controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029\u202e"]


def test_table_shows_control_characters_in_names_instead_of_sending_them() -> None:
    out = render(HOSTILE, "table")
    assert _controls(out) == []
    lines = out.splitlines()
    assert "        acme/api/ops/evil\\x1b[31mred\\x1b]0;owned\\x07 a|b\\n- [x](https://evil.example) ]).sh" in lines
    assert any(line.endswith("Shell file `evil\\x1b[2J|x\\r\\u202etxt.sh`  [code-evil00000000]") for line in lines)
    assert "Failed: acme/gone: cannot read\\x1b[1m x\\ny" in lines
    assert len(lines) == len(render(REPORT, "table").splitlines()) - 4  # one line per copy, nothing broken


def test_markdown_names_cannot_break_the_table_or_the_links() -> None:
    out = render(HOSTILE, "markdown")
    assert _controls(out) == []
    row = next(line for line in out.splitlines() if line.startswith("| 1 |"))
    assert row.count("|") - row.count("\\|") == 8  # seven cells, whatever the title holds
    link = next(line for line in out.splitlines() if line.startswith("- [acme/api/"))
    label, url = re.split(r"(?<!\\)\]\(", link[len("- ["):], maxsplit=1)  # where the label really ends
    assert re.search(r"(?<!\\)[][]", label) is None  # every bracket in the name is escaped
    assert url.endswith(")") and not any(c in url[:-1] for c in " |()[]<>\n")
    assert url.startswith("https://github.com/acme/api/blob/main/ops/evil%1B%5B31mred")
    # shown as written: backslashes, "|" and brackets escaped, control characters as escapes
    assert "- acme/worker/ops/evil\\\\x1b\\[31mred\\\\x1b\\]0;owned\\\\x07 a\\|b\\\\n- \\[x\\](https://evil.example) " \
           "\\]).sh" in out
    assert "- acme/gone: cannot read\\\\x1b\\[1m x\\\\ny" in out
