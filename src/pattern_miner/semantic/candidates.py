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

A group is built around a pair, best pair first, unless a group of a better pair holds both of its
units already: the pair, then the units linked to either of the two, one per other repository, those
linked most to the members so far taken first (``GROUP_SIZE`` at most; none a copy of another). So a
job's variants that are linked only through a third unit (a decoy, another variant) still meet in one
group, and a pair that a better group left apart gets a group of its own. Groups are ranked by their
pair's score plus ``SUPPORT`` times the links of the next two members; a group each of whose units
better groups hold is dropped. (Before: a group was a unit and its best partner per repository, a star that missed
the units linked to the partner: bench/semantic.py, 12/30 -> 13/30 found at fewer calls, see find.py.)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pattern_miner.records import SHINGLE, Shard
from pattern_miner.semantic.profiles import Rarity, UnitRef

RARE_SHARE = 0.015  # an element held by more of the units than this is vocabulary: not indexed
MIN_RARE_UNITS = 10  # ... but a small scan indexes elements held by up to this many units
MAX_POSTING = 200  # ... and a large one no element held by more (a posting list of n units makes n² pairs)
COPY_SHARE = 0.2  # share of the smaller unit's shingles two units have in common from which they are copies
GROUP_SIZE = 8  # units per candidate group at most: one per repository (Claude reads them all at once)
CHUNK_PAIRS = 1_000_000  # pairs made at a time (a posting list of MAX_POSTING units makes ~20,000)
MIN_PAIR_SCORE = 0.18  # a pair scoring less shares too little to be worth a look (see `pair_score`)
TWIN_SHARE = 0.6  # copies sharing this much of the larger one's weight do the same things: one question for both
SUPPORT = 0.5  # a group's score: its pair's, plus this times the links of its next two members (1.0 or 0.25:
# fewer true groups among the first 18 of seeds 1-5, 14 of 30 -> 14 / 12 at more calls)


@dataclass(frozen=True)
class Candidate:
    """A candidate group: units (indexes into the unit list), its score, and what its best pair shares."""

    units: tuple[int, ...]  # its pair, then the units linked to either, one per other repository
    score: float
    shared: tuple[str, ...]  # the elements its pair shares, rarest first
    scores: tuple[float, ...] = ()  # each unit after the first: its best pair score with the pair's two


def pair_score(shared: float, total_a: float, total_b: float) -> float:
    return shared * shared / math.sqrt(total_a * total_b) if total_a > 0 and total_b > 0 else 0.0


def _shingles(shards: Sequence[Shard], unit: UnitRef) -> set[int]:
    rec = shards[unit.repo].files[unit.file]
    values = np.frombuffer(rec.shingles, dtype=np.int64)
    return set(values[unit.start:max(unit.start, unit.end - SHINGLE + 1)].tolist())


def scored_pairs(units: Sequence[UnitRef], rarity: Rarity, totals: Sequence[float]) -> list[tuple[int, int, float]]:
    """Every pair of units from different repositories scoring ``MIN_PAIR_SCORE`` or more on the rare elements
    they share, found from the index (a posting list of n units makes n² pairs, all made in one numpy pass:
    for each posting, every later posting of its list), by unit ids."""
    limit = min(MAX_POSTING, max(MIN_RARE_UNITS, int(RARE_SHARE * len(units))))
    indexed = {e for e, df in rarity.df.items() if 2 <= df <= limit and rarity.weight(e) > 0}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        for element in sorted(unit.elements & indexed):  # sorted: the sums' order, hence their last bits, never varies
            postings[element].append(i)
    lists = [(element, ids) for element, ids in postings.items() if len(ids) >= 2]
    repo = np.array([u.repo for u in units], dtype=np.int64)
    n = len(units)
    codes: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    start = 0
    while start < len(lists):  # in chunks of about CHUNK_PAIRS pairs: the arrays of one chunk stay small
        end, count = start, 0
        while end < len(lists) and (end == start or count < CHUNK_PAIRS):
            count += len(lists[end][1]) * (len(lists[end][1]) - 1) // 2
            end += 1
        code, weight = _list_pairs(lists[start:end], rarity, repo, n)
        codes.append(code)
        weights.append(weight)
        start = end
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


