from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pattern_miner.console import Console
from pattern_miner.model import Occurrence, Pattern, RepoFailure, RepoInfo, ScanReport
from pattern_miner.state import STATE_FILE, StateError, StateStore, default_state_path

DAY1 = datetime(2025, 3, 3, 9, 0)


def pattern(
    pid: str,
    copies: list[tuple[str, str]],
    *,
    ptype: str = "deployment",
    content: str = "h1",
    confidence: str = "High",
    score: float = 1.0,
) -> Pattern:
    occ = tuple(Occurrence(repo=r, path=p, start_line=1, end_line=20) for r, p in copies)
    return Pattern(
        id=pid,
        pattern_type=ptype,
        kind="file",
        language="bash",
        title=f"{pid} title",
        similarity=0.9,
        confidence=confidence,
        score=score,
        lines=20,
        occurrences=occ,
        content_hash=content,
    )


def report(patterns: list[Pattern], repos: list[str], failures: tuple[RepoFailure, ...] = ()) -> ScanReport:
    return ScanReport(
        patterns=tuple(patterns), repositories=tuple(RepoInfo(name=r) for r in repos), failures=failures
    )


REPOS = ["o/a", "o/b", "o/c", "o/d"]
DEPLOY2 = [("o/a", "deploy.sh"), ("o/b", "deploy.sh")]
DEPLOY3 = DEPLOY2 + [("o/c", "scripts/deploy.sh")]


def test_three_runs_new_grown_shrunk_resolved(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "cache" / STATE_FILE)
    assert store.is_empty()

    h1 = store.record_run(
        report(
            [pattern("p1", DEPLOY2), pattern("p2", [("o/a", "Dockerfile"), ("o/d", "Dockerfile")])], REPOS
        ),
        run_id="r1",
        when=DAY1,
    )
    assert {k: v.status for k, v in h1.items()} == {"p1": "new", "p2": "new"}
    assert h1["p1"].added == ("o/a:deploy.sh", "o/b:deploy.sh")
    assert (
        h1["p1"].first_seen == "2025-03-03" and h1["p1"].runs_seen == 1 and h1["p1"].previous_repo_count == 0
    )
    assert not store.is_empty()

    # run 2: a copy is added to p1, p2 unchanged
    h2 = store.record_run(
        report(
            [pattern("p1", DEPLOY3), pattern("p2", [("o/a", "Dockerfile"), ("o/d", "Dockerfile")])], REPOS
        ),
        run_id="r2",
        when=DAY1 + timedelta(days=7),
    )
    assert h2["p1"].status == "grown"
    assert h2["p1"].added == ("o/c:scripts/deploy.sh",) and h2["p1"].removed == ()
    assert (h2["p1"].previous_repo_count, h2["p1"].repo_count) == (2, 3)
    assert (
        h2["p1"].first_seen == "2025-03-03" and h2["p1"].last_seen == "2025-03-10" and h2["p1"].runs_seen == 2
    )
    assert h2["p2"].status == "unchanged"

    # run 3: one copy of p1 removed, p2 gone entirely (extracted)
    h3 = store.record_run(
        report([pattern("p1", DEPLOY2)], REPOS), run_id="r3", when=DAY1 + timedelta(days=14)
    )
    assert h3["p1"].status == "shrunk" and h3["p1"].removed == ("o/c:scripts/deploy.sh",)
    assert h3["p2"].status == "resolved"
    assert h3["p2"].removed == ("o/a:Dockerfile", "o/d:Dockerfile")
    assert (h3["p2"].previous_repo_count, h3["p2"].repo_count) == (2, 0)
    assert h3["p2"].last_seen == "2025-03-10"

    # run 4: resolved patterns are not reported again; p1 unchanged
    h4 = store.record_run(
        report([pattern("p1", DEPLOY2)], REPOS), run_id="r4", when=DAY1 + timedelta(days=21)
    )
    assert {k: v.status for k, v in h4.items()} == {"p1": "unchanged"}

    runs = store.runs()
    assert [r["run_id"] for r in runs] == ["r4", "r3", "r2", "r1"]
    assert runs[1]["changes"] == {"resolved": 1, "shrunk": 1}
    assert runs[3]["patterns_found"] == 2 and runs[3]["repositories_scanned"] == 4
    assert store.get_run("r2")["changes"] == {"grown": 1, "unchanged": 1}
    assert store.get_run("nope") is None
    assert [s["status"] for s in store.history("p2")] == ["new", "unchanged", "resolved"]
    assert [p["id"] for p in store.patterns()] == ["p1"]


def test_changed_when_content_or_location_differs(tmp_path: Path) -> None:
    store = StateStore(tmp_path / STATE_FILE)
    store.record_run(report([pattern("p1", DEPLOY2)], REPOS), run_id="r1", when=DAY1)
    h = store.record_run(report([pattern("p1", DEPLOY2, content="h2")], REPOS), run_id="r2", when=DAY1)
    assert h["p1"].status == "changed" and h["p1"].added == ()
    moved = [("o/a", "deploy.sh"), ("o/b", "bin/deploy.sh")]
    h = store.record_run(report([pattern("p1", moved, content="h2")], REPOS), run_id="r3", when=DAY1)
    assert h["p1"].status == "changed"
    assert h["p1"].added == ("o/b:bin/deploy.sh",) and h["p1"].removed == ("o/b:deploy.sh",)


