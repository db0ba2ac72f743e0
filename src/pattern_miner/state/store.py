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
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pattern_miner.model import Pattern, ScanReport
from pattern_miner.state.db import KEEP_REPORTS, STATE_FILE, Database

Status = Literal["new", "grown", "shrunk", "changed", "unchanged", "resolved"]


@dataclass(frozen=True)
class PatternHistory:
    pattern_id: str
    status: Status
    first_seen: str  # ISO date
    last_seen: str  # ISO date
    runs_seen: int
    added: tuple[str, ...]  # "repo:path" of occurrences new since the last run
    removed: tuple[str, ...]  # "repo:path" of occurrences gone since the last run
    previous_repo_count: int
    repo_count: int
    title: str
    pattern_type: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["added"], out["removed"] = list(self.added), list(self.removed)
        return out


def default_state_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / STATE_FILE


def occurrence_keys(pattern: Pattern) -> tuple[str, ...]:
    return tuple(sorted({f"{o.repo}:{o.path}" for o in pattern.occurrences}))


def _compare(pattern: Pattern, keys: tuple[str, ...], row: sqlite3.Row) -> Status:
    prev_keys = json.loads(row["occurrences"])
    now = (len(pattern.repos), len(keys))
    before = (len(json.loads(row["repos"])), len(prev_keys))
    if now > before:
        return "grown"
    if now < before:
        return "shrunk"
    if set(keys) != set(prev_keys) or (pattern.content_hash or "") != (row["content_hash"] or ""):
        return "changed"
    return "unchanged"


def _unused_run_id(conn: sqlite3.Connection, run_id: str) -> str:
    """``run_id``, or ``run_id-2``, ``-3``... when it is recorded already (a run that ran twice)."""
    candidate, n = run_id, 1
    while conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (candidate,)).fetchone():
        n += 1
        candidate = f"{run_id}-{n}"
    return candidate


def _lost_to_failure(row: sqlite3.Row, pattern: Pattern, failed: set[str]) -> bool:
    """Whether the pattern lacks copies only because a repository it was in could not be read."""
    if row["repos"] is None or row["state"] != "active":
        return False
    return bool((set(json.loads(row["repos"])) & failed) - set(pattern.repos))


def _as_before(row: sqlite3.Row) -> PatternHistory:
    repos = json.loads(row["repos"])
    return PatternHistory(row["pattern_id"], "unchanged", row["first_seen"], row["last_seen"] or row["first_seen"],
                          row["runs_seen"], (), (), len(repos), len(repos), row["title"], row["pattern_type"])


