"""A directory cache for the GitHub source: git blobs by SHA, and per repository the last scan's listing.

Layout (the Action persists the directory with actions/cache)::

    <root>/blobs/ab/cdef0123...        the blob's bytes, named by its git blob SHA (content-addressed)
    <root>/repos/<owner>--<name>.json  RepoRecord: head commit, its root tree, metadata, every file of the tree

A blob whose bytes do not hash to its name, or a record that does not parse, is treated as absent (and
overwritten by the next fetch): a corrupt cache costs requests, never wrong results. Writes are atomic,
and whatever stands in their way is moved aside (``cachefs``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pattern_miner.cachefs import atomic_write
from pattern_miner.console import Console

CACHE_VERSION = 2  # bump when the record format changes: older records are then ignored (2: whole trees)
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 object ids


def git_blob_sha(data: bytes) -> str:
    """The object id git gives ``data`` as a blob (SHA-1 repositories): local and GitHub sources agree."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def blob_matches(sha: str, data: bytes) -> bool:
    if len(sha) == 64:
        return hashlib.sha256(b"blob %d\0" % len(data) + data).hexdigest() == sha
    return git_blob_sha(data) == sha


def decode_blob(sha: str, encoding: Any, content: Any) -> bytes:
    """A blob's bytes from the REST API's ``{"encoding": ..., "content": ...}``, checked against its SHA.
    ``""`` is a real blob: an empty file (size 0). ValueError says what is wrong with it."""
    if not isinstance(content, str):
        raise ValueError(f"no content for blob {sha[:12]}")
    try:
        data = base64.b64decode(content) if encoding == "base64" else content.encode("utf-8")
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"malformed blob {sha[:12]}") from exc
    if not blob_matches(sha, data):
        raise ValueError(f"blob {sha[:12]} does not match its SHA")
    return data


@dataclass(frozen=True)
class CachedFile:
    path: str
    sha: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class TreeEntry:
    """A file of a git tree: a blob (regular file, executable, symlink) or a submodule's commit."""

    path: str
    mode: str  # git's: 100644, 100755, 120000 (symlink), 160000 (submodule)
    sha: str
    size: int  # bytes; 0 for a submodule


@dataclass(frozen=True)
class RepoRecord:
    """A repository's head as last read: its commit, the commit's root tree, and every file of that tree.

    The files are the tree itself, not only the ones the config chose: which files a scan reads is derived
    from them each run, and a record is trusted only when its files hash, as git hashes trees, to the
    root tree the head commit names (``verified``). A damaged or tampered record costs a tree request."""

    repo: str  # "owner/name" as GitHub spells it
    commit: str  # head commit of the default branch
    tree: str  # that commit's root tree
    private: bool
    html_url: str | None
    default_branch: str
    entries: tuple[TreeEntry, ...] = ()

    def verified(self) -> bool:
        try:
            return git_tree_sha([(e.path, e.mode, e.sha) for e in self.entries], len(self.tree)) == self.tree
        except ValueError:
            return False

    def to_json(self) -> dict[str, Any]:
        return {
            "version": CACHE_VERSION,
            "repo": self.repo,
            "commit": self.commit,
            "tree": self.tree,
            "private": self.private,
            "html_url": self.html_url,
            "default_branch": self.default_branch,
            "entries": [[e.path, e.mode, e.sha, e.size] for e in self.entries],
        }

    @classmethod
    def from_json(cls, raw: Any) -> RepoRecord:
        """Parse a stored record; ValueError/TypeError/KeyError when it is not one."""
        if raw.get("version") != CACHE_VERSION:
            raise ValueError("cache format version differs")
        entries = tuple(TreeEntry(str(p), str(m), _sha(s), int(n)) for p, m, s, n in raw["entries"])
        html_url = raw["html_url"]
        return cls(
            repo=str(raw["repo"]),
            commit=_sha(raw["commit"]),
            tree=_sha(raw["tree"]),
            private=bool(raw["private"]),
            html_url=str(html_url) if html_url is not None else None,
            default_branch=str(raw["default_branch"]),
            entries=entries,
        )


def git_tree_sha(entries: list[tuple[str, str, str]], sha_len: int = 40) -> str:
    """The object id git gives the root tree holding ``entries`` (path, mode, sha): the subtrees are
    built from the paths and hashed bottom up, each as git writes a tree object (``<mode> <name>\\0`` and
    the raw id per entry, sorted as git sorts them: a subtree's name as if it ended with "/")."""
    root: dict[str, Any] = {}
    for path, mode, sha in entries:
        *dirs, name = path.split("/")
        node = root
        for part in dirs:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"{path}: a file stands where a directory is")
        if not name or name in node:
            raise ValueError(f"{path}: listed twice or empty")
        node[name] = (mode.lstrip("0"), sha)
    digest = hashlib.sha256 if sha_len == 64 else hashlib.sha1

    def tree_id(node: dict[str, Any]) -> str:
        rows = []
        for name, value in node.items():
            if isinstance(value, dict):
                rows.append((name + "/", f"40000 {name}".encode(), tree_id(value)))
            else:
                rows.append((name, f"{value[0]} {name}".encode(), value[1]))
        rows.sort(key=lambda row: row[0].encode("utf-8", "surrogateescape"))
        raw = b"".join(head + b"\0" + bytes.fromhex(sha) for _, head, sha in rows)
        return digest(b"tree %d\0" % len(raw) + raw).hexdigest()

    return tree_id(root)


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
