"""Report writers on a report with opportunities: ranked, each with its components, in every format."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

from pattern_miner.model import FileEntry, Occurrence, Pattern, ScanReport
from pattern_miner.opportunities import find_opportunities
from pattern_miner.report import render, sarif
from tests.test_report import DOCKER, HELPER, REPORT


def _fn(name: str, start: int) -> Pattern:
    return Pattern(
        id=f"code-{name}", pattern_type="code", kind="function", language="python", title=f"Python function `{name}`",
        similarity=0.9, confidence="High", score=2.0, lines=15,
        occurrences=tuple(Occurrence(repo=r, path=p, start_line=start, end_line=start + 14, unit="function",
                                     name=name, language="python")
                          for r, p in (("acme/api", "app/retry.py"), ("acme/worker", "lib/retry.py"))),
        content_hash=name)


PATTERNS = (DOCKER, _fn("backoff", 1), _fn("jitter", 20), HELPER)
OPPS = find_opportunities(PATTERNS, REPORT.repositories,
                          [FileEntry("acme/api", "app/retry.py", 40, "x"), FileEntry("acme/worker", "lib/retry.py", 40, "y")],
                          now=datetime(2026, 12, 1, tzinfo=UTC))
WITH = dataclasses.replace(REPORT, patterns=PATTERNS, opportunities=OPPS)


def test_opportunities_are_grouped_and_ranked() -> None:
    assert [(o.rank, o.kind, o.category) for o in OPPS] == [(1, "single", "container"), (2, "library", "code")]
    assert [p.id for p in OPPS[1].patterns] == ["code-backoff", "code-jitter"]


def test_table_lists_opportunities_with_their_components() -> None:
    out = render(WITH, "table")
    assert "4 patterns, 2 extraction opportunities:" in out
    lines = out.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("  1  single"))
    assert "container" in lines[first] and "[docker-0123456789ab]" in lines[first]
    assert lines[first + 1] == "        acme/api/Dockerfile"
    second = next(n for n, line in enumerate(lines) if line.startswith("  2  library"))
    assert "Module `retry.py`" in lines[second]
    assert "- Python function `backoff`  [code-backoff]  2 copies, 15 lines" in out
    assert "            acme/worker/lib/retry.py:20-34" in lines
    assert "[code-ba9876543210]" not in out  # a Low pattern alone is no opportunity
    limited = render(WITH, "table", limit=1)
    assert "library" not in limited and limited.endswith("... and 1 more (use --format json for all)\n")


def test_json_has_opportunities_next_to_patterns() -> None:
    doc = json.loads(render(WITH, "json"))
    assert doc["extraction_opportunities"] == 2 and doc["patterns_found"] == 4
    lib = doc["opportunities"][1]
    assert (lib["rank"], lib["kind"], lib["patterns"], lib["repos"]) == (
        2, "library", ["code-backoff", "code-jitter"], ["acme/api", "acme/worker"])
    assert [p["id"] for p in doc["patterns"]] == [p.id for p in PATTERNS]  # patterns[] unchanged


def test_markdown_shows_each_opportunity_with_its_components() -> None:
    out = render(WITH, "markdown")
    assert "**4 patterns**, **2 extraction opportunities**" in out
    assert "| 2 | Module `retry.py` (code) copied into 2 repositories: 2 components | library | code |" in out
    assert "## 2. Module `retry.py`" in out and "- Python function `jitter` (`code-jitter`, 90% similar, 15 lines)" in out
    assert "  - acme/api/app/retry.py:20-34" in out


def test_sarif_results_follow_the_opportunities() -> None:
    results = sarif(WITH)["runs"][0]["results"]
    assert [r["partialFingerprints"]["patternMinerId/v1"] for r in results] == [
        "docker-0123456789ab", "code-backoff", "code-jitter", "code-ba9876543210"]
    assert results[1]["properties"]["opportunity"]["kind"] == "library"
    assert results[1]["partialFingerprints"]["patternMinerOpportunity/v1"] == OPPS[1].id
    assert "opportunity" not in results[3]["properties"]


def test_a_family_shows_what_is_shared_and_what_diverged() -> None:
    family = dataclasses.replace(OPPS[1], kind="family", shared=(("app/a.py", "identical"), ("app/b.py", "edited"),
                                                                  ("app/c.py", "only acme/api")))
    out = render(dataclasses.replace(WITH, opportunities=(OPPS[0], family)), "markdown")
    assert "| Path | State |" in out and "| app/c.py | only acme/api |" in out


def test_empty_scan_reports_no_opportunity() -> None:
    empty = ScanReport(patterns=(), repositories=REPORT.repositories)
    assert json.loads(render(empty, "json"))["opportunities"] == []


def test_a_public_artifact_keeps_private_copies_of_opportunities_out() -> None:
    from pattern_miner.render.redact import PrivateNames, redact_report

    secret = Occurrence(repo="acme/secret-books", path="ops/books-sync.sh", start_line=1, end_line=9, private=True,
                        url="https://github.com/acme/secret-books/blob/main/ops/books-sync.sh", text="echo hidden")
    pattern = dataclasses.replace(DOCKER, occurrences=(*DOCKER.occurrences, secret))
    family = dataclasses.replace(OPPS[0], kind="family", patterns=(pattern,), occurrences=(secret,),
                                 repos=(*OPPS[0].repos, "acme/secret-books"),
                                 shared=(("ops/books-sync.sh", "identical"),))
    report = dataclasses.replace(WITH, patterns=(pattern,), opportunities=(family,))
    names = PrivateNames.of_patterns(report.patterns, ["acme/secret-books"])
    text = json.dumps(redact_report(report.to_dict(with_text=True), names))
    assert "secret-books" not in text and "books-sync" not in text and "echo hidden" not in text
    (public,) = json.loads(text)["opportunities"]
    assert public["private_repos"] == 1 and public["shared"] == [] and public["occurrences"][0]["url"] is None
