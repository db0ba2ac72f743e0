"""Token-level similarity: the length of the longest common subsequence, by bit-parallel LCS.

For sequences a and b, Dice(LCS) = 2·|LCS(a, b)| / (|a| + |b|): 1.0 for identical streams, and it falls
by the share of tokens inserted, deleted or changed, which is what a near-miss (Type-3) copy is.
The bit-vector algorithm (Allison–Dix / Hyyrö) processes one token of b per step over a machine-word
bitset of a, so a 1,000 × 1,000 comparison costs 1,000 big-integer steps instead of a million cells.
"""

from __future__ import annotations

from collections.abc import Sequence


def match_masks(a: Sequence[int]) -> dict[int, int]:
    """For each token, the bitset of its positions in ``a`` (reusable across comparisons with ``a``)."""
    masks: dict[int, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    return masks


def lcs_length(a: Sequence[int], b: Sequence[int], masks: dict[int, int] | None = None) -> int:
    """|LCS(a, b)|; ``masks`` may be ``match_masks(a)`` computed earlier (``a`` must be the longer)."""
    if not a or not b:
        return 0
    if len(a) < len(b):
        a, b = b, a
        masks = None
    if masks is None:
        masks = match_masks(a)
    full = (1 << len(a)) - 1
    v = full
    for token in b:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def dice(a: Sequence[int], b: Sequence[int]) -> float:
    """2·LCS / (|a| + |b|), in [0, 1]."""
    if not a and not b:
        return 1.0
    return 2.0 * lcs_length(a, b) / (len(a) + len(b))


def dice_upper_bound(len_a: int, len_b: int) -> float:
    """No pair of these lengths can be more similar than this: the LCS is at most the shorter one."""
    if len_a + len_b == 0:
        return 1.0
    return 2.0 * min(len_a, len_b) / (len_a + len_b)
