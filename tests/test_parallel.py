"""Forked matching workers: the state reaches them by fork (never pickled), tasks get it as an argument."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable

import pytest

from pattern_miner.match.parallel import Workers

State = dict[str, Callable[[int], int]]


def _where(state: State, item: int) -> tuple[int, int]:
    return os.getpid(), state["double"](item)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_forked_workers_get_the_state_without_pickling_it() -> None:
    state: State = {"double": lambda x: 2 * x}  # a lambda cannot be pickled: the state never is
    with Workers(state, 2) as workers:
        assert workers.size == 2
        out = workers.map(_where, list(range(8)))
    assert [value for _, value in out] == [2 * x for x in range(8)]  # in order
    assert os.getpid() not in {pid for pid, _ in out}


def test_one_job_works_in_this_process() -> None:
    state: State = {"double": lambda x: 2 * x}
    with Workers(state, 1) as workers:
        assert workers.size == 1
        assert workers.map(_where, [1, 2]) == [(os.getpid(), 2), (os.getpid(), 4)]
