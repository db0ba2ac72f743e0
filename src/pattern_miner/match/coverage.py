"""File pairs scored by the material they share, as Dolos scores them: shared k-gram fingerprints, the share
of each side they cover, and the longest common fragment.

A long file copied into another repository and edited there (blocks reordered, edited, dropped or added, or
the file split in two) is no longer similar as a whole (its LCS is cut at every move), and the fragment
matcher finds only its blocks. What stays is material in common: runs of shingles that follow each other on
both sides. Here, for two files:

- ``candidate_files``: which pairs of files to score, without scoring all pairs: an index of the files'
  fingerprints (their distinct, uncommon shingles, one in SAMPLE of them chosen by hash, as Dolos's
  winnowing keeps some k-grams only), and the pairs of one language and different repositories that share
  at least MIN_SHARED of them;
- ``cover``: the fragments of the pair (runs of consecutive shingles matched in the same order on both
  sides) of at least MIN_RUN tokens; each side's coverage is the share of its code lines inside a fragment,
  and the longest fragment is the longest common run.

Code is compared by its structure (a renamed copy still matches); configuration by its literal text (files
written from one template share their structure, a copy its text), without the shingles common to too many
files (``candidates.common_shingles``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pattern_miner.match import paircodes
from pattern_miner.match.candidates import uncommon
from pattern_miner.records import CONFIG_LANGUAGES, SHINGLE, FileRecord

Files = Sequence[tuple[int, FileRecord]]

# One fingerprint in SAMPLE goes into the index (chosen by its hash, so the same in both files): a quarter
# of the index's size and time, and a pair that shares 40 fingerprints still shares about 10 sampled ones.
SAMPLE = 4
# Sampled fingerprints a pair must share to be scored: about 40 shingles, a few lines in common, and at
# least MIN_SHARED_SHARE of the smaller file's: a region covers half of one side at least, and the pairs of
# large files that share a few idioms are most pairs. On the stdlib, 6,252 pairs of files share 8
# fingerprints, 48 of them a quarter of the smaller file's, 14 of them 35%; on the opportunity benchmark
# (organisations 1-5), 516 of the 517 file pairs that are a region's share 35%.
MIN_SHARED = 8
MIN_SHARED_SHARE = 0.35
# The shortest common fragment that counts, in tokens: two shingles' worth of code, about two statements
# (a single shared shingle of structure is an idiom, and common structure is not left out for code); a
# line and a half of configuration text, from which the common shingles are left out.
MIN_RUN_CODE = 20
MIN_RUN_CONFIG = 12
# A shingle repeated more often than this in either file (a table of numbers, a run of similar entries)
# pairs every copy with every other: it is left out of the fragments.
MAX_REPEATS = 8
_SAMPLE_MULT = np.uint64(0x9E3779B97F4A7C15)
_SAMPLE_BITS = np.uint64(64 - (SAMPLE - 1).bit_length())


def field_of(rec: FileRecord) -> str:
    """The shingles a file is compared by: its literal text (configuration) or its structure (code)."""
    return "lit_shingles" if rec.language in CONFIG_LANGUAGES else "shingles"


def _sampled(values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are sampled: one in SAMPLE, by a multiplicative hash (the same in every file)."""
    with np.errstate(over="ignore"):
        chosen: np.ndarray = ((values.view(np.uint64) * _SAMPLE_MULT) >> _SAMPLE_BITS) == 0
    return chosen


def candidate_files(files: Files, common: Mapping[str, np.ndarray], min_lines: int = 0) -> np.ndarray:
    """(a, b) rows, a < b: pairs of files of one language and different repositories, each of at least
    ``min_lines`` code lines, that share at least MIN_SHARED sampled, uncommon fingerprints, and
    MIN_SHARED_SHARE of the smaller file's (``common``: the common shingles of each field)."""
    by_language: dict[str, list[int]] = {}
    for k, (_, rec) in enumerate(files):
        if rec.spans and rec.spans[0][6] >= min_lines:
            by_language.setdefault(rec.language, []).append(k)
    repo = np.array([r for r, _ in files], dtype=np.int64)
    n = max(1, len(files))
    prints = np.zeros(n, dtype=np.int64)  # sampled, uncommon fingerprints of each file
    found: list[np.ndarray] = []
    for language, ids in by_language.items():
        if len(ids) < 2:
            continue
        field = "lit_distinct" if language in CONFIG_LANGUAGES else "distinct"
        arrays = [np.frombuffer(getattr(files[k][1], field), dtype=np.int64) for k in ids]
        values = np.concatenate(arrays)
        owner = np.repeat(np.array(ids, dtype=np.int64), [len(a) for a in arrays])
        keep = _sampled(values)
        values, owner = values[keep], owner[keep]
        keep = uncommon(values, common.get("lit_shingles" if field == "lit_distinct" else "shingles",
                                           np.empty(0, dtype=np.int64)))
        values, owner = values[keep], owner[keep]
        prints += np.bincount(owner, minlength=n)
        order = np.argsort(values, kind="stable")
        values, owner = values[order], owner[order]
        starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
        sizes = np.diff(np.append(starts, len(values)))
        for size in np.unique(sizes[sizes > 1]).tolist():
            x, y = np.triu_indices(size, 1)  # every pair of the files that share one fingerprint
            first = starts[sizes == size][:, None]
            a, b = owner[first + x].ravel(), owner[first + y].ravel()
            cross = repo[a] != repo[b]
            found.append(paircodes.encode(np.minimum(a[cross], b[cross]), np.maximum(a[cross], b[cross]), n))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes, counts = np.unique(np.concatenate(found), return_counts=True)
    a, b = paircodes.decode(codes, n)
    ok = (counts >= MIN_SHARED) & (counts >= MIN_SHARED_SHARE * np.minimum(prints[a], prints[b]))
    return np.stack((a[ok], b[ok]), axis=1)