def _list_pairs(lists: Sequence[tuple[str, list[int]]], rarity: Rarity, repo: np.ndarray,
                n: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of units of different repositories in posting lists (each with every later posting of its list,
    in the order np.triu_indices gives), as codes ``a * n + b``, and their element's weight."""
    held = np.fromiter((i for _, ids in lists for i in ids), dtype=np.int64)
    sizes = np.array([len(ids) for _, ids in lists], dtype=np.int64)
    list_start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    later = np.repeat(sizes, sizes) - (np.arange(len(held)) - list_start) - 1  # later postings in the same list
    first = np.repeat(np.arange(len(held)), later)
    second = first + 1 + np.arange(int(later.sum())) - np.repeat(np.cumsum(later) - later, later)
    a, b = held[first], held[second]
    element_weight = np.array([rarity.weight(element) for element, _ in lists])
    other = repo[a] != repo[b]
    weight = element_weight[np.repeat(np.arange(len(lists)), sizes)][first[other]]
    return a[other] * n + b[other], weight


def find_candidates(shards: Sequence[Shard], units: Sequence[UnitRef], rarity: Rarity,
                    copies: set[tuple[int, int]] | None = None, *, min_score: float = 0.0,
                    limit: int | None = None) -> list[Candidate]:
    """Candidate groups scoring ``min_score`` or more, best first (``limit`` at most). ``copies``: pairs known
    to be copies (of one clone pattern), never candidates."""
    weight = {e: rarity.weight(e) for e in rarity.df}
    totals = [sum(map(weight.__getitem__, sorted(u.elements))) for u in units]  # in one order, every run
    shingles: dict[int, set[int]] = {}

    def shingles_of(i: int) -> set[int]:
        found = shingles.get(i)
        if found is None:
            found = shingles[i] = _shingles(shards, units[i])  # once per unit (setdefault built it every time)
        return found

    def copied(a: int, b: int) -> bool:
        if copies and ((a, b) in copies or (b, a) in copies):
            return True
        sa, sb = shingles_of(a), shingles_of(b)
        return bool(sa and sb) and len(sa & sb) >= COPY_SHARE * min(len(sa), len(sb))

    pairs: list[tuple[int, int, float]] = []
    twins: set[tuple[int, int]] = set()
    for a, b, score in scored_pairs(units, rarity, totals):
        if not copied(a, b):
            pairs.append((a, b, score))
        elif math.sqrt(score * math.sqrt(totals[a] * totals[b])) >= TWIN_SHARE * max(totals[a], totals[b]):
            twins.update(((a, b), (b, a)))  # copies that do the same things (their shared weight, from the score)
    groups = pair_groups(pairs, [u.repo for u in units], copied, twins)
    kept: list[Candidate] = []
    held: set[int] = set()
    for score, group, pair_scores in groups:
        if score < min_score:
            break
        if held.issuperset(group):
            continue  # better groups hold each of its units
        held.update(group)
        a, b = group[0], group[1]
        shared = sorted(units[a].elements & units[b].elements, key=lambda e: (-rarity.weight(e), e))
        kept.append(Candidate(group, score, tuple(shared[:12]), pair_scores))
        if limit is not None and len(kept) >= limit:
            break
    return kept


def pair_groups(pairs: Sequence[tuple[int, int, float]], repos: Sequence[int],
                copied: Callable[[int, int], bool] = lambda a, b: False, twins: set[tuple[int, int]] | None = None,
                ) -> list[tuple[float, tuple[int, ...], tuple[float, ...]]]:
    """(score, units, pair scores) of the group of every pair no group of a better pair holds, best first: a
    pair's group is the pair and the units linked to either of its two (``grow``). A group holds the twins of
    its members too (copies that do the same things: ``twins``, pairs both ways): a pair of a member and a
    twin of another member is no new question (one template's Dockerfiles, each a pair with one other file)."""
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for a, b, score in pairs:
        links[a][b] = links[b][a] = score
    held: dict[int, set[int]] = defaultdict(set)  # unit -> the groups (by number) that hold it
    groups: list[tuple[float, tuple[int, ...], tuple[float, ...]]] = []
    twin = twins or set()
    for a, b, score in sorted(pairs, key=lambda p: (-p[2], p[0], p[1])):
        if held[a] & held[b]:
            continue  # a group with both holds this pair already
        members, scores = grow(a, b, score, links, repos, copied)
        for m in members:
            held[m].add(len(groups))
        for c in (set(links[a]) | set(links[b])).difference(members) if twin else ():
            if any((m, c) in twin for m in members):
                held[c].add(len(groups))
        groups.append((score + SUPPORT * sum(scores[1:3]), members, scores))
    groups.sort(key=lambda g: (-g[0], g[1]))
    return groups


def grow(a: int, b: int, score: float, links: dict[int, dict[int, float]], repos: Sequence[int],
         copied: Callable[[int, int], bool]) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The group of a pair: the pair, then the units linked to either, one per other repository, those linked
    most to the members taken first (``GROUP_SIZE`` at most; none a copy of another)."""
    members = [a, b]
    scores = [score]
    taken = {repos[a], repos[b]}
    order = sorted((set(links[a]) | set(links[b])) - {a, b})
    weight = {c: links[c].get(a, 0.0) + links[c].get(b, 0.0) for c in order}  # its links to the members so far
    while len(members) < GROUP_SIZE:
        best: tuple[float, int] | None = None
        for c in order:
            if c in weight and repos[c] not in taken and (best is None or weight[c] > best[0]):
                best = (weight[c], c)
        if best is None:
            break
        c = best[1]
        del weight[c]
        if any(copied(m, c) for m in members):
            continue
        members.append(c)
        taken.add(repos[c])
        scores.append(max(links[c].get(a, 0.0), links[c].get(b, 0.0)))
        for d, link in links[c].items():
            if d in weight:
                weight[d] += link
    return tuple(members), tuple(scores)
