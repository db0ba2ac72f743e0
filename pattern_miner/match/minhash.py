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
from collections.abc import Iterator, Sequence

import numpy as np

PERMUTATIONS = 64
ROWS = 2
BANDS = PERMUTATIONS // ROWS
_CHUNK = 1 << 18  # shingles hashed per numpy call: bounds memory to ~CHUNK × PERMUTATIONS × 8 bytes

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


def candidate_pairs(
    sigs: np.ndarray, keys: Sequence[object], groups: Sequence[int], *, max_bucket: int = 400
) -> Iterator[tuple[int, int]]:
    """Pairs (i < j) that share a whole band and a key (e.g. the language) but not a group (the repo).

    A row whose key is None (nothing left to sign) takes part in no pair.

    A bucket larger than ``max_bucket`` is boilerplate that the shingle filter let through; it is skipped.
    """
    seen: set[int] = set()
    n = len(sigs)
    for band in range(BANDS):
        buckets: dict[tuple[object, bytes], list[int]] = defaultdict(list)
        block = np.ascontiguousarray(sigs[:, band * ROWS:(band + 1) * ROWS])
        for i in range(n):
            if keys[i] is None:
                continue
            buckets[(keys[i], block[i].tobytes())].append(i)
        for members in buckets.values():
            if len(members) < 2 or len(members) > max_bucket:
                continue
            for x, i in enumerate(members):
                gi = groups[i]
                for j in members[x + 1:]:
                    if groups[j] == gi:
                        continue
                    code = i * n + j
                    if code not in seen:
                        seen.add(code)
                        yield i, j
