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
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pattern_miner.cachefs import ensure_dir, move_aside
from pattern_miner.console import Console
from pattern_miner.errors import PatternMinerError
from pattern_miner.model import Pattern, ScanReport

STATE_FILE = "state.sqlite3"
SCHEMA_VERSION = 1
KEEP_REPORTS = 20  # full reports kept for the service; older ones are pruned (history rows are kept)

Status = Literal["new", "grown", "shrunk", "changed", "unchanged", "resolved"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
    pattern_type TEXT, partial INTEGER NOT NULL, repositories INTEGER NOT NULL,
    patterns INTEGER NOT NULL, opportunities INTEGER NOT NULL, changes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS patterns (
    pattern_id TEXT PRIMARY KEY, pattern_type TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL, last_seen TEXT, runs_seen INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL, last_status TEXT, resolved_on TEXT,
    repos TEXT, occurrences TEXT, content_hash TEXT, data TEXT);
CREATE TABLE IF NOT EXISTS sightings (
    run_seq INTEGER NOT NULL, pattern_id TEXT NOT NULL, status TEXT NOT NULL,
    repo_count INTEGER NOT NULL, occurrences TEXT NOT NULL, PRIMARY KEY (run_seq, pattern_id));
CREATE TABLE IF NOT EXISTS reports (run_id TEXT PRIMARY KEY, saved_at TEXT NOT NULL, data TEXT NOT NULL);
"""


class StateError(PatternMinerError):
    """The state file cannot be used (newer schema, duplicate run id, unwritable)."""


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


class StateStore:
    def __init__(self, path: Path, *, console: Console | None = None) -> None:
        self.path = Path(path)
        self.console = console
        self._ready = False

    # -- connection ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            ensure_dir(self.path.parent, self.console)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open state file {self.path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        return conn

    def _open(self) -> sqlite3.Connection:
        """A connection to a usable store: on first use, a store that is not one (garbage, truncated, a
        directory in its place) is moved aside with one warning and started afresh; its history then
        comes back from the issues' markers (``seed``)."""
        if not self._ready and self.path.is_dir() and not self.path.is_symlink():
            self._move_aside("is a directory")
        conn = self._connect()
        if not self._ready:
            try:
                self._prepare(conn)
            except sqlite3.DatabaseError as exc:
                conn.close()
                self._move_aside(f"was unreadable ({exc})")
                conn = self._connect()
                try:
                    self._prepare(conn)
                except sqlite3.DatabaseError as again:
                    conn.close()
                    raise StateError(f"cannot use state file {self.path}: {again}") from None
            self._ready = True
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(
                f"state file {self.path} has schema {version}; this pattern-miner reads up to {SCHEMA_VERSION}"
            )
        problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(f"database disk image is malformed: {problems[0]}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _move_aside(self, why: str) -> None:
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        move_aside(self.path, f"{why}: the history starts afresh", self.console)

    def copy_to(self, path: Path) -> None:
        """A consistent copy of the store (recovered first if it had to be) in ``path``; nothing when
        there is no store yet (the copy starts empty)."""
        if not self.path.exists() and not self.path.is_symlink():
            return
        src = self._open()
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        except sqlite3.Error as exc:
            raise StateError(f"state file {self.path}: {exc}") from None
        finally:
            src.close()
            dst.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._open()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StateError(f"state file {self.path}: {exc}") from None
        finally:
            conn.close()

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        conn = self._open()
        try:
            return conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise StateError(f"state file {self.path}: {exc}") from None
        finally:
            conn.close()

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
                    len(report.opportunities),
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
