"""Pair codes: a pair of fragment ids as one int64, so that a set of pairs is a single numpy column.

For ``n`` fragments and ids ``a < b < n``, the code of (a, b) is ``a * n + b``: unique, ordered like the
pairs (by a, then b), so ``np.unique`` sorts and deduplicates pairs and ``np.isin`` looks them up, and
``decode`` gives the pair back. Codes stay within int64 while n² does: up to three billion fragments.
"""

from __future__ import annotations

import numpy as np


def encode(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """The codes of the pairs (a[k], b[k]), each a < b < n."""
    codes: np.ndarray = a * n + b
    return codes


def decode(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``codes`` (made with the same ``n``): (a, b) as two arrays."""
    a, b = np.divmod(codes, n)
    return a, b