class StateStore(Database):
    """The history: runs, patterns as last seen, sightings, and the last reports (for the service)."""

    # -- public API ---------------------------------------------------------------------------
    def is_empty(self) -> bool:
        rows = self._query("SELECT (SELECT COUNT(*) FROM runs) + (SELECT COUNT(*) FROM patterns)")
        return int(rows[0][0]) == 0

    def seed(self, entries: Iterable[tuple[str, str, str]]) -> int:
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
                    "INSERT OR IGNORE INTO patterns (pattern_id, pattern_type, first_seen, state) "
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
    ) -> dict[str, PatternHistory]:
        """Record one run; returns the history of every pattern in it plus every pattern it resolved.

        A known pattern absent from this run is "resolved" only when the run covered it: its type was
        scanned (``pattern_type`` is the run's type filter) and every repository it was last seen in was
        scanned without failure. A pattern only known from ``seed`` (repositories unknown) is resolved only
        by a run that scanned all repositories (``partial`` False) with no failures.
        """
        day = when.date().isoformat()
        scanned = {r.name for r in report.repositories} - {f.repo for f in report.failures}
        out: dict[str, PatternHistory] = {}
        with self._tx() as conn:
            run_id = _unused_run_id(conn, run_id)
            seq = conn.execute(
                "INSERT INTO runs (run_id, at, pattern_type, partial, repositories, patterns, opportunities,"
                " changes) VALUES (?, ?, ?, ?, ?, ?, ?, '{}')",
                (
                    run_id,
                    when.isoformat(),
                    pattern_type,
                    int(partial),
                    len(report.repositories),
                    len(report.patterns),
                    len(report.actionable),
                ),
            ).lastrowid
            rows = {r["pattern_id"]: r for r in conn.execute("SELECT * FROM patterns")}
            failed = {f.repo for f in report.failures}
            for p in report.patterns:
                row = rows.get(p.id)
                if row is not None and _lost_to_failure(row, p, failed):
                    out[p.id] = _as_before(row)  # unknown, not shrunk: its row stays as it was
                    continue
                out[p.id] = self._sighting(conn, seq, day, p, row)
            for pid, row in rows.items():
                if pid in out or row["state"] != "active":
                    continue
                if pattern_type is not None and row["pattern_type"] != pattern_type:
                    continue
                repos = json.loads(row["repos"]) if row["repos"] is not None else None
                covered = set(repos) <= scanned if repos is not None else not partial and not report.failures
                if covered:
                    out[pid] = self._resolve(conn, seq, day, row)
            changes: dict[str, int] = {}
            for h in out.values():
                changes[h.status] = changes.get(h.status, 0) + 1
            conn.execute(
                "UPDATE runs SET changes = ? WHERE seq = ?", (json.dumps(changes, sort_keys=True), seq)
            )
        return out

    def _sighting(
        self, conn: sqlite3.Connection, seq: int | None, day: str, p: Pattern, row: sqlite3.Row | None
    ) -> PatternHistory:
        keys = occurrence_keys(p)
        added: tuple[str, ...] = ()
        removed: tuple[str, ...] = ()
        prev_count = len(p.repos)
        status: Status
        if row is None or row["state"] == "resolved":
            status, added, prev_count = "new", keys, 0
        elif row["occurrences"] is None:  # seeded from an issue: its past occurrences are unknown
            status = "unchanged"
        else:
            prev_keys = json.loads(row["occurrences"])
            added = tuple(k for k in keys if k not in prev_keys)
            removed = tuple(k for k in prev_keys if k not in keys)
            prev_count = len(json.loads(row["repos"]))
            status = _compare(p, keys, row)
        first_seen = row["first_seen"] if row is not None else day
        runs_seen = (row["runs_seen"] if row is not None else 0) + 1
        conn.execute(
            "INSERT OR REPLACE INTO patterns (pattern_id, pattern_type, title, first_seen, last_seen, runs_seen,"
            " state, last_status, resolved_on, repos, occurrences, content_hash, data)"
            " VALUES (?, ?, ?, ?, ?, ?, 'active', ?, NULL, ?, ?, ?, ?)",
            (
                p.id,
                p.pattern_type,
                p.title,
                first_seen,
                day,
                runs_seen,
                status,
                json.dumps(list(p.repos)),
                json.dumps(list(keys)),
                p.content_hash,
                json.dumps(p.to_dict()),
            ),
        )
        conn.execute(
            "INSERT INTO sightings VALUES (?, ?, ?, ?, ?)",
            (seq, p.id, status, len(p.repos), json.dumps(list(keys))),
        )
        return PatternHistory(
            p.id,
            status,
            first_seen,
            day,
            runs_seen,
            added,
            removed,
            prev_count,
            len(p.repos),
            p.title,
            p.pattern_type,
        )

    def _resolve(
        self, conn: sqlite3.Connection, seq: int | None, day: str, row: sqlite3.Row
    ) -> PatternHistory:
        prev_keys = tuple(json.loads(row["occurrences"])) if row["occurrences"] is not None else ()
        prev_count = len(json.loads(row["repos"])) if row["repos"] is not None else 0
        conn.execute(
            "UPDATE patterns SET state = 'resolved', last_status = 'resolved', resolved_on = ? WHERE pattern_id = ?",
            (day, row["pattern_id"]),
        )
        conn.execute("INSERT INTO sightings VALUES (?, ?, 'resolved', 0, '[]')", (seq, row["pattern_id"]))
        return PatternHistory(
            row["pattern_id"],
            "resolved",
            row["first_seen"],
            row["last_seen"] or row["first_seen"],
            row["runs_seen"],
            (),
            prev_keys,
            prev_count,
            0,
            row["title"],
            row["pattern_type"],
        )

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
        out.sort(key=lambda d: (-float(d.get("score", 0)), d["id"]))
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


def preview_history(store: StateStore, report: ScanReport, *, run_id: str, when: datetime,
                    pattern_type: str | None, partial: bool,
                    seeds: Iterable[tuple[str, str, str]]) -> dict[str, PatternHistory]:
    """This run's history as ``record`` would write it, computed in a copy of the store: the store itself
    is written only when the run's effects are committed (never in a dry run)."""
    workdir = Path(tempfile.mkdtemp(prefix="pattern-miner-"))
    try:
        copy = workdir / STATE_FILE
        store.copy_to(copy)
        return record(StateStore(copy, console=store.console), report, run_id=run_id, when=when,
                      pattern_type=pattern_type, partial=partial, seeds=seeds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def record(store: StateStore, report: ScanReport, *, run_id: str, when: datetime, pattern_type: str | None,
           partial: bool, seeds: Iterable[tuple[str, str, str]]) -> dict[str, PatternHistory]:
    """Record one run; a store that lost its history is first seeded from the issues' markers."""
    seeds = list(seeds)
    if seeds and store.is_empty():
        store.seed(seeds)
    return store.record_run(report, run_id=run_id, when=when, pattern_type=pattern_type, partial=partial)
