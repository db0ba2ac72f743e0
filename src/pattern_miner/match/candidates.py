"""Candidate pairs: the fragments worth comparing, found without comparing all pairs.

- exact: fragments with the same structural token stream (Type-1 and Type-2 copies), by language, across
  repositories;
- near-miss (Type-3): MinHash signatures over each fragment's shingles that are not common (in too many
  files to say anything about copying), banded by LSH (``minhash.candidate_pairs``).

Every function here is a pure function of the file records and fragments it is given, so the work can be
shared by forked processes (``pairs``) in whatever split suits them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pattern_miner.match.fragments import Fragment
from pattern_miner.match.minhash import range_signatures
from pattern_miner.records import CONFIG_LANGUAGES, SHINGLE, FileRecord

Files = Sequence[tuple[int, FileRecord]]  # (repository index, record) of every file, by file index

# The shingle fields of a FileRecord that LSH signs: the structure, and the literal text (configuration);
# each with the field of its distinct values.
FIELDS = ("shingles", "lit_shingles")
_DISTINCT = {"shingles": "distinct", "lit_shingles": "lit_distinct"}

# A shingle found in more files than this share (and at least COMMON_FLOOR files) is an idiom, not a copy.
COMMON_SHARE = 0.02
COMMON_FLOOR = 12
_SLOT_MULT = np.uint64(0x9E3779B97F4A7C15)  # multiplicative hashing of shingles into the common table


# ----------------------------------------------------------------------------- exact copies


def exact_groups(files: Files, fragments: Sequence[Fragment]) -> list[list[int]]:
    """Fragments with identical structural streams, by language, across repositories. Only fragments
    that agree on language, length and the sum of their shingle hashes (prefix sums over each file: one
    numpy pass) are compared token by token."""
    if not fragments:
        return []
    shingled = [np.frombuffer(rec.shingles, dtype=np.uint64) for _, rec in files]
    offsets = np.concatenate(([0], np.cumsum([len(a) for a in shingled])))
    with np.errstate(over="ignore"):
        prefix = np.concatenate((np.zeros(1, dtype=np.uint64), np.cumsum(np.concatenate(shingled),
                                                                        dtype=np.uint64)))
    file = np.array([f.file for f in fragments], dtype=np.int64)
    start = np.array([f.start for f in fragments], dtype=np.int64)
    size = np.array([f.end - f.start for f in fragments], dtype=np.int64)
    windows = offsets[file + 1] - offsets[file]  # shingles of the fragment's file
    low = np.minimum(start, windows)
    high = np.clip(start + size - SHINGLE + 1, low, windows)  # windows inside the fragment
    with np.errstate(over="ignore"):
        total = prefix[offsets[file] + high] - prefix[offsets[file] + low]
    codes: dict[str, int] = {}
    language = np.array([codes.setdefault(f.language, len(codes)) for f in fragments], dtype=np.int64)
    order = np.lexsort((total, size, language))
    same = (language[order][1:] == language[order][:-1]) & (size[order][1:] == size[order][:-1]) & (
        total[order][1:] == total[order][:-1])
    groups: list[list[int]] = []
    run: list[int] = [int(order[0])]
    for k, i in enumerate(order[1:].tolist()):
        if same[k]:
            run.append(i)
            continue
        groups += _identical(files, fragments, run)
        run = [i]
    groups += _identical(files, fragments, run)
    return groups


def _identical(files: Files, fragments: Sequence[Fragment], ids: list[int]) -> list[list[int]]:
    """The candidates ``ids`` split by their exact structural streams; groups in one repository go."""
    if len(ids) < 2:
        return []
    by_stream: dict[bytes, list[int]] = defaultdict(list)
    for i in ids:
        f = fragments[i]
        by_stream[files[f.file][1].struct[f.start:f.end].tobytes()].append(i)
    return [sorted(group) for group in by_stream.values() if len({fragments[i].repo for i in group}) > 1]


def exact_pairs(files: Files, fragments: Sequence[Fragment]) -> np.ndarray:
    """(a, b) rows, a < b, of fragments of different repositories with identical structural streams."""
    rows = [(i, j) for ids in exact_groups(files, fragments) for x, i in enumerate(ids) for j in ids[x + 1:]
            if fragments[i].repo != fragments[j].repo]
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


# ----------------------------------------------------------------------------- common shingles


def common_shingles(files: Files, field: str) -> np.ndarray:
    """Shingles of ``field`` present in too many files to say anything about copying (sorted)."""
    per_file = [np.frombuffer(getattr(rec, _DISTINCT[field]), dtype=np.int64) for _, rec in files]
    per_file = [a for a in per_file if len(a)]
    if not per_file:
        return np.empty(0, dtype=np.int64)
    values, counts = np.unique(np.concatenate(per_file), return_counts=True)
    limit = max(COMMON_FLOOR, int(COMMON_SHARE * len(files)))
    common: np.ndarray = values[counts > limit]
    return common


def uncommon(values: np.ndarray, common: np.ndarray) -> np.ndarray:
    """Which of ``values`` are not in the sorted ``common`` (a few thousand shingles), through a hash
    table eight times its size: a value whose slot holds one common shingle is compared with it; only
    values whose slot is shared by several common shingles are looked up by binary search."""
    keep = np.ones(len(values), dtype=bool)
    if not len(common) or not len(values):
        return keep
    bits = max(10, int(len(common)).bit_length() + 3)
    with np.errstate(over="ignore"):
        slots = (common.view(np.uint64) * _SLOT_MULT) >> np.uint64(64 - bits)
    used, count = np.unique(slots, return_counts=True)
    state = np.zeros(1 << bits, dtype=np.int8)  # 0: no common shingle, 1: one, 2: several
    state[used] = np.minimum(count, 2)
    table = np.zeros(1 << bits, dtype=np.int64)
    table[slots] = common  # right wherever the slot holds one
    with np.errstate(over="ignore"):
        at = (values.view(np.uint64) * _SLOT_MULT) >> np.uint64(64 - bits)
    held = state[at]
    keep &= ~((held == 1) & (table[at] == values))
    shared = np.flatnonzero(held == 2)
    found = np.minimum(np.searchsorted(common, values[shared]), len(common) - 1)
    keep[shared] = common[found] != values[shared]
    return keep


# ----------------------------------------------------------------------------- near-miss candidates


def lsh_fragments(fragments: Sequence[Fragment], field: str) -> list[Fragment]:
    """The fragments LSH signs over ``field``: "shingles" (structure) takes every fragment;
    "lit_shingles" (literal text) the configuration languages', whose template-heavy files share
    mostly common structure with each other but their values' shingles with their copies."""
    return [f for f in fragments if field == "shingles" or f.language in CONFIG_LANGUAGES]


