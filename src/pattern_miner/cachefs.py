"""The cache directory's files: ours, persisted between runs by the Action, and never trusted.

Whatever stands where the cache expects a directory or a file of its own (garbage, a file where a
directory belongs, a directory where a file belongs) is moved aside as ``<name>.corrupt-<time>``, with one
warning, and rebuilt. A damaged cache costs requests or model calls, never a run.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from pattern_miner.console import Console


def move_aside(path: Path, why: str, console: Console | None = None) -> Path:
    """Rename ``path`` out of the way (beside it, so nothing is lost) and say so once."""
    aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
    n = 1
    while aside.exists() or aside.is_symlink():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}-{n}")
    path.replace(aside)
    if console is not None:
        console.warn(f"cache: {path} {why}; moved to {aside.name} and rebuilt")
    return aside


def ensure_dir(path: Path, console: Console | None = None) -> Path:
    """``path`` as a directory: any ancestor (or itself) that exists but is not a directory is moved aside."""
    path = Path(path)
    at = path
    while not at.is_dir():
        # asked again: another thread of this run may have made it since (the GitHub source reads
        # repositories in threads), and a directory is never moved aside
        if (at.exists() or at.is_symlink()) and not at.is_dir():
            move_aside(at, "was not a directory", console)
        if at.parent == at:
            break
        at = at.parent
    path.mkdir(parents=True, exist_ok=True)
    return path


def atomic_write(path: Path, data: bytes, console: Console | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place: a killed run leaves no torn
    file. A directory standing where the file belongs, or a file where a parent directory belongs, is
    moved aside first."""
    ensure_dir(path.parent, console)
    if path.is_dir() and not path.is_symlink():
        move_aside(path, "was a directory where a file belongs", console)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
