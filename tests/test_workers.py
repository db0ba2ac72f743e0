"""Worker processes die with the process that started them, even when it is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes through /proc")


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")  # a zombie has ended; only its record is left


@contextmanager
def _started(code: str, *args: str, cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _kill_and_watch(proc: subprocess.Popen[bytes], workers: int) -> set[int]:
    """Wait until ``proc`` runs ``workers`` children, kill -9 it, and return those still alive after a
    few seconds (killing them, so that a failure leaves nothing behind)."""
    children: set[int] = set()
    for _ in range(600):  # the pool starts once the first files are read
        children = _children(proc.pid)
        if len(children) >= workers or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert len(children) >= workers and proc.poll() is None, "the workers never started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(100):
        if not any(_alive(c) for c in children):
            break
        time.sleep(0.05)
    left = {c for c in children if _alive(c)}
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def test_parse_workers_die_with_a_killed_scan(tmp_path: Path) -> None:
    body = "".join(f"def f{k}(x, y):\n    z = x * {k} + y\n    if z > {k}:\n        return [z, x, y]\n    return None\n\n"
                   for k in range(60))
    for repo in ("a", "b"):
        for i in range(600):  # ~10 MB: long enough to be busy for a while
            path = tmp_path / repo / f"pkg{i % 10}" / f"m{i}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# {repo} {i}\n" + body)
    scan = "import sys; from pattern_miner.main import main; sys.exit(main(sys.argv[1:]))"
    with _started(scan, "scan", "-q", "--jobs", "2", "a", "b", cwd=tmp_path) as proc:
        assert _kill_and_watch(proc, 2) == set()


def test_matching_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    busy = (
        "import time\n"
        "from pattern_miner.match import pairs\n"
        "def busy(finder, task):\n"
        "    time.sleep(600)\n"
        "pairs.PARALLEL_MIN = 0\n"
        "pairs._prepare = busy\n"
        "pairs.PairFinder([], []).find(jobs=2)\n"
    )
    with _started(busy, cwd=tmp_path) as proc:
        assert _kill_and_watch(proc, 2) == set()


def test_without_prctl_a_watchdog_thread_ends_the_orphan(tmp_path: Path) -> None:
    """Where the kernel cannot be asked (not Linux), each worker polls its parent's pid."""
    pool = (
        "import os, time, multiprocessing\n"
        "from pattern_miner import workers\n"
        "workers._kernel_kills_orphans = lambda: False\n"
        "def busy(task):\n"
        "    time.sleep(600)\n"
        "with multiprocessing.get_context('fork').Pool(2, workers.die_with_parent, (os.getpid(),)) as pool:\n"
        "    pool.map(busy, [1, 2])\n"
    )
    with _started(pool, cwd=tmp_path) as proc:
        assert _kill_and_watch(proc, 2) == set()
