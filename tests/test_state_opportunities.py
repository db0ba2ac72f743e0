"""The history per opportunity: new, grown, shrunk, resolved; and the migration from schema 1 (one history per
pattern), tested on a database written as the per-pattern version wrote it."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from pattern_miner.model import Opportunity, Pattern
from pattern_miner.publish.units import as_pattern
from pattern_miner.state import STATE_FILE, PatternHistory, StateStore
from pattern_miner.state.db import SCHEMA_VERSION
from pattern_miner.state.store import Seen
from tests.test_state import REPOS, pattern, report

DAY1 = datetime(2026, 1, 5, 9, 0)

# the per-pattern version's schema (1), as it wrote its state file
V1_SCHEMA = """
CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
    pattern_type TEXT, partial INTEGER NOT NULL, repositories INTEGER NOT NULL,
    patterns INTEGER NOT NULL, opportunities INTEGER NOT NULL, changes TEXT NOT NULL);
CREATE TABLE patterns (
    pattern_id TEXT PRIMARY KEY, pattern_type TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL, last_seen TEXT, runs_seen INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL, last_status TEXT, resolved_on TEXT,
    repos TEXT, occurrences TEXT, content_hash TEXT, data TEXT);
CREATE TABLE sightings (
    run_seq INTEGER NOT NULL, pattern_id TEXT NOT NULL, status TEXT NOT NULL,
    repo_count INTEGER NOT NULL, occurrences TEXT NOT NULL, PRIMARY KEY (run_seq, pattern_id));
CREATE TABLE reports (run_id TEXT PRIMARY KEY, saved_at TEXT NOT NULL, data TEXT NOT NULL);
PRAGMA user_version = 1;
"""


def old_state(path: Path, patterns: list[tuple[Pattern, str, int]]) -> None:
    """A state file of schema 1 holding ``patterns`` (pattern, first seen, runs seen), each seen last run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.execute("INSERT INTO runs VALUES (1, 'old', '2025-12-29T09:00:00', NULL, 0, 4, ?, ?, '{}')",
                 (len(patterns), len(patterns)))
    for p, first_seen, runs in patterns:
        keys = sorted({f"{o.repo}:{o.path}" for o in p.occurrences})
        conn.execute("INSERT INTO patterns VALUES (?, ?, ?, ?, '2025-12-29', ?, 'active', 'unchanged', NULL,"
                     " ?, ?, ?, ?)", (p.id, p.pattern_type, p.title, first_seen, runs, json.dumps(list(p.repos)),
                                      json.dumps(keys), p.content_hash, json.dumps(p.to_dict())))
        conn.execute("INSERT INTO sightings VALUES (1, ?, 'unchanged', ?, ?)",
                     (p.id, len(p.repos), json.dumps(keys)))
    conn.commit()
    conn.close()


def library(oid: str, patterns: tuple[Pattern, ...]) -> Opportunity:
    repos = tuple(sorted({r for p in patterns for r in p.repos}))
    return Opportunity(oid, "library", "deployment", f"library {oid}", repos, patterns, (), 5.0, "High", rank=1,
                       content_hash="|".join(p.content_hash for p in patterns))


def seen(*opps: Opportunity) -> list[Seen]:
    return [(as_pattern(o), tuple(p.id for p in o.patterns), o.to_dict()) for o in opps]


def record(store: StateStore, patterns: list[Pattern], opps: list[Opportunity], run: str,
           when: datetime) -> dict[str, PatternHistory]:
    out: dict[str, PatternHistory] = {}
    store.record_run(report(patterns, REPOS), run_id=run, when=when, opportunities=seen(*opps), into=out)
    return out


P1 = pattern("p1", [("o/a", "deploy.sh"), ("o/b", "deploy.sh")])
P2 = pattern("p2", [("o/a", "lib/gcloud.sh"), ("o/b", "lib/gcloud.sh")], content="h2")
P3 = pattern("p3", [("o/c", "Dockerfile"), ("o/d", "Dockerfile")], ptype="docker", content="h3")


def test_a_per_pattern_history_is_migrated_and_continued_by_the_opportunities(tmp_path: Path) -> None:
    path = tmp_path / "cache" / STATE_FILE
    old_state(path, [(P1, "2025-11-03", 8), (P2, "2025-12-01", 4), (P3, "2025-10-06", 12)])
    store = StateStore(path)
    lib = library("library-7f", (P1, P2))
    single = Opportunity("p3", "single", "container", P3.title, P3.repos, (P3,), P3.occurrences, 1.0, "High",
                         rank=2, content_hash=P3.content_hash)
    history = record(store, [P1, P2, P3], [lib, single], "r1", DAY1)

    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    conn.close()
    # the library continues its components' history: not new, first seen when the oldest was
    assert history["library-7f"].status != "new"
    assert (history["library-7f"].first_seen, history["library-7f"].runs_seen) == ("2025-11-03", 9)
    assert history["library-7f"].previous_repo_count == 2 and history["library-7f"].added == ()
    # the single keeps its pattern's id and its history, unchanged
    assert (history["p3"].status, history["p3"].first_seen, history["p3"].runs_seen) == ("unchanged",
                                                                                          "2025-10-06", 13)
    assert set(history) == {"library-7f", "p3"}  # the merged components are neither reported nor resolved
    listed = store.opportunities()
    assert [o["id"] for o in listed] == ["library-7f", "p3"]  # ranked
    assert listed[0]["parts"] == ["p1", "p2"] and listed[0]["kind"] == "library"
    # the per-pattern history goes on as before
    assert [s["status"] for s in store.history("p1")] == ["unchanged", "unchanged"]
    assert {p["id"] for p in store.patterns()} == {"p1", "p2", "p3"}


def test_an_opportunity_grows_shrinks_and_is_resolved(tmp_path: Path) -> None:
    store = StateStore(tmp_path / STATE_FILE)
    lib = library("library-1", (P1, P2))
    assert record(store, [P1, P2], [lib], "r1", DAY1)["library-1"].status == "new"
    p1_wide = pattern("p1", [("o/a", "deploy.sh"), ("o/b", "deploy.sh"), ("o/c", "deploy.sh")])
    grown = record(store, [p1_wide, P2], [library("library-1", (p1_wide, P2))], "r2", DAY1 + timedelta(days=7))
    assert grown["library-1"].status == "grown" and grown["library-1"].added == ("o/c:deploy.sh",)
    shrunk = record(store, [P1], [library("library-1", (P1,))], "r3", DAY1 + timedelta(days=14))
    assert shrunk["library-1"].status == "shrunk"
    gone = record(store, [], [], "r4", DAY1 + timedelta(days=21))
    assert gone["library-1"].status == "resolved" and store.opportunities() == []
    assert store.runs(1)[0]["extraction_opportunities"] == 0
