"""The matching's outcome, cached for inputs seen before: an unchanged re-scan does not match again.

Matching is a pure function of the records (each named by its repository, path, pattern types, blob SHA and
language: the fingerprint cache's key), the repositories' metadata (commits and links end up in the
occurrences), the config and the code. ``match_key`` digests all of them; a scan whose digest was seen
before takes the patterns stored under it. Any change (one file, a commit, a threshold, a new version of
pattern-miner) is another digest, and matching runs as always.

Stored beside the fingerprints (``<cache>/fingerprints/<engine>/matches/<digest>``), the last KEEP of them,
in ``packing``'s container: JSON, no pickle. Read back as untrusted input: every field of every pattern is
checked against its declared type, and anything else is a miss (the entry is moved aside).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from pattern_miner.cachefs import atomic_write, move_aside
from pattern_miner.config import Config
from pattern_miner.model import Pattern
from pattern_miner.packing import PackError, pack, unpack
from pattern_miner.records import Shard

MAGIC = b"PMMATCH\n"
KEEP = 4  # outcomes kept: a weekly run needs the last one; a few more for runs of other pattern types
MAX_BYTES = 1024**3  # decompressed


@functools.cache
def code_version() -> str:
    """A digest of the package's code: matching, scoring and the records all live in it."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        try:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


def match_key(shards: Sequence[Shard], config: Config, min_similarity: float | None) -> str | None:
    """The digest of everything matching reads; None when a record's content is not known by its SHA."""
    digest = hashlib.sha256(f"{code_version()}\0{config!r}\0{min_similarity!r}\0".encode())
    for shard in shards:
        digest.update(repr(dataclasses.astuple(shard.repo)).encode("utf-8", "surrogatepass") + b"\1")
        for rec in shard.files:
            if rec.sha is None:
                return None
            digest.update(repr((rec.path, rec.pattern_types, rec.sha, rec.language)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _decode(kind: Any, raw: Any) -> Any:
    """``raw`` (parsed JSON) as a value of type ``kind``; PackError when it is not one."""
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        for option in get_args(kind):
            try:
                return _decode(option, raw)
            except PackError:
                continue
        raise PackError(f"{raw!r:.60} is none of {kind}")
    if origin is tuple:
        item = get_args(kind)[0]
        if not isinstance(raw, list):
            raise PackError(f"{raw!r:.60} is not a list")
        return tuple(_decode(item, r) for r in raw)
    if kind is type(None) or kind is None:
        if raw is not None:
            raise PackError(f"{raw!r:.60} is not null")
        return None
    if kind is float:
        if type(raw) not in (float, int):
            raise PackError(f"{raw!r:.60} is not a number")
        return float(raw)
    if kind in (str, int, bool):
        if type(raw) is not kind:
            raise PackError(f"{raw!r:.60} is not {kind.__name__}")
        return raw
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        fields = {f.name for f in dataclasses.fields(kind)}
        if not isinstance(raw, dict) or set(raw) != fields:
            raise PackError(f"not a {kind.__name__}")
        hints = _hints(kind)
        return kind(**{name: _decode(hints[name], raw[name]) for name in fields})
    raise PackError(f"cannot read a {kind}")


class MatchCache:
    def __init__(self, root: Path) -> None:
        self.dir = Path(root) / "matches"

    def get(self, key: str) -> tuple[list[Pattern], dict[str, int]] | None:
        entry = self.dir / key
        try:
            data = entry.read_bytes()
        except OSError:
            return None
        try:
            header, _ = unpack(data, MAGIC, max_bytes=MAX_BYTES, what="match cache entry")
            stats = header.get("stats")
            if header.get("key") != key or not isinstance(stats, dict) or \
                    not all(isinstance(k, str) and type(v) is int for k, v in stats.items()):
                raise PackError("malformed entry")
            patterns = list(_decode(tuple[Pattern, ...], header.get("patterns")))
        except PackError as exc:
            with contextlib.suppress(OSError):
                move_aside(entry, f"is not a match cache entry ({exc})")
            return None
        return patterns, stats

    def put(self, key: str, patterns: Sequence[Pattern], stats: dict[str, int]) -> None:
        data = pack(MAGIC, {"key": key, "patterns": _encode(tuple(patterns)), "stats": stats}, {}, 1)
        try:
            atomic_write(self.dir / key, data)
            kept = sorted((p for p in self.dir.iterdir() if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written: the next run matches again
