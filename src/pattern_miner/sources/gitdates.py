"""When a local checkout was last committed to: HEAD's committer time, for the value of its copies.

Read from the loose commit object under ``.git/objects`` (git itself not needed); a packed commit (a fresh
clone packs everything) is asked of ``git`` when it is installed. Unknown (None) otherwise: unknown
activity is neutral.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from datetime import UTC, datetime
from pathlib import Path

GIT_TIMEOUT = 10  # seconds for `git log -1`: a local read, never slow unless something is wrong
MAX_COMMIT_BYTES = 1 << 20  # a commit object is headers and a message: more is not a commit
_COMMITTER = re.compile(rb"^committer .* (\d{1,12}) [+-]\d{4}$", re.MULTILINE)


def _loose(common: Path, commit: str) -> datetime | None:
    path = common / "objects" / commit[:2] / commit[2:]
    try:
        raw = zlib.decompressobj().decompress(path.read_bytes(), MAX_COMMIT_BYTES)
    except (OSError, zlib.error):
        return None
    if not raw.startswith(b"commit "):
        return None
    found = _COMMITTER.search(raw)
    return datetime.fromtimestamp(int(found.group(1)), UTC) if found else None


def _from_git(repo: Path) -> datetime | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run([git, "-C", str(repo), "log", "-1", "--format=%ct", "HEAD"], capture_output=True,
                              text=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    out = done.stdout.strip()
    return datetime.fromtimestamp(int(out), UTC) if done.returncode == 0 and out.isdigit() else None


def last_commit_time(repo: Path, common: Path | None, commit: str | None) -> datetime | None:
    """HEAD's committer time of the checkout at ``repo`` (its git common dir ``common``, HEAD ``commit``)."""
    if common is None or commit is None:
        return None
    return _loose(common, commit) or _from_git(repo)
