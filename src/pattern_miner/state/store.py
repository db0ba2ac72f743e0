"""History of patterns across runs, in one embedded SQLite file (the cache directory's ``state.sqlite3``).

Each run records, for every pattern it found, the occurrences it saw ("repo:path" keys); comparing them
with the pattern's last known occurrences gives its status:

new        never seen before (or seen again after it was resolved)
grown      more repositories than last time (or as many repositories and more files)
shrunk     fewer repositories (or as many and fewer files)
changed    same counts, but a copy moved or any copy's normalized content changed
unchanged  nothing to report (also a pattern only known from ``seed``: its past is unknown)
resolved   known and active before, absent now, and the run covered it (see ``record_run``)

If the file is lost, ``seed`` restores what the bot's own issues remember (pattern id, first-seen date),
so the next run does not treat every pattern as new. A file that is not a database is moved aside.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pattern_miner.model import Pattern, ScanReport
from pattern_miner.state.db import KEEP_REPORTS, STATE_FILE, Database
from pattern_miner.state.history import (
    OPPORTUNITIES,
    PATTERNS,
    PatternHistory,
    Status,
    Tables,
    as_before,
    lost_to_failure,
    occurrence_keys,
    predecessors,
    resolve,
    sighting,
)

# an opportunity: seen as one Pattern (publish.units.as_pattern), its parts, and its JSON (Opportunity.to_dict)
Seen = tuple[Pattern, tuple[str, ...], dict[str, Any]]
__all__ = ["PatternHistory", "Seen", "StateStore", "Status", "default_state_path", "occurrence_keys",
           "preview_history", "record"]

def _unused_run_id(conn: sqlite3.Connection, run_id: str) -> str:
    """``run_id``, or ``run_id-2``, ``-3``... when it is recorded already (a run that ran twice)."""
    candidate, n = run_id, 1
    while conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (candidate,)).fetchone():
        n += 1
        candidate = f"{run_id}-{n}"
    return candidate


def default_state_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / STATE_FILE


class StateStore(Database):
    """The history: runs, patterns as last seen, sightings, and the last reports (for the service)."""

    # -- public API ---------------------------------------------------------------------------
    def is_empty(self) -> bool:
        rows = self._query("SELECT (SELECT COUNT(*) FROM runs) + (SELECT COUNT(*) FROM patterns)"
                           " + (SELECT COUNT(*) FROM opportunities)")
        return int(rows[0][0]) == 0

    def seed(self, entries: Iterable[tuple[str, str, str]], t: Tables = PATTERNS) -> int:
        """Restore (pattern_id, first_seen ISO date, pattern_type) entries; returns how many were new."""
        added = 0
        with self._tx() as conn:
            for pattern_id, first_seen, pattern_type in entries:
                try:
                    day = date.fromisoformat(str(first_seen)[:10]).isoformat()
                except ValueError:
                    continue
                if not pattern_id:
                    continue
                cur = conn.execute(
                    f"INSERT OR IGNORE INTO {t.rows} (pattern_id, pattern_type, first_seen, state) "
                    "VALUES (?, ?, ?, 'active')",
                    (pattern_id, pattern_type or "", day),
                )
                added += cur.rowcount
        return added

    def record_run(
        self,
        report: ScanReport,
        *,
        run_id: str,
        when: datetime,
        pattern_type: str | None = None,
        partial: bool = False,
        opportunities: Sequence[Seen] | None = None,
        into: dict[str, PatternHistory] | None = None,
    ) -> dict[str, PatternHistory]:
        """Record one run; returns the history of every pattern in it plus every pattern it resolved, and
        puts that of every opportunity (``opportunities``, each seen as one Pattern with its parts) ``into``.

        A known pattern absent from this run is "resolved" only when the run covered it: its type was
        scanned (``pattern_type`` is the run's type filter) and every repository it was last seen in was
        scanned without failure. A pattern only known from ``seed`` (repositories unknown) is resolved only
        by a run that scanned all repositories (``partial`` False) with no failures. Opportunities alike.
        """
        day = when.date().isoformat()
        counted = len(opportunities) if opportunities is not None else len(report.actionable)
        with self._tx() as conn:
            run_id = _unused_run_id(conn, run_id)
            seq = conn.execute(
                "INSERT INTO runs (run_id, at, pattern_type, partial, repositories, patterns, opportunities,"
                " changes) VALUES (?, ?, ?, ?, ?, ?, ?, '{}')",
                (run_id, when.isoformat(), pattern_type, int(partial), len(report.repositories),
                 len(report.patterns), counted),
            ).lastrowid
            found: list[Seen] = [(p, (), p.to_dict()) for p in report.patterns]
            out = _record(conn, PATTERNS, seq, day, found, report, pattern_type, partial)
            if opportunities is not None:
                opp_out = _record(conn, OPPORTUNITIES, seq, day, opportunities, report, pattern_type, partial)
                if into is not None:
                    into.update(opp_out)
            changes: dict[str, int] = {}
            for h in out.values():
                changes[h.status] = changes.get(h.status, 0) + 1
            conn.execute(
                "UPDATE runs SET changes = ? WHERE seq = ?", (json.dumps(changes, sort_keys=True), seq)
            )
        return out

    def opportunities(self) -> list[dict[str, Any]]:
        """Active opportunities as last seen (as the report has them, plus first_seen, last_seen, runs_seen,
        status), best first."""
        out = []
        for row in self._query("SELECT * FROM opportunities WHERE state = 'active' AND data IS NOT NULL"):
            data = json.loads(row["data"])
            data.update(parts=json.loads(row["parts"] or "[]"), first_seen=row["first_seen"],
                        last_seen=row["last_seen"], runs_seen=row["runs_seen"], status=row["last_status"])
            out.append(data)
        out.sort(key=lambda d: (int(d.get("rank") or 1 << 30), -float(d.get("value", d.get("score", 0))), d["id"]))
        return out

    def patterns(self, pattern_type: str | None = None) -> list[dict[str, Any]]:
        """Active patterns as last seen (Pattern.to_dict() plus first_seen, last_seen, runs_seen, status)."""
        sql = "SELECT * FROM patterns WHERE state = 'active' AND data IS NOT NULL"
        params: list[Any] = []
        if pattern_type is not None:
            sql += " AND pattern_type = ?"
            params.append(pattern_type)
        out = []
        for row in self._query(sql, params):
            data = json.loads(row["data"])
            data.update(
                first_seen=row["first_seen"],
                last_seen=row["last_seen"],
                runs_seen=row["runs_seen"],
                status=row["last_status"],
            )
            out.append(data)
        out.sort(key=lambda d: (-float(d.get("score", d.get("value", 0))), d["id"]))
        return out

    def pattern_types(self) -> set[str]:
        return {r[0] for r in self._query("SELECT DISTINCT pattern_type FROM patterns") if r[0]}

    def history(self, pattern_id: str) -> list[dict[str, Any]]:
        """One pattern's sightings, oldest first: run_id, at, status, repo_count, occurrences."""
        rows = self._query(
            "SELECT r.run_id, r.at, s.status, s.repo_count, s.occurrences FROM sightings s"
            " JOIN runs r ON r.seq = s.run_seq WHERE s.pattern_id = ? ORDER BY r.seq",
            (pattern_id,),
        )
        return [{**dict(r), "occurrences": json.loads(r["occurrences"])} for r in rows]

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._query("SELECT * FROM runs ORDER BY seq DESC LIMIT ?", (max(0, limit),))
        return [self._run_dict(r) for r in rows]

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        return self._run_dict(rows[0]) if rows else None

    @staticmethod
    def _run_dict(row: sqlite3.Row) -> dict[str, Any]:
        return {
            "run_id": row["run_id"],
            "at": row["at"],
            "pattern_type": row["pattern_type"],
            "partial": bool(row["partial"]),
            "repositories_scanned": row["repositories"],
            "patterns_found": row["patterns"],
            "extraction_opportunities": row["opportunities"],
            "changes": json.loads(row["changes"]),
        }

    def save_report(self, run_id: str, report_dict: dict[str, Any]) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO reports (run_id, saved_at, data) VALUES (?, ?, ?)",
                (run_id, datetime.now().astimezone().isoformat(), json.dumps(report_dict)),
            )
            conn.execute(
                "DELETE FROM reports WHERE run_id NOT IN"
                " (SELECT run_id FROM reports ORDER BY saved_at DESC, rowid DESC LIMIT ?)",
                (KEEP_REPORTS,),
            )

    def latest_report(self) -> dict[str, Any] | None:
        rows = self._query("SELECT data FROM reports ORDER BY saved_at DESC, rowid DESC LIMIT 1")
        return json.loads(rows[0]["data"]) if rows else None

    def report(self, run_id: str) -> dict[str, Any] | None:
        rows = self._query("SELECT data FROM reports WHERE run_id = ?", (run_id,))
        return json.loads(rows[0]["data"]) if rows else None


