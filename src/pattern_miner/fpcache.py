"""Fingerprints cached per file content, so a weekly run parses only what changed.

An entry is one file's record without what depends on where the file is (its path, pattern types, text):
keyed by the blob SHA of its bytes and the language its path selects, under a directory named for the
engine version (``versions``: the code and grammars that make fingerprints), in the cache directory the
Action persists. The same bytes in another repository, or at another path of the same language, are
found as well; local and GitHub sources alike key by the git blob SHA.

Layout::

    <cache>/fingerprints/<engine version>/ab/cdef...   packed record (``packing``), or a skip reason

The cache is never trusted: an entry that does not unpack, or was stored under another key, is moved
aside (``cachefs``) and the file parsed again; a cache that cannot be written is used read-only.
Entries of other engine versions are removed the first time this version writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from pattern_miner.cachefs import atomic_write, move_aside
from pattern_miner.languages import for_path
from pattern_miner.packing import PackError, pack, read_records, record_arrays, record_head, unpack
from pattern_miner.records import FileRecord
from pattern_miner.sources.blobcache import git_blob_sha
from pattern_miner.versions import engine_version

FINGERPRINTS = "fingerprints"  # the cache directory's folder of them
MAGIC = b"PMFPRNT\n"
MAX_ENTRY_BYTES = 512 * 1024**2  # decompressed: far above any file MAX_FILE_TOKENS lets through
LEVEL = 1  # zlib level: entries are written once a file changes and read every run; fast beats small
_SAFE = re.compile(r"[^A-Za-z0-9_.+-]")


@dataclass(frozen=True)
class Hit:
    """A cached outcome: the record (path, types and text filled in) or the reason the file was skipped."""

    record: FileRecord | None = None
    skip: str | None = None


class FingerprintCache:
    """``<root>/<engine version>/``; cheap to pickle (a path), so worker processes each hold one."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.engine = engine_version()
        self.dir = self.root / _SAFE.sub("_", self.engine)
        self.writable = True
        self._pruned = False

    @staticmethod
    def key(path: str, data: bytes, sha: str | None) -> str:
        spec = for_path(path)
        blob = sha or git_blob_sha(data)
        return hashlib.sha256(f"{blob}\0{spec.name if spec else 'text'}".encode()).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.dir / key[:2] / key[2:]

    def get(self, path: str, data: bytes, sha: str | None, pattern_types: tuple[str, ...], text: str) -> Hit | None:
        key = self.key(path, data, sha)
        entry = self._entry(key)
        try:
            blob = entry.read_bytes()
        except OSError:
            return None
        try:
            header, arrays = unpack(blob, MAGIC, max_bytes=MAX_ENTRY_BYTES, what="fingerprint cache entry")
            if header.get("key") != key or header.get("engine") != self.engine:
                raise PackError("stored under another key")
            skip = header.get("skip")
            if skip is not None:
                if not isinstance(skip, str):
                    raise PackError("malformed skip")
                return Hit(skip=skip)
            (record,) = read_records([header.get("record")], arrays, text=[text])
        except (PackError, ValueError) as exc:
            with contextlib.suppress(OSError):
                move_aside(entry, f"is not a fingerprint cache entry ({exc})")
            return None
        record.path, record.pattern_types, record.sha = path, pattern_types, sha
        return Hit(record=record)

    def put(self, path: str, data: bytes, sha: str | None, outcome: FileRecord | str) -> None:
        """Store a file's record, or the reason (a str) it was skipped."""
        if not self.writable:
            return
        key = self.key(path, data, sha)
        header: dict[str, object] = {"key": key, "engine": self.engine}
        if isinstance(outcome, str):
            header["skip"] = outcome
            blob = pack(MAGIC, header, {}, LEVEL)
        else:
            header["record"] = record_head(outcome, with_text=False)
            blob = pack(MAGIC, header, record_arrays([outcome]), LEVEL)
        try:
            self._prune()
            atomic_write(self._entry(key), blob)
        except OSError:
            self.writable = False  # a full disk or a read-only cache: the run goes on without caching

    def _prune(self) -> None:
        """Remove the entries of other engine versions (they can never be read again)."""
        if self._pruned:
            return
        self._pruned = True
        if not self.root.is_dir():
            return
        for other in self.root.iterdir():
            if other.is_dir() and not other.is_symlink() and other.name != self.dir.name and ".corrupt-" not in other.name:
                shutil.rmtree(other, ignore_errors=True)
