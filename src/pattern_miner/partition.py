"""Which repositories a shard job takes: the K-th of N deterministic parts, balanced by size where known.

Every job of a matrix computes the same plan from the same repository list: the repositories, largest
first (a size bucketed to its power of two, so that a small push between two jobs' listings rarely moves
one; an unknown size counts as the median known one), each go to the part that holds the least so far,
ties to the lower part. The plan's digest goes into every shard file, so a merge can tell shards of
different plans apart instead of silently losing or doubling a repository.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pattern_miner.errors import UsageError

T = TypeVar("T")
MAX_PARTS = 1000  # an Actions matrix runs at most 256 jobs; more parts than this is a typo


@dataclass(frozen=True)
class Part:
    k: int  # 1-based
    n: int

    @classmethod
    def parse(cls, text: str) -> Part:
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match:
            raise UsageError(f"--part must be K/N (e.g. 2/4), got {text!r}")
        k, n = int(match[1]), int(match[2])
        if not 1 <= n <= MAX_PARTS or not 1 <= k <= n:
            raise UsageError(f"--part K/N needs 1 <= K <= N <= {MAX_PARTS}, got {text!r}")
        return cls(k, n)

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"


def _bucket(size: int) -> int:
    return 1 << max(0, int(size)).bit_length()


def assign(repos: Sequence[tuple[str, int | None]], n: int) -> list[int]:
    """The part (1..n) of each repository, in the order given. ``repos``: (name, size or None)."""
    known = [_bucket(s) for _, s in repos if s is not None]
    default = int(statistics.median(known)) if known else 1
    sizes = [_bucket(s) if s is not None else default for _, s in repos]
    order = sorted(range(len(repos)), key=lambda i: (-sizes[i], repos[i][0].lower(), i))
    load = [0] * n
    parts = [0] * len(repos)
    for i in order:
        part = min(range(n), key=lambda p: (load[p], p))
        load[part] += sizes[i]
        parts[i] = part + 1
    return parts


def plan_digest(names: Sequence[str], parts: Sequence[int], n: int) -> str:
    """What every shard of one plan agrees on: the repositories, in order, with their parts."""
    text = f"{n}\n" + "".join(f"{name}\t{part}\n" for name, part in zip(names, parts, strict=True))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Plan:
    """Every repository of a run in source order, the part of each, and the digest of both."""

    part: Part
    repos: tuple[str, ...]
    parts: tuple[int, ...]
    digest: str


class Slicer(Generic[T]):
    """Keeps one part of a list of repositories (whatever a source lists them as) and remembers the plan."""

    def __init__(self, part: Part, name: Callable[[T], str], size: Callable[[T], int | None]) -> None:
        self.part = part
        self.name = name
        self.size = size
        self.plan: Plan | None = None

    def __call__(self, items: Sequence[T]) -> list[T]:
        names = [self.name(item) for item in items]
        parts = assign([(n, self.size(item)) for n, item in zip(names, items, strict=True)], self.part.n)
        self.plan = Plan(self.part, tuple(names), tuple(parts), plan_digest(names, parts, self.part.n))
        return [item for item, p in zip(items, parts, strict=True) if p == self.part.k]


def directory_size(path: Path, skipped: frozenset[str] = frozenset()) -> int:
    """Bytes of the regular files under ``path`` (symlinks not followed; ``skipped`` directory names left
    out): a local repository's size, for balancing, without reading a file."""
    total = 0
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        dirnames[:] = [d for d in dirnames if d not in skipped]
        for name in filenames:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total
