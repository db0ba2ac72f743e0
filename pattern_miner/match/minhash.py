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

from collections.abc import Iterator, Sequence

import numpy as np

PERMUTATIONS = 64
ROWS = 2
BANDS = PERMUTATIONS // ROWS
_CHUNK = 1 << 12  # shingles hashed per numpy call: small enough to stay in cache (~CHUNK × PERMUTATIONS × 8 bytes)

_rng = np.random.default_rng(20240611)  # fixed: signatures must agree across runs and processes
_SEEDS = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_MULTS = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)


def signatures(sets: Sequence[np.ndarray]) -> np.ndarray:
    """One PERMUTATIONS-long MinHash signature per non-empty set of int64 shingle hashes."""
    out = np.empty((len(sets), PERMUTATIONS), dtype=np.uint64)
    batch: list[np.ndarray] = []
    batch_rows: list[int] = []
    pending = 0

    def flush() -> None:
        nonlocal pending
        if not batch:
            return
        values = np.concatenate(batch).view(np.uint64)
        starts = np.cumsum([0] + [len(b) for b in batch[:-1]])
        with np.errstate(over="ignore"):
            hashed = (values[:, None] ^ _SEEDS[None, :]) * _MULTS[None, :]
            hashed ^= hashed >> np.uint64(29)
        out[batch_rows] = np.minimum.reduceat(hashed, starts, axis=0)
        batch.clear()
        batch_rows.clear()
        pending = 0

    for row, values in enumerate(sets):
        if len(values) == 0:
            out[row] = np.iinfo(np.uint64).max
            continue
        batch.append(values)
        batch_rows.append(row)
        pending += len(values)
        if pending >= _CHUNK:
            flush()
    flush()
    return out


# odd 64-bit constants to mix a band's rows and its key into one bucket hash
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
                dtype=np.uint64)


def candidate_pairs(
    sigs: np.ndarray, keys: Sequence[object], groups: Sequence[int], *, max_bucket: int = 400
) -> Iterator[tuple[int, int]]:
    """Pairs (i < j) that share a whole band and a key (e.g. the language) but not a group (the repo).

    A row whose key is None (nothing left to sign) takes part in no pair. A bucket larger than
    ``max_bucket`` is boilerplate that the shingle filter let through; it is skipped. Buckets are found
    by sorting one 64-bit hash of (key, band rows) per row, in numpy.
    """
    n = len(sigs)
    codes: dict[object, int] = {}
    key_codes = np.array([0 if k is None else codes.setdefault(k, len(codes) + 1) for k in keys], dtype=np.uint64)
    valid = np.flatnonzero(key_codes > 0)
    seen: set[int] = set()
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            rows = sigs[valid, band * ROWS:(band + 1) * ROWS]
            h = key_codes[valid] * _MIX[0]
            for r in range(ROWS):
                h = (h ^ rows[:, r]) * _MIX[1 + r % 3]
            order = np.argsort(h, kind="stable")
            ordered = h[order]
            breaks = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
            starts = np.concatenate(([0], breaks))
            ends = np.concatenate((breaks, [len(ordered)]))
            sizes = ends - starts
            chosen = (sizes >= 2) & (sizes <= max_bucket)
            for s, e in zip(starts[chosen].tolist(), ends[chosen].tolist(), strict=True):
                members = sorted(valid[order[s:e]].tolist())
                for x, i in enumerate(members):
                    gi = groups[i]
                    for j in members[x + 1:]:
                        if groups[j] == gi:
                            continue
                        code = i * n + j
                        if code not in seen:
                            seen.add(code)
                            yield i, j