@dataclass(frozen=True)
class Cover:
    """What two files share: each side's tokens inside a common fragment, and the longest fragment."""

    a: np.ndarray  # bool per token of the first file
    b: np.ndarray  # bool per token of the second
    longest: int  # tokens of the longest common fragment
    longest_lines: int  # source lines it spans (on the first file)


def _in(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_set`` (small: looking values up in it is cheap)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    found: np.ndarray = sorted_set[at] == values
    return found


def _matches(ha: np.ndarray, hb: np.ndarray, shared: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with ha[i] == hb[j] in ``shared`` (sorted), of shingles repeated at most MAX_REPEATS
    times in each file."""
    ia, ib = np.flatnonzero(_in(ha, shared)), np.flatnonzero(_in(hb, shared))
    order = np.argsort(hb[ib], kind="stable")
    sorted_b, at_b = hb[ib][order], ib[order]
    lo = np.searchsorted(sorted_b, ha[ia], "left")
    many_b = np.searchsorted(sorted_b, ha[ia], "right") - lo
    _, inverse, many_a = np.unique(ha[ia], return_inverse=True, return_counts=True)
    ok = (many_b > 0) & (many_b <= MAX_REPEATS) & (many_a[inverse] <= MAX_REPEATS)
    ia, lo, many_b = ia[ok], lo[ok], many_b[ok]
    i = np.repeat(ia, many_b)
    offsets = np.arange(len(i)) - np.repeat(np.cumsum(many_b) - many_b, many_b)
    j = at_b[np.repeat(lo, many_b) + offsets]
    return i, j


def shared_values(da: np.ndarray, db: np.ndarray) -> np.ndarray:
    """The values of two sorted, distinct arrays that are in both (the smaller one looked up in the larger)."""
    if len(da) < len(db):
        da, db = db, da
    common: np.ndarray = db[_in(db, da)]
    return common


def _fragments(i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of matched shingles that follow each other on both sides (one diagonal, consecutive): their
    starts on each side and their lengths in tokens."""
    diagonal = i - j
    order = np.lexsort((i, diagonal))
    i, j, diagonal = i[order], j[order], diagonal[order]
    new = np.ones(len(i), dtype=bool)
    new[1:] = (diagonal[1:] != diagonal[:-1]) | (i[1:] != i[:-1] + 1)
    starts = np.flatnonzero(new)
    shingles = np.diff(np.append(starts, len(i)))
    return i[starts], j[starts], shingles + SHINGLE - 1


def _mask(n: int, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    edges = np.zeros(n + 1, dtype=np.int64)
    np.add.at(edges, starts, 1)
    np.add.at(edges, np.minimum(starts + lengths, n), -1)
    covered: np.ndarray = np.cumsum(edges[:n]) > 0
    return covered


def cover(ra: FileRecord, rb: FileRecord, common: Mapping[str, np.ndarray]) -> Cover:
    """The common fragments of two files of one language (``common``: the common shingles of each field,
    left out of configuration's literal text)."""
    field = field_of(ra)
    distinct = "lit_distinct" if field == "lit_shingles" else "distinct"
    shared = shared_values(np.frombuffer(getattr(ra, distinct), dtype=np.int64),
                           np.frombuffer(getattr(rb, distinct), dtype=np.int64))
    if field == "lit_shingles":
        shared, min_run = shared[uncommon(shared, common.get(field, np.empty(0, dtype=np.int64)))], MIN_RUN_CONFIG
    else:
        min_run = MIN_RUN_CODE
    i, j = _matches(np.frombuffer(getattr(ra, field), dtype=np.int64),
                    np.frombuffer(getattr(rb, field), dtype=np.int64), shared)
    na, nb = len(ra.struct), len(rb.struct)
    if not len(i):
        return Cover(np.zeros(na, dtype=bool), np.zeros(nb, dtype=bool), 0, 0)
    sa, sb, tokens = _fragments(i, j)
    long_enough = tokens >= min_run
    sa, sb, tokens = sa[long_enough], sb[long_enough], tokens[long_enough]
    if not len(tokens):
        return Cover(np.zeros(na, dtype=bool), np.zeros(nb, dtype=bool), 0, 0)
    best = int(np.argmax(tokens))
    lines = np.frombuffer(ra.lines, dtype=np.uint32)
    first, last = int(sa[best]), min(na, int(sa[best] + tokens[best])) - 1
    return Cover(_mask(na, sa, tokens), _mask(nb, sb, tokens), int(tokens[best]),
                 int(lines[last]) - int(lines[first]) + 1)


def covered_lines(rec: FileRecord, tokens: np.ndarray) -> np.ndarray:
    """The distinct source lines of the tokens marked in ``tokens`` (sorted)."""
    lines: np.ndarray = np.unique(np.frombuffer(rec.lines, dtype=np.uint32)[tokens])
    return lines