def test_resolved_pattern_that_reappears_is_new_again_but_keeps_first_seen(tmp_path: Path) -> None:
    store = StateStore(tmp_path / STATE_FILE)
    store.record_run(report([pattern("p1", DEPLOY2)], REPOS), run_id="r1", when=DAY1)
    assert (
        store.record_run(report([], REPOS), run_id="r2", when=DAY1 + timedelta(days=7))["p1"].status
        == "resolved"
    )
    h = store.record_run(report([pattern("p1", DEPLOY2)], REPOS), run_id="r3", when=DAY1 + timedelta(days=14))
    assert h["p1"].status == "new" and h["p1"].first_seen == "2025-03-03" and h["p1"].runs_seen == 2


def test_a_run_that_did_not_cover_a_pattern_does_not_resolve_it(tmp_path: Path) -> None:
    store = StateStore(tmp_path / STATE_FILE)
    store.record_run(
        report(
            [
                pattern("p1", DEPLOY2),
                pattern("d1", [("o/a", "Dockerfile"), ("o/d", "Dockerfile")], ptype="docker"),
            ],
            REPOS,
        ),
        run_id="r1",
        when=DAY1,
    )
    # a repository of p1 failed to scan, and the run was limited to "deployment": nothing is resolved
    failed = report([], REPOS, failures=(RepoFailure("o/b", "403 Forbidden"),))
    assert store.record_run(failed, run_id="r2", when=DAY1, pattern_type="deployment") == {}
    # a run over other repositories only
    assert store.record_run(report([], ["o/c"]), run_id="r3", when=DAY1) == {}
    assert {p["id"] for p in store.patterns()} == {"p1", "d1"}
    h = store.record_run(report([], REPOS), run_id="r4", when=DAY1, pattern_type="docker")
    assert set(h) == {"d1"} and h["d1"].status == "resolved"


def test_seeded_store_does_not_treat_known_patterns_as_new(tmp_path: Path) -> None:
    store = StateStore(tmp_path / STATE_FILE)
    assert (
        store.seed(
            [
                ("p1", "2024-12-02", "deployment"),
                ("p9", "2024-11-04T10:00:00Z", "docker"),
                ("bad", "not-a-date", "x"),
                ("", "2024-01-01", "x"),
            ]
        )
        == 2
    )
    assert store.seed([("p1", "2025-01-01", "deployment")]) == 0  # already there: first_seen kept
    assert not store.is_empty()
    assert store.patterns() == []  # seeded patterns have no data until seen
    # a partial run (repos filter) never resolves a seeded pattern whose repositories are unknown
    assert store.record_run(
        report([pattern("p1", DEPLOY2)], REPOS), run_id="r1", when=DAY1, partial=True
    ).keys() == {"p1"}
    h = store.record_run(report([pattern("p1", DEPLOY2)], REPOS), run_id="r2", when=DAY1)
    assert h["p1"].status == "unchanged" and h["p1"].first_seen == "2024-12-02"
    assert h["p9"].status == "resolved" and h["p9"].first_seen == "2024-11-04"


def test_history_round_trips_and_patterns_filter(tmp_path: Path) -> None:
    path = default_state_path(tmp_path / "c")
    store = StateStore(path)
    store.record_run(
        report(
            [
                pattern("p1", DEPLOY2, score=1.0),
                pattern("p3", DEPLOY3, score=5.0),
                pattern("d1", [("o/a", "Dockerfile"), ("o/d", "Dockerfile")], ptype="docker"),
            ],
            REPOS,
        ),
        run_id="r1",
        when=DAY1,
    )
    again = StateStore(path)  # a new process reads the same file
    assert [p["id"] for p in again.patterns()] == ["p3", "d1", "p1"]  # by score, then id
    deploy = again.patterns("deployment")
    assert [p["id"] for p in deploy] == ["p3", "p1"]
    assert deploy[0]["first_seen"] == "2025-03-03" and deploy[0]["status"] == "new"
    assert deploy[0]["repo_count"] == 3 and deploy[0]["similarity"] == 0.9
    assert again.patterns("terraform") == []
    assert again.pattern_types() == {"deployment", "docker"}
    again.record_run(report([], REPOS), run_id="r1", when=DAY1)  # a run id recorded already: kept apart
    assert [r["run_id"] for r in again.runs()][:2] == ["r1-2", "r1"]


def test_reports_saved_latest_first_and_pruned(tmp_path: Path) -> None:
    store = StateStore(tmp_path / STATE_FILE)
    assert store.latest_report() is None
    for i in range(25):
        store.save_report(f"r{i}", {"n": i})
    assert store.latest_report() == {"n": 24}
    assert store.report("r24") == {"n": 24}
    assert store.report("r0") is None  # pruned
    store.save_report("r3", {"n": 3, "again": True})
    assert store.latest_report() == {"n": 3, "again": True}


def test_corrupt_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    path.write_bytes(b"this is not sqlite" * 100)
    console = Console(quiet=True)
    store = StateStore(path, console=console)
    assert store.is_empty()
    assert any(p.name.startswith(f"{STATE_FILE}.corrupt-") for p in tmp_path.iterdir())
    assert "moved to" in console.warnings[0]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StateError, match="schema 99"):
        StateStore(path).is_empty()


def test_store_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    StateStore(path).is_empty()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
