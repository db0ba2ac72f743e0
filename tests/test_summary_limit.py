"""The job summary of a very large run stays under the runner's 1 MiB limit, and still says what it left out."""

from __future__ import annotations

from pattern_miner.actions import SUMMARY_LIMIT
from pattern_miner.model import Occurrence, Pattern, RepoFailure, RepoInfo, ScanReport
from pattern_miner.render.summary import (
    WOULD_BE_BYTES,
    IssueRef,
    IssuesView,
    SummaryUsage,
    WouldBe,
    render_summary,
)


def big_report(n_patterns: int = 5_000, n_repos: int = 2_000, n_failures: int = 3_000) -> ScanReport:
    repos = tuple(RepoInfo(f"acme/service-with-a-long-name-{i:05d}") for i in range(n_repos))
    patterns = tuple(
        Pattern(id=f"code-{i:012x}", pattern_type="code", kind="function", language="python",
                title=f"Python function `fetch_json_with_retries_and_backoff_{i}` " + "x" * 200,
                similarity=0.9, confidence="High", score=1000.0 - i / 10, lines=40,
                occurrences=tuple(Occurrence(repos[(i + j) % n_repos].name, f"src/pkg/module_{j}.py", 1, 40)
                                  for j in range(50)))
        for i in range(n_patterns))
    failures = tuple(RepoFailure(f"acme/broken-{i:05d}", "GitHub answered 500 " + "y" * 300) for i in range(n_failures))
    return ScanReport(patterns=patterns, repositories=repos, failures=failures)


def test_a_huge_run_summary_fits_in_one_mebibyte() -> None:
    report = big_report()
    body = "## A recommendation\n\n" + "z" * 65_000 + "\n"
    view = IssuesView(dry_run=True, refs={p.id: [IssueRef("acme/hub", i + 1, f"https://github.com/acme/hub/issues/{i + 1}")]
                                          for i, p in enumerate(report.patterns)},
                      would_be=[WouldBe("create", "acme/hub", f"Extract pattern {i}", body) for i in range(40)])
    warnings = [f"warning {i}: " + "w" * 500 for i in range(500)]
    text = render_summary(report, issues=view, warnings=warnings, usage=SummaryUsage(), public=False)
    assert len(text.encode("utf-8")) < SUMMARY_LIMIT - 64 * 1024  # room for the steps before it
    assert "… and 4900 more." in text and "… and 2900 more (every one is in the report)" in text
    assert "… and 450 more (see the report)" in text
    shown = WOULD_BE_BYTES // len(body.encode())
    assert text.count("<details>") == 20 and text.count("z" * 65_000) == shown == 10  # bodies while they fit
    assert "the job summary is limited to 1 MiB" in text