def split_by_file(files: Files, fragments: Sequence[Fragment], parts: int) -> list[list[int]]:
    """The fragments' ids in ``parts`` lists of about the same number of tokens, a file's together."""
    by_file: dict[int, list[int]] = defaultdict(list)
    for f in fragments:
        by_file[f.file].append(f.id)
    load = [0] * parts
    out: list[list[int]] = [[] for _ in range(parts)]
    for file in sorted(by_file, key=lambda i: -len(files[i][1].struct)):
        part = load.index(min(load))
        out[part] += by_file[file]
        load[part] += len(files[file][1].struct)
    return [ids for ids in out if ids]


@dataclass(frozen=True)
class Signed:
    """MinHash signatures of some fragments, with what LSH needs to know of each."""

    ids: np.ndarray  # fragment ids, one per row
    sigs: np.ndarray
    keys: list[str | None]  # the fragment's language; None when no shingle was left to sign
    repos: list[int]

    @staticmethod
    def join(parts: Sequence[Signed]) -> Signed:
        return Signed(np.concatenate([p.ids for p in parts]), np.concatenate([p.sigs for p in parts]),
                      [k for p in parts for k in p.keys], [r for p in parts for r in p.repos])

    def pairs(self, rows: np.ndarray) -> np.ndarray:
        """(i, j) row pairs of these signatures to (a, b) fragment ids, a < b."""
        return np.sort(self.ids[rows].reshape(-1, 2), axis=1)


def signatures(files: Files, fragments: Sequence[Fragment], field: str, ids: Sequence[int],
               common: np.ndarray) -> Signed:
    """The MinHash signatures of the fragments ``ids`` (whole files of them) over their shingles of
    ``field`` that are not ``common``. Every file's kept shingles are hashed once for all of its
    fragments (``range_signatures``)."""
    chosen = [fragments[i] for i in ids]
    slot = {file: k for k, file in enumerate(sorted({f.file for f in chosen}))}
    arrays = [np.frombuffer(getattr(files[file][1], field), dtype=np.int64) for file in slot]
    sizes = np.array([len(a) for a in arrays], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    values = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int64)
    keep = uncommon(values, common)
    kept_before = np.concatenate(([0], np.cumsum(keep)))  # kept shingles before each position
    # a fragment's shingles are those that start inside it and end inside it
    k = np.array([slot[f.file] for f in chosen], dtype=np.int64)
    start = np.array([f.start for f in chosen], dtype=np.int64)
    stop = np.minimum(sizes[k], np.maximum(start, np.array([f.end for f in chosen], dtype=np.int64) - SHINGLE + 1))
    start = np.minimum(start, stop)
    # ranges into the one array of every kept shingle (each fragment within its file's part)
    first, last = kept_before[offsets[k] + start], kept_before[offsets[k] + stop]
    file_kept = kept_before[offsets]
    local = file_kept[k]
    ranges = list(zip(k.tolist(), (first - local).tolist(), (last - local).tolist(), strict=True))
    return Signed(
        ids=np.array(ids, dtype=np.int64),
        sigs=range_signatures(np.split(values[keep], file_kept[1:-1]), ranges),
        keys=[f.language if b > a else None for f, a, b in zip(chosen, first.tolist(), last.tolist(), strict=True)],
        repos=[f.repo for f in chosen],
    )
