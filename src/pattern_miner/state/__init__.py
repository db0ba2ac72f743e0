"""Pattern Miner's memory between runs: the history of every pattern, in one SQLite file in the cache.

    db      the file, opened safely (a damaged one is moved aside and started afresh)
    store   the history: runs, patterns, sightings, statuses (new, grown, shrunk, changed, resolved)
"""

from __future__ import annotations

from pattern_miner.state.db import STATE_FILE, StateError
from pattern_miner.state.store import (
    PatternHistory,
    StateStore,
    Status,
    default_state_path,
    occurrence_keys,
    preview_history,
    record,
)

__all__ = ["STATE_FILE", "PatternHistory", "StateError", "StateStore", "Status", "default_state_path",
           "occurrence_keys", "preview_history", "record"]
