"""One history record per pattern or opportunity, and how a run's sighting of it is compared and written.

The same rules serve both histories (``PATTERNS``: the clone groups; ``OPPORTUNITIES``: what is published),
each in its own pair of tables. An opportunity seen for the first time under its id whose components were
known (``parts``: a per-pattern history migrated from schema 1, or an opportunity whose id changed)
continues their history: its first-seen date is the earliest of theirs, its previous copies are theirs,
and their rows are marked ``merged`` so they are neither reported again nor resolved.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pattern_miner.model import Pattern

Status = Literal["new", "grown", "shrunk", "changed", "unchanged", "resolved"]


@dataclass(frozen=True)
class Tables:
    rows: str  # one row per pattern (or opportunity) as last seen
    sightings: str  # one row per run and pattern (or opportunity)
    parts: bool  # the rows name their components (opportunities)


PATTERNS = Tables("patterns", "sightings", parts=False)
OPPORTUNITIES = Tables("opportunities", "opportunity_sightings", parts=True)


@dataclass(frozen=True)
class PatternHistory:
    pattern_id: str  # the pattern's id, or the opportunity's
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


def occurrence_keys(pattern: Pattern) -> tuple[str, ...]:
    return tuple(sorted({f"{o.repo}:{o.path}" for o in pattern.occurrences}))


def _compare(pattern: Pattern, keys: tuple[str, ...], prev_repos: list[str], prev_keys: list[str],
             prev_hash: str) -> Status:
    now = (len(pattern.repos), len(keys))
    before = (len(prev_repos), len(prev_keys))
    if now > before:
        return "grown"
    if now < before:
        return "shrunk"
    if set(keys) != set(prev_keys) or (pattern.content_hash or "") != (prev_hash or ""):
        return "changed"
    return "unchanged"


def lost_to_failure(row: sqlite3.Row, pattern: Pattern, failed: set[str]) -> bool:
    """Whether the pattern lacks copies only because a repository it was in could not be read."""
    if row["repos"] is None or row["state"] != "active":
        return False
    return bool((set(json.loads(row["repos"])) & failed) - set(pattern.repos))


def as_before(row: sqlite3.Row) -> PatternHistory:
    repos = json.loads(row["repos"])
    return PatternHistory(row["pattern_id"], "unchanged", row["first_seen"], row["last_seen"] or row["first_seen"],
                          row["runs_seen"], (), (), len(repos), len(repos), row["title"], row["pattern_type"])


def predecessors(rows: dict[str, sqlite3.Row], parts: tuple[str, ...]) -> list[sqlite3.Row]:
    """The active rows an opportunity new under its id continues: those that share a component with it."""
    wanted = set(parts)
    out = []
    for row in rows.values():
        if row["state"] != "active" or row["occurrences"] is None:
            continue
        if wanted & set(json.loads(row["parts"] or "[]") or [row["pattern_id"]]):
            out.append(row)
    return sorted(out, key=lambda r: (r["first_seen"], r["pattern_id"]))


def sighting(conn: sqlite3.Connection, t: Tables, seq: int | None, day: str, p: Pattern,
             row: sqlite3.Row | None, parts: tuple[str, ...] = (), before: list[sqlite3.Row] | None = None,
             data: dict[str, Any] | None = None) -> PatternHistory:
    """Write one sighting of ``p``; ``before``: the rows it continues when ``row`` is None (see above)."""
    keys = occurrence_keys(p)
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    prev_count = len(p.repos)
    status: Status
    first_seen, runs_seen = day, 1
    if row is None and before:
        prev_keys = sorted({k for r in before for k in json.loads(r["occurrences"])})
        prev_repos = sorted({x for r in before for x in json.loads(r["repos"])})
        added = tuple(k for k in keys if k not in prev_keys)
        removed = tuple(k for k in prev_keys if k not in keys)
        prev_count = len(prev_repos)
        status = _compare(p, keys, prev_repos, prev_keys, before[0]["content_hash"] if len(before) == 1 else "")
        first_seen, runs_seen = before[0]["first_seen"], max(r["runs_seen"] for r in before) + 1
        conn.executemany(f"UPDATE {t.rows} SET state = 'merged' WHERE pattern_id = ?",
                         [(r["pattern_id"],) for r in before])
    elif row is None or row["state"] != "active":
        status, added, prev_count = "new", keys, 0
        if row is not None:
            first_seen, runs_seen = row["first_seen"], row["runs_seen"] + 1
    elif row["occurrences"] is None:  # seeded from an issue: its past occurrences are unknown
        status, first_seen, runs_seen = "unchanged", row["first_seen"], row["runs_seen"] + 1
    else:
        prev_keys = json.loads(row["occurrences"])
        added = tuple(k for k in keys if k not in prev_keys)
        removed = tuple(k for k in prev_keys if k not in keys)
        prev_count = len(json.loads(row["repos"]))
        status = _compare(p, keys, json.loads(row["repos"]), prev_keys, row["content_hash"])
        first_seen, runs_seen = row["first_seen"], row["runs_seen"] + 1
    values = [p.id, p.pattern_type, p.title, first_seen, day, runs_seen, status, json.dumps(list(p.repos)),
              json.dumps(list(keys)), p.content_hash, json.dumps(data if data is not None else p.to_dict())]
    columns = ("pattern_id, pattern_type, title, first_seen, last_seen, runs_seen, state, last_status, resolved_on,"
               " repos, occurrences, content_hash, data")
    marks = "?, ?, ?, ?, ?, ?, 'active', ?, NULL, ?, ?, ?, ?"
    if t.parts:
        columns, marks = columns + ", parts", marks + ", ?"
        values.append(json.dumps(list(parts)))
    conn.execute(f"INSERT OR REPLACE INTO {t.rows} ({columns}) VALUES ({marks})", values)
    conn.execute(f"INSERT INTO {t.sightings} VALUES (?, ?, ?, ?, ?)",
                 (seq, p.id, status, len(p.repos), json.dumps(list(keys))))
    return PatternHistory(p.id, status, first_seen, day, runs_seen, added, removed, prev_count, len(p.repos),
                          p.title, p.pattern_type)


def resolve(conn: sqlite3.Connection, t: Tables, seq: int | None, day: str, row: sqlite3.Row) -> PatternHistory:
    prev_keys = tuple(json.loads(row["occurrences"])) if row["occurrences"] is not None else ()
    prev_count = len(json.loads(row["repos"])) if row["repos"] is not None else 0
    conn.execute(f"UPDATE {t.rows} SET state = 'resolved', last_status = 'resolved', resolved_on = ? "
                 "WHERE pattern_id = ?", (day, row["pattern_id"]))
    conn.execute(f"INSERT INTO {t.sightings} VALUES (?, ?, 'resolved', 0, '[]')", (seq, row["pattern_id"]))
    return PatternHistory(row["pattern_id"], "resolved", row["first_seen"], row["last_seen"] or row["first_seen"],
                          row["runs_seen"], (), prev_keys, prev_count, 0, row["title"], row["pattern_type"])
