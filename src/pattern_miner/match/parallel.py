"""Forked worker processes that share matching work; the shared state is handed over once, by fork.

``Workers(state, jobs)`` forks ``jobs`` processes (where the platform can fork; otherwise, or with one
job, everything runs in this process) and ``map(task, items)`` runs ``task(state, item)`` for each item.

The state (the files, fragments and tables of one matching run: hundreds of megabytes) is never pickled:
it is the argument of the pool's initializer, which a forked worker inherits with the rest of its memory,
and the initializer keeps it in ``_STATE``, this module's one global, for the tasks. A task gets the state
as its first argument and never looks for it; only its items and results cross between processes.
Workers die with the process that forked them (``workers.die_with_parent``).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Generic, TypeVar

from pattern_miner.workers import die_with_parent

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

_STATE: Any = None  # in a worker process: the state its pool was made with (set by `_init`)


def _init(state: object, parent: int) -> None:
    global _STATE
    _STATE = state
    die_with_parent(parent)


def _call(job: tuple[Callable[[Any, T], R], T]) -> R:
    task, item = job
    return task(_STATE, item)


class Workers(Generic[S]):
    """``jobs`` forked processes sharing ``state``, or this process alone."""

    def __init__(self, state: S, jobs: int) -> None:
        self.state = state
        forked = jobs > 1 and "fork" in multiprocessing.get_all_start_methods()
        self._pool: multiprocessing.pool.Pool | None = multiprocessing.get_context("fork").Pool(
            jobs, initializer=_init, initargs=(state, os.getpid())) if forked else None
        self.size = jobs if forked else 1  # processes sharing the work

    def map(self, task: Callable[[S, T], R], items: Sequence[T]) -> list[R]:
        """``task(state, item)`` of every item, in order (``task`` a module-level function: it is pickled
        by name)."""
        if self._pool is None:
            return [task(self.state, item) for item in items]
        return self._pool.map(_call, [(task, item) for item in items])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def __enter__(self) -> Workers[S]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
