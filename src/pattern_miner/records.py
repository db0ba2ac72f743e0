"""The records that cross from parsing to matching, and the fingerprints in them. Imports no parser.

``shard.build_shard`` (which parses) fills them; ``match`` and ``patterns`` read them and nothing else of
the parse, so the matching core can run, and be tested, on token ids alone (and a process that only
merges shards never loads a grammar).

- ``Unit``: a comparable unit the walker found in a file (a function, a job, a block, a stage);
- ``FileRecord``: one file as it is compared: token ids of both streams, their lines, shingle hashes, its
  spans (the file and its units) and the salient phrases that say what a copy of it does;
- ``Shard``: every record of one repository, serializable, so shards can be built apart and merged.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from pattern_miner.model import RepoInfo, Skip

# Shingle length in tokens. Six tokens is about one short statement: long enough that a shared shingle
# means shared code rather than a shared idiom like `self.$id = $id`, short enough that a Type-3 edit
# destroys only the few shingles that overlap it.
SHINGLE = 6

# Languages whose names and values ARE the content (configuration): a copy keeps most of its literal text,
# while files written from one template differ from each other mostly in values. Their literal text is
# fingerprinted too (``FileRecord.lit_shingles``), and matching weighs the rare literal content a pair shares.
CONFIG_LANGUAGES = frozenset({
    "yaml", "dockerfile", "hcl", "bash", "json", "text",
    "xml", "html", "css", "toml", "make", "powershell",  # grammars
    "dotenv", "properties", "ini", "batch", "jinja", "groovy", "template", "conf", "prose",  # text formats
})

SHARD_VERSION = 7  # 6: salient phrases recorded at parse time; 7: semantic elements


class Unit(NamedTuple):
    """A comparable unit inside a file: tokens [start, end) and lines [start_line, end_line].
    (A tuple: tens of thousands of them cross from the parse workers, and tuples pickle fast.)"""

    kind: str
    name: str
    start: int
    end: int
    start_line: int
    end_line: int


# (kind, name, start, end, start_line, end_line, code_lines): the file or a unit in it, see ``spans``
Span = tuple[str, str, int, int, int, int, int]


class _Ids(dict[str, int]):
    """Token → id, computed on first sight: a known token is a dict lookup in C."""

    def __missing__(self, token: str) -> int:
        value = self[token] = zlib.crc32(token.encode("utf-8", "surrogatepass"))
        return value


_ids = _Ids()


def token_id(token: str) -> int:
    """A stable 32-bit id for a token (the same in every process and run)."""
    return _ids[token]


def token_ids(tokens: list[str]) -> array[int]:
    """``token_id`` of every token."""
    if len(_ids) > 2_000_000:  # bounded: a long-running service sees ever new names and values
        _ids.clear()
    return array("I", map(_ids.__getitem__, tokens))


_FNV_PRIME = np.uint64(0x100000001B3)


def shingles(ids: array[int], k: int = SHINGLE) -> array[int]:
    """A 64-bit hash of every k-token window (FNV-style over the token ids, the same in every process)."""
    if len(ids) < k:
        return array("q")
    tokens = np.frombuffer(ids, dtype=np.uint32).astype(np.uint64)
    m = len(tokens) - k + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = (h ^ tokens[j:j + m]) * _FNV_PRIME
    return array("q", h.view(np.int64).tobytes())


def distinct(values: array[int]) -> array[int]:
    """The distinct values of a shingle array, sorted."""
    return array("q", np.unique(np.frombuffer(values, dtype=np.int64)).tobytes())


def spans(lines: array[int], n_lines: int, units: Sequence[Unit]) -> list[Span]:
    """The file ("file", "", 0, n, 1, last line) and its units (but one that is the whole file), each
    with its code lines: the distinct source lines of its tokens. A file's lines never decrease, so
    they are the tokens that start a new line, plus one when the span's first token continues a line."""
    n = len(lines)
    rows: list[tuple[str, str, int, int, int, int]] = [("file", "", 0, n, 1, max(1, n_lines or (lines[-1] if n else 1)))]
    rows += [(u.kind, u.name, u.start, u.end, u.start_line, u.end_line) for u in units if not (u.start == 0 and u.end == n)]
    if not n:
        return [(*row, 0) for row in rows]
    at = np.frombuffer(lines, dtype=np.uint32)
    new = np.ones(n, dtype=np.int64)
    new[1:] = at[1:] != at[:-1]
    prefix = np.concatenate(([0], np.cumsum(new)))
    start = np.array([row[2] for row in rows], dtype=np.int64)
    end = np.array([row[3] for row in rows], dtype=np.int64)
    continues = (start > 0) & (start < n) & (new[np.minimum(start, n - 1)] == 0)
    counts = np.where(end > start, prefix[end] - prefix[start] + continues, 0).tolist()
    return [(*row, count) for row, count in zip(rows, counts, strict=True)]


@dataclass
class FileRecord:
    path: str
    language: str
    pattern_types: tuple[str, ...]
    n_lines: int
    fallback: bool
    struct: array[int]  # token ids, names and literals abstracted
    lit: array[int]  # token ids of the real text
    lines: array[int]  # source line of each token
    shingles: array[int]  # hash of each SHINGLE-token window of struct
    lit_shingles: array[int]  # the same over lit, for configuration languages (empty for code)
    # the file and each unit in it, see `spans`; plain tuples, because tens of thousands cross from the
    # parse workers
    spans: list[Span]
    text: str
    sha: str | None = None
    # the file's distinct shingles, sorted: how many files share a shingle is counted from these
    distinct: array[int] = field(default_factory=lambda: array("q"))
    lit_distinct: array[int] = field(default_factory=lambda: array("q"))
    # the salient phrases (``pattern_miner.phrases``) in token order, one string joined by
    # ``phrases.SEPARATOR`` (one object to pickle, not thousands), and the token each starts at
    phrases: str = ""
    phrase_at: array[int] = field(default_factory=lambda: array("I"))
    # what the code does (``pattern_miner.semantic.elements``), joined the same way, and the token each starts at
    elements: str = ""
    element_at: array[int] = field(default_factory=lambda: array("I"))


@dataclass
class Shard:
    """Every record of one repository, and what was skipped: what one parse job hands to the merge
    (written and read by ``shardfile``, never pickled to disk)."""

    repo: RepoInfo
    files: list[FileRecord] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    lines_scanned: int = 0
    parse_fallbacks: int = 0
    version: int = SHARD_VERSION
