"""Candidate groups: units of different repositories that share rare elements while their text does not match.

Found without comparing all pairs: an inverted index holds only the rare elements (held by at most
``RARE_SHARE`` of the units), so a pair is scored only when it shares one, and every posting list is short.

A pair's score is ``shared² / sqrt(total_a · total_b)``: the weight of what the two share (``shared``,
the sum of the shared elements' weights, rare elements and traits only) times the share of each
unit's weight that it is (a cosine). The product rewards pairs that share much *and* mostly what they
do: two small helpers that both call ``toLowerCase`` share little; a long script shares much with
every other long script, but a small part of each.

A pair whose text matches is a copy, not a re-implementation: its units are occurrences of one clone
pattern, or they share ``COPY_SHARE`` of their token shingles. It is no candidate.

A group starts from a unit and takes its best partner in each other repository (``GROUP_SIZE`` at
most; none a copy of another). Groups are ranked by their best pair plus half of the next two, and a
group whose best pair, or most of whose units, a better group holds already is dropped.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pattern_miner.records import SHINGLE, Shard
from pattern_miner.semantic.profiles import Rarity, UnitRef

RARE_SHARE = 0.015  # an element held by more of the units than this is vocabulary: not indexed
MIN_RARE_UNITS = 10  # ... but a small scan indexes elements held by up to this many units
MAX_POSTING = 200  # ... and a large one no element held by more (a posting list of n units makes n² pairs)
COPY_SHARE = 0.2  # share of the smaller unit's shingles two units have in common from which they are copies
GROUP_SIZE = 8  # units per candidate group at most: one per repository (Claude reads them all at once)
MIN_PAIR_SCORE = 0.18  # a pair scoring less shares too little to be worth a look (see `pair_score`)


@dataclass(frozen=True)
class Candidate:
    """A candidate group: units (indexes into the unit list), its score, and what its best pair shares."""

    units: tuple[int, ...]  # the first unit, then its best partner in each other repository, best first
    score: float
    shared: tuple[str, ...]  # the elements the first unit shares with its best partner, rarest first
    scores: tuple[float, ...] = ()  # each partner's pair score with the first unit


def pair_score(shared: float, total_a: float, total_b: float) -> float:
    return shared * shared / math.sqrt(total_a * total_b) if total_a > 0 and total_b > 0 else 0.0


def _shingles(shards: Sequence[Shard], unit: UnitRef) -> set[int]:
    rec = shards[unit.repo].files[unit.file]
    values = np.frombuffer(rec.shingles, dtype=np.int64)
    return set(values[unit.start:max(unit.start, unit.end - SHINGLE + 1)].tolist())


def scored_pairs(units: Sequence[UnitRef], rarity: Rarity, totals: Sequence[float]) -> list[tuple[int, int, float]]:
    """Every pair of units from different repositories scoring ``MIN_PAIR_SCORE`` or more on the rare elements
    they share, found from the index (in numpy: a posting list of n units makes n² pairs), by unit ids."""
    limit = min(MAX_POSTING, max(MIN_RARE_UNITS, int(RARE_SHARE * len(units))))
    postings: dict[str, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        for element in sorted(unit.elements):  # sorted: the sums' order, hence their last bits, never varies
            if rarity.df[element] <= limit and rarity.weight(element) > 0:
                postings[element].append(i)
    repo = np.array([u.repo for u in units], dtype=np.int64)
    n = len(units)
    codes: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for element, ids in postings.items():
        if len(ids) < 2:
            continue
        held = np.array(ids, dtype=np.int64)
        first, second = np.triu_indices(len(held), 1)
        a, b = held[first], held[second]
        other = repo[a] != repo[b]
        codes.append(a[other] * n + b[other])
        weights.append(np.full(int(other.sum()), rarity.weight(element)))
    if not codes:
        return []
    pairs, where = np.unique(np.concatenate(codes), return_inverse=True)
    shared = np.bincount(where, weights=np.concatenate(weights))  # summed in element order, as one by one
    a, b = pairs // n, pairs % n
    total = np.asarray(totals, dtype=np.float64)
    both = (total[a] > 0) & (total[b] > 0)
    score = np.zeros(len(pairs))
    score[both] = shared[both] * shared[both] / np.sqrt(total[a[both]] * total[b[both]])  # ``pair_score``
    keep = np.flatnonzero(score >= MIN_PAIR_SCORE)
    return list(zip(a[keep].tolist(), b[keep].tolist(), score[keep].tolist(), strict=True))


def find_candidates(shards: Sequence[Shard], units: Sequence[UnitRef], rarity: Rarity,
                    copies: set[tuple[int, int]] | None = None, *, min_score: float = 0.0,
                    limit: int | None = None) -> list[Candidate]:
    """Candidate groups scoring ``min_score`` or more, best first (``limit`` at most). ``copies``: pairs known
    to be copies (of one clone pattern), never candidates."""
    totals = [sum(rarity.weight(e) for e in sorted(u.elements)) for u in units]  # in one order, every run
    shingles: dict[int, set[int]] = {}

    def copied(a: int, b: int) -> bool:
        if copies and ((a, b) in copies or (b, a) in copies):
            return True
        sa = shingles.setdefault(a, _shingles(shards, units[a]))
        sb = shingles.setdefault(b, _shingles(shards, units[b]))
        return bool(sa and sb) and len(sa & sb) >= COPY_SHARE * min(len(sa), len(sb))

    partners: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for a, b, score in scored_pairs(units, rarity, totals):
        if copied(a, b):
            continue
        partners[a].append((score, b))
        partners[b].append((score, a))
    groups: list[tuple[float, tuple[int, ...], tuple[float, ...]]] = []
    for a, found in partners.items():
        found.sort(key=lambda p: (-p[0], p[1]))
        repos = {units[a].repo}
        members = [a]
        scores: list[float] = []
        for score, b in found:
            if units[b].repo in repos or any(copied(m, b) for m in members[1:]):
                continue
            repos.add(units[b].repo)
            members.append(b)
            scores.append(score)
            if len(members) >= GROUP_SIZE:
                break
        group_score = scores[0] + 0.5 * sum(scores[1:3])
        if group_score >= min_score:
            groups.append((group_score, tuple(members), tuple(scores)))
    groups.sort(key=lambda g: (-g[0], g[1]))
    kept: list[Candidate] = []
    for score, group, pair_scores in groups:
        if any(set(group[:2]) <= set(k.units) or len(set(group) & set(k.units)) > 0.66 * len(group)
               for k in kept):
            continue  # its best pair, or most of it, is in a better group already
        a, b = group[0], group[1]
        shared = sorted(units[a].elements & units[b].elements, key=lambda e: (-rarity.weight(e), e))
        kept.append(Candidate(group, score, tuple(shared[:12]), pair_scores))
        if limit is not None and len(kept) >= limit:
            break
    return kept
