"""The state file itself: one SQLite database in the cache directory, opened safely.

A file that is not a usable database (garbage, truncated, a directory in its place) is moved aside with
one warning on first use and started afresh (its history then comes back from the issues' markers).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pattern_miner.cachefs import ensure_dir, move_aside
from pattern_miner.console import Console
from pattern_miner.errors import PatternMinerError

STATE_FILE = "state.sqlite3"
SCHEMA_VERSION = 2  # 2: the history of opportunities (migrated from the history of patterns, see _migrate)
KEEP_REPORTS = 20  # full reports kept for the service; older ones are pruned (history rows are kept)

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
CREATE TABLE IF NOT EXISTS opportunities (
    pattern_id TEXT PRIMARY KEY, pattern_type TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL, last_seen TEXT, runs_seen INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL, last_status TEXT, resolved_on TEXT,
    repos TEXT, occurrences TEXT, content_hash TEXT, data TEXT, parts TEXT);
CREATE TABLE IF NOT EXISTS opportunity_sightings (
    run_seq INTEGER NOT NULL, pattern_id TEXT NOT NULL, status TEXT NOT NULL,
    repo_count INTEGER NOT NULL, occurrences TEXT NOT NULL, PRIMARY KEY (run_seq, pattern_id));
"""

# Schema 1 -> 2: the per-pattern version published one issue per pattern, so each pattern's history is the
# history of a one-pattern opportunity under the pattern's id. An opportunity that now holds the pattern
# continues it (``state.history.predecessors``): its first-seen date, its copies, its runs.
_MIGRATE_1_TO_2 = """
INSERT OR IGNORE INTO opportunities (pattern_id, pattern_type, title, first_seen, last_seen, runs_seen, state,
    last_status, resolved_on, repos, occurrences, content_hash, data, parts)
SELECT pattern_id, pattern_type, title, first_seen, last_seen, runs_seen, state, last_status, resolved_on,
    repos, occurrences, content_hash, data, json_array(pattern_id) FROM patterns;
INSERT OR IGNORE INTO opportunity_sightings SELECT * FROM sightings;
"""


class StateError(PatternMinerError):
    """The state file cannot be used (newer schema, duplicate run id, unwritable)."""


class Database:
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
        if version == 1:
            conn.executescript("BEGIN IMMEDIATE;" + _MIGRATE_1_TO_2 + f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
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
