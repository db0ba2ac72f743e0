"""Rare shared content and kept lines: what tells a copied configuration file from one written alike.

Two Dockerfiles or workflows written from the same skeleton share the skeleton's common tokens, but a copy
also carries the idiosyncratic values (names, paths, arguments) of the file it was copied from, and keeps
some of its lines as they were.

- ``Rarity.overlap``: an IDF-weighted Jaccard of the two fragments' literal tokens, names left out (a copy
  may rename them), each token weighed in its own file's table: one per configuration language and
  pattern type, so a convention shared by the files of one kind weighs little; ``Rarity.containment`` the
  same shared weight over the smaller side's (for ``regions``, whose files may be parts of each other);
- ``canonical`` / ``line_hashes``: the literal stream alpha-renamed (every name replaced by the order of
  its first appearance), so a consistently renamed copy reads the same, line by line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from pattern_miner.match.fragments import Fragment
from pattern_miner.records import CONFIG_LANGUAGES, FileRecord, token_id

# Placeholders that stand for NAMES (variables, identifiers, labels): a copy may rename them all.
NAME_TOKENS = frozenset(token_id(t) for t in ("$id", "$var"))
NAME_ARRAY = np.array(sorted(NAME_TOKENS), dtype=np.uint32)


class Idf(NamedTuple):
    """One IDF table: sorted token ids, their weights, and the weight of a token it never saw."""

    ids: np.ndarray
    weights: np.ndarray
    unseen: float


def table_of(rec: FileRecord) -> tuple[str, str]:
    """The IDF table a file's tokens are weighed in: its language and first pattern type (workflows
    apart from compose files)."""
    return rec.language, rec.pattern_types[0] if rec.pattern_types else ""


def idf_tables(files: Sequence[tuple[int, FileRecord]]) -> dict[tuple[str, str], Idf]:
    """Per configuration language and pattern type: the IDF of every literal token, over those files."""
    per_table: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)
    for _, rec in files:
        if rec.language in CONFIG_LANGUAGES:
            per_table[table_of(rec)].append(np.unique(np.frombuffer(rec.lit, dtype=np.uint32)))
    out = {}
    for key, arrays in per_table.items():
        ids, counts = np.unique(np.concatenate(arrays), return_counts=True)
        out[key] = Idf(ids, np.log((len(arrays) + 1) / (counts + 0.5)), float(np.log((len(arrays) + 1) / 0.5)))
    return out


class Rarity:
    """The rare-content measure over a set of files (their IDF tables are built once, here)."""

    def __init__(self, files: Sequence[tuple[int, FileRecord]]) -> None:
        self.files = files
        self.tables = idf_tables(files)

    def _values(self, f: Fragment) -> np.ndarray:
        """The fragment's literal tokens that are not names (names are free to be renamed)."""
        rec = self.files[f.file][1]
        lit = np.frombuffer(rec.lit, dtype=np.uint32)[f.start:f.end]
        struct = np.frombuffer(rec.struct, dtype=np.uint32)[f.start:f.end]
        values: np.ndarray = lit[~np.isin(struct, NAME_ARRAY)]
        return values

    def _weights(self, f: Fragment, tokens: np.ndarray) -> np.ndarray:
        """IDF of each token in the fragment's own table; a token the table never saw is as rare as can be."""
        ids, weights, unseen = self.tables[table_of(self.files[f.file][1])]
        at = np.minimum(np.searchsorted(ids, tokens), len(ids) - 1)
        found: np.ndarray = np.where(ids[at] == tokens, weights[at], unseen)
        return found

    def _shared(self, fa: Fragment, fb: Fragment) -> tuple[float, float, float]:
        """The IDF weight of the literal tokens (names left out) the two share, and of each one's."""
        ua, ca = np.unique(self._values(fa), return_counts=True)
        ub, cb = np.unique(self._values(fb), return_counts=True)
        wa = self._weights(fa, ua)
        wb = self._weights(fb, ub)
        _, ia, ib = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
        shared = np.minimum(ca[ia], cb[ib])
        return float(shared @ np.minimum(wa[ia], wb[ib])), float(ca @ wa), float(cb @ wb)

    def overlap(self, fa: Fragment, fb: Fragment) -> float:
        """IDF-weighted Jaccard of the two fragments' literal token multisets, names left out."""
        inter, total_a, total_b = self._shared(fa, fb)
        union = total_a + total_b - inter
        return inter / union if union > 0 else 0.0

    def containment(self, fa: Fragment, fb: Fragment) -> float:
        """The same shared weight over the smaller side's: how much of the smaller is in the larger (a file
        split in two shares little with the whole by Jaccard, and most of itself)."""
        inter, total_a, total_b = self._shared(fa, fb)
        least = min(total_a, total_b)
        return inter / least if least > 0 else 0.0


def canonical(rec: FileRecord, f: Fragment) -> list[int]:
    """The literal stream with every NAME replaced by the order of its first appearance in the
    fragment (alpha-renaming): a consistently renamed copy reads the same, values still differ."""
    names: dict[int, int] = {}
    out: list[int] = []
    for k in range(f.start, f.end):
        if rec.struct[k] in NAME_TOKENS:
            out.append(-1 - names.setdefault(rec.lit[k], len(names)))
        else:
            out.append(rec.lit[k])
    return out


def line_hashes(rec: FileRecord, f: Fragment) -> list[int]:
    """One hash per source line of the fragment, from its alpha-renamed literal tokens."""
    canon = canonical(rec, f)
    out: list[int] = []
    current = -1
    row: list[int] = []
    for k, token in zip(range(f.start, f.end), canon, strict=True):
        if rec.lines[k] != current and row:
            out.append(hash(tuple(row)))
            row = []
        current = rec.lines[k]
        row.append(token)
    if row:
        out.append(hash(tuple(row)))
    return out