def _record(conn: sqlite3.Connection, t: Tables, seq: int | None, day: str, found: Sequence[Seen],
            report: ScanReport, pattern_type: str | None, partial: bool) -> dict[str, PatternHistory]:
    """Sightings of ``found`` in ``t``, then the known ones this run covered and did not find: resolved."""
    scanned = {r.name for r in report.repositories} - {f.repo for f in report.failures}
    failed = {f.repo for f in report.failures}
    rows = {r["pattern_id"]: r for r in conn.execute(f"SELECT * FROM {t.rows}")}
    out: dict[str, PatternHistory] = {}
    found_ids = {p.id for p, _, _ in found}
    for p, parts, data in found:
        row = rows.get(p.id)
        if row is not None and lost_to_failure(row, p, failed):
            out[p.id] = as_before(row)  # unknown, not shrunk: its row stays as it was
            continue
        before = (predecessors({k: r for k, r in rows.items() if k not in found_ids}, parts)
                  if row is None and parts else [])
        out[p.id] = sighting(conn, t, seq, day, p, row, parts, before, data)
        for r in before:
            del rows[r["pattern_id"]]  # merged into p: neither resolved nor continued by another
    for pid, row in rows.items():
        if pid in out or row["state"] != "active":
            continue
        if pattern_type is not None and row["pattern_type"] != pattern_type:
            continue
        repos = json.loads(row["repos"]) if row["repos"] is not None else None
        covered = set(repos) <= scanned if repos is not None else not partial and not report.failures
        if covered:
            out[pid] = resolve(conn, t, seq, day, row)
    return out


