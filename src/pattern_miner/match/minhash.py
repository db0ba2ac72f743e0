"""MinHash signatures and LSH banding: near-duplicate candidates without comparing all pairs.

Each fragment is the set of its token shingles. MinHash estimates the Jaccard similarity of two sets
from the agreement of their signatures; LSH groups signatures by bands so that only fragments agreeing
on some whole band become a candidate pair. With BANDS bands of ROWS rows, a pair whose Jaccard is J
becomes a candidate with probability 1 - (1 - J^ROWS)^BANDS:

    J = 0.2 → 0.73    J = 0.3 → 0.95    J = 0.5 → 1.00    J = 0.05 → 0.08

A Type-3 copy (a few statements added, removed or changed) keeps most of its 6-token shingles, so its
Jaccard stays well above 0.3; every candidate is then confirmed by the exact token similarity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from pattern_miner.match import paircodes

PERMUTATIONS = 64
ROWS = 2
BANDS = PERMUTATIONS // ROWS
_CHUNK = 1 << 12  # shingles hashed per numpy call: small enough to stay in cache (~CHUNK × PERMUTATIONS × 8 bytes)

_rng = np.random.default_rng(20240611)  # fixed: signatures must agree across runs and processes
_SEEDS = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_MULTS = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_MAX = np.iinfo(np.uint64).max


def _hash(values: np.ndarray) -> np.ndarray:
    """The hashes of every value under every permutation: (len(values), PERMUTATIONS) uint64."""
    with np.errstate(over="ignore"):
        hashed = values[:, None] ^ _SEEDS[None, :]
        hashed *= _MULTS[None, :]
        hashed ^= hashed >> np.uint64(29)
    return hashed


def range_signatures(arrays: Sequence[np.ndarray], ranges: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """One MinHash signature per range (array index, start, stop): of the values ``arrays[a][start:stop]``.

    The ranges of one array may overlap and nest (a file, its classes, their methods): every value is
    hashed once, its array cut into segments at every range's ends, and a range's signature is the
    minimum over its segments. An empty range gets the all-max signature."""
    width = PERMUTATIONS
    out = np.full((len(ranges), width), _MAX, dtype=np.uint64)
    per_array: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for row, (a, start, stop) in enumerate(ranges):
        if stop > start:
            per_array[a].append((row, start, stop))
    parts: list[np.ndarray] = []
    rows: list[int] = []
    starts: list[int] = []
    stops: list[int] = []
    pending = 0

    def flush() -> None:
        nonlocal pending
        if not parts:
            return
        hashed = _hash(np.concatenate(parts).view(np.uint64))
        first, last = np.array(starts), np.array(stops)
        bounds = np.unique(np.concatenate((first, last)))
        bounds = bounds[bounds < len(hashed)]
        # segment k = hashed[bounds[k]:bounds[k + 1]], plus an all-max row to end the last range on
        segments = np.vstack((np.minimum.reduceat(hashed, bounds, axis=0), np.full((1, width), _MAX)))
        at = np.empty(2 * len(first), dtype=np.intp)
        at[0::2] = np.searchsorted(bounds, first)
        at[1::2] = np.searchsorted(bounds, last)
        out[rows] = np.minimum.reduceat(segments, at, axis=0)[0::2]
        parts.clear()
        rows.clear()
        starts.clear()
        stops.clear()
        pending = 0

    for a, spans in per_array.items():
        low = min(start for _, start, _ in spans)
        high = max(stop for _, _, stop in spans)
        offset = pending - low
        parts.append(arrays[a][low:high])
        for row, start, stop in spans:
            rows.append(row)
            starts.append(start + offset)
            stops.append(stop + offset)
        pending += high - low
        if pending >= _CHUNK:
            flush()
    flush()
    return out


# odd 64-bit constants to mix a band's rows and its key into one bucket hash
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
                dtype=np.uint64)


def candidate_pairs(
    sigs: np.ndarray, keys: Sequence[object], groups: Sequence[int], *, max_bucket: int = 400
) -> np.ndarray:
    """Pairs (i < j) that share a whole band and a key (e.g. the language) but not a group (the repo),
    as a sorted (n, 2) array without repeats. The bands are the signatures' columns, ROWS at a time.

    A row whose key is None (nothing left to sign) takes part in no pair. A bucket larger than
    ``max_bucket`` is boilerplate that the shingle filter let through; it is skipped. Buckets are found
    by sorting one 64-bit hash of (key, band rows) per row, and the pairs of all buckets of one size are
    listed at once, all in numpy.
    """
    n = len(sigs)
    codes: dict[object, int] = {}
    key_codes = np.array([0 if k is None else codes.setdefault(k, len(codes) + 1) for k in keys], dtype=np.uint64)
    valid = np.flatnonzero(key_codes > 0)
    group = np.asarray(groups, dtype=np.int64)
    found: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        for band in range(sigs.shape[1] // ROWS):
            rows = sigs[valid, band * ROWS:(band + 1) * ROWS]
            h = key_codes[valid] * _MIX[0]
            for r in range(ROWS):
                h = (h ^ rows[:, r]) * _MIX[1 + r % 3]
            order = np.argsort(h, kind="stable")
            ordered = h[order]
            breaks = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
            starts = np.concatenate(([0], breaks))
            sizes = np.diff(np.concatenate((starts, [len(ordered)])))
            members = valid[order]
            for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_bucket)]).tolist():
                x, y = np.triu_indices(size, 1)
                first = starts[sizes == size][:, None]
                i, j = members[first + x].ravel(), members[first + y].ravel()
                apart = group[i] != group[j]
                i, j = i[apart], j[apart]
                found.append(paircodes.encode(np.minimum(i, j), np.maximum(i, j), n))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.stack(paircodes.decode(np.unique(np.concatenate(found)), n), axis=1)
