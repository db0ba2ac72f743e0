"""A local checkout's last commit time (RepoInfo.pushed_at): from a loose commit object, or from git for a
packed one; None when it is not a checkout."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pattern_miner.config import default_config
from pattern_miner.sources.gitdates import last_commit_time
from pattern_miner.sources.local import LocalSource

WHEN = 1_700_000_000  # 2023-11-14T22:13:20Z


def _snapshot_info(repo: Path):  # type: ignore[no-untyped-def]
    (snap,) = list(LocalSource([("o/r", repo)], default_config()).snapshots())
    return snap.info


def test_a_loose_commit_object_is_read_without_git(tmp_path: Path) -> None:
    body = (f"tree {'4b825dc642cb6eb9a060e54bf8d69288fbee4904'}\nauthor A <a@x> {WHEN - 50} +0000\n"
            f"committer C <c@x> {WHEN} +0200\n\nmessage\n").encode()
    raw = b"commit %d\x00" % len(body) + body
    sha = hashlib.sha1(raw).hexdigest()
    git = tmp_path / ".git"
    (git / "objects" / sha[:2]).mkdir(parents=True)
    (git / "objects" / sha[:2] / sha[2:]).write_bytes(zlib.compress(raw))
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "refs" / "heads" / "main").write_text(sha + "\n")
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    assert last_commit_time(tmp_path, git, sha) == datetime.fromtimestamp(WHEN, UTC)
    assert _snapshot_info(tmp_path).pushed_at == datetime.fromtimestamp(WHEN, UTC)


def test_not_a_checkout_has_no_time(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    assert _snapshot_info(tmp_path).pushed_at is None
    assert last_commit_time(tmp_path, tmp_path / ".git", "0" * 40) is None  # no object, not a repository


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_packed_commit_is_asked_of_git(tmp_path: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "c",
           "GIT_COMMITTER_EMAIL": "c@x", "GIT_AUTHOR_DATE": f"{WHEN} +0000", "GIT_COMMITTER_DATE": f"{WHEN} +0000",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    (tmp_path / "a.py").write_text("x = 1\n")
    for args in (["init", "-q", "-b", "main"], ["add", "a.py"], ["commit", "-q", "-m", "m"], ["gc", "-q"]):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, env=env)
    assert not any((tmp_path / ".git" / "objects").glob("??/*"))  # everything is packed
    assert _snapshot_info(tmp_path).pushed_at == datetime.fromtimestamp(WHEN, UTC)