def preview_history(store: StateStore, report: ScanReport, *, run_id: str, when: datetime,
                    pattern_type: str | None, partial: bool, seeds: Iterable[tuple[str, str, str]],
                    opportunities: Sequence[Seen] | None = None,
                    into: dict[str, PatternHistory] | None = None,
                    opp_seeds: Iterable[tuple[str, str, str]] = ()) -> dict[str, PatternHistory]:
    """This run's history as ``record`` would write it, computed in a copy of the store: the store itself
    is written only when the run's effects are committed (never in a dry run)."""
    workdir = Path(tempfile.mkdtemp(prefix="pattern-miner-"))
    try:
        copy = workdir / STATE_FILE
        store.copy_to(copy)
        return record(StateStore(copy, console=store.console), report, run_id=run_id, when=when,
                      pattern_type=pattern_type, partial=partial, seeds=seeds, opportunities=opportunities,
                      into=into, opp_seeds=opp_seeds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def record(store: StateStore, report: ScanReport, *, run_id: str, when: datetime, pattern_type: str | None,
           partial: bool, seeds: Iterable[tuple[str, str, str]], opportunities: Sequence[Seen] | None = None,
           into: dict[str, PatternHistory] | None = None,
           opp_seeds: Iterable[tuple[str, str, str]] = ()) -> dict[str, PatternHistory]:
    """Record one run; a store that lost its history is first seeded from the issues' markers (``seeds``:
    their patterns, ``opp_seeds``: their opportunities)."""
    seeds, opp_seeds = list(seeds), list(opp_seeds)
    if (seeds or opp_seeds) and store.is_empty():
        store.seed(seeds)
        store.seed(opp_seeds, OPPORTUNITIES)
    return store.record_run(report, run_id=run_id, when=when, pattern_type=pattern_type, partial=partial,
                            opportunities=opportunities, into=into)
