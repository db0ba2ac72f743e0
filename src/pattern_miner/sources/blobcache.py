"""A directory cache for the GitHub source: git blobs by SHA, and per repository the last scan's listing.

Layout (the Action persists the directory with actions/cache)::

    <root>/blobs/ab/cdef0123...        the blob's bytes, named by its git blob SHA (content-addressed)
    <root>/repos/<owner>--<name>.json  RepoRecord: head commit, metadata, (path, sha, types) and skips

A blob whose bytes do not hash to its name, or a record that does not parse, is treated as absent (and
overwritten by the next fetch): a corrupt cache costs requests, never wrong results. Writes are atomic,
and whatever stands in their way is moved aside (``cachefs``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pattern_miner.cachefs import atomic_write
from pattern_miner.console import Console

CACHE_VERSION = 1  # bump when the record format changes: older records are then ignored
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 object ids


def git_blob_sha(data: bytes) -> str:
    """The object id git gives ``data`` as a blob (SHA-1 repositories)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def blob_matches(sha: str, data: bytes) -> bool:
    if len(sha) == 64:
        return hashlib.sha256(b"blob %d\0" % len(data) + data).hexdigest() == sha
    return git_blob_sha(data) == sha


@dataclass(frozen=True)
class CachedFile:
    path: str
    sha: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class RepoRecord:
    """What one scan of a repository produced, keyed by its head commit and the config it was read with."""

    repo: str  # "owner/name" as GitHub spells it
    commit: str  # head commit of the default branch
    key: str  # fingerprint of the config that chose the files (globs, excludes, size limit)
    private: bool
    html_url: str | None
    default_branch: str
    files: tuple[CachedFile, ...] = ()
    skips: tuple[tuple[str, str], ...] = ()  # (path, reason)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": CACHE_VERSION,
            "repo": self.repo,
            "commit": self.commit,
            "key": self.key,
            "private": self.private,
            "html_url": self.html_url,
            "default_branch": self.default_branch,
            "files": [[f.path, f.sha, list(f.types)] for f in self.files],
            "skips": [list(s) for s in self.skips],
        }

    @classmethod
    def from_json(cls, raw: Any) -> RepoRecord:
        """Parse a stored record; ValueError/TypeError/KeyError when it is not one."""
        if raw.get("version") != CACHE_VERSION:
            raise ValueError("cache format version differs")
        files = tuple(CachedFile(str(p), _sha(s), tuple(str(t) for t in types)) for p, s, types in raw["files"])
        skips = tuple((str(p), str(r)) for p, r in raw["skips"])
        html_url = raw["html_url"]
        return cls(
            repo=str(raw["repo"]),
            commit=_sha(raw["commit"]),
            key=str(raw["key"]),
            private=bool(raw["private"]),
            html_url=str(html_url) if html_url is not None else None,
            default_branch=str(raw["default_branch"]),
            files=files,
            skips=skips,
        )


def _sha(value: Any) -> str:
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise ValueError(f"not a git object id: {value!r}")
    return value


class BlobCache:
    def __init__(self, root: str | os.PathLike[str], console: Console | None = None) -> None:
        self.root = Path(root)
        self.console = console

    # -- blobs -------------------------------------------------------------------------------------
    def _blob_path(self, sha: str) -> Path:
        return self.root / "blobs" / sha[:2] / sha[2:]

    def get_blob(self, sha: str) -> bytes | None:
        """The cached bytes of blob ``sha``, or None when absent or corrupt."""
        if not _SHA.fullmatch(sha):
            return None
        try:
            data = self._blob_path(sha).read_bytes()
        except OSError:
            return None
        return data if blob_matches(sha, data) else None

    def has_blob(self, sha: str) -> bool:
        return self.get_blob(sha) is not None

    def put_blob(self, sha: str, data: bytes) -> bool:
        """Store ``data`` under ``sha``; False (nothing stored) when the bytes do not hash to ``sha``."""
        if not _SHA.fullmatch(sha) or not blob_matches(sha, data):
            return False
        atomic_write(self._blob_path(sha), data, self.console)
        return True

    # -- repository records ------------------------------------------------------------------------
    def _record_path(self, repo: str) -> Path:
        safe = re.sub(r"[^a-z0-9_.-]", "_", repo.lower().replace("/", "--")).lstrip(".")
        return self.root / "repos" / f"{safe}.json"

    def get_repo(self, repo: str) -> RepoRecord | None:
        """The record of ``repo``'s last scan, or None when absent, unreadable or for another repository."""
        try:
            record = RepoRecord.from_json(json.loads(self._record_path(repo).read_text("utf-8")))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        return record if record.repo.lower() == repo.lower() else None

    def put_repo(self, record: RepoRecord) -> None:
        text = json.dumps(record.to_json(), separators=(",", ":"), sort_keys=True)
        atomic_write(self._record_path(record.repo), text.encode("utf-8"), self.console)
