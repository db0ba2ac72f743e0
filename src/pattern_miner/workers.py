"""Worker processes die with the process that started them, even when it is killed (``kill -9``).

``die_with_parent`` runs in the initializer of every process pool (parsing in ``engine``, matching in
``match.parallel``). Both pools fork, so a worker's parent is the process that made the pool. On Linux the
kernel sends the worker SIGKILL when that parent ends (``prctl(PR_SET_PDEATHSIG)``; strictly, when the
thread that forked it ends: pools are made and shut down by one thread, which outlives them). Elsewhere a
daemon thread polls the parent's pid.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
POLL_SECONDS = 0.5  # without prctl: how often a worker looks whether its parent is still there


def die_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` (the pid that forked it) has ended."""
    if not _kernel_kills_orphans():
        threading.Thread(target=_watch, args=(parent,), name="die-with-parent", daemon=True).start()
    if os.getppid() != parent:  # it ended before we asked: an orphan is adopted at once, and nobody tells it
        os._exit(1)


def _kernel_kills_orphans() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)
