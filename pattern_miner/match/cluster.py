"""Group confirmed clone pairs into patterns.

- Largest unit first: a pair whose two fragments both lie inside the two sides of a larger confirmed
  pair between the same files is dropped (a copied file is one pattern, not also its twelve functions).
- Union-find joins the remaining pairs into N-way groups.
- A group must span at least ``min_repos`` repositories, and a group present in too large a share of all
  repositories is boilerplate (when there are enough repositories for a share to mean anything).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pattern_miner.match.fragments import Fragment
from pattern_miner.match.pairs import ClonePair

# A group in more than this share of all repositories is boilerplate — but only with at least
# BOILERPLATE_MIN_REPOS repositories; below that, "most repos" is just "a few".
BOILERPLATE_SHARE = 0.8
BOILERPLATE_MIN_REPOS = 6


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]  # fragment ids
    pairs: tuple[ClonePair, ...]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _inside(inner: Fragment, outer: Fragment) -> bool:
    return inner.file == outer.file and outer.start <= inner.start and inner.end <= outer.end


def largest_units(pairs: Sequence[ClonePair], fragments: Sequence[Fragment]) -> list[ClonePair]:
    """Drop pairs explained by a larger pair between the same two files."""
    ordered = sorted(pairs, key=lambda p: -(fragments[p.a].size + fragments[p.b].size))
    kept: list[ClonePair] = []
    by_files: dict[tuple[int, int], list[tuple[Fragment, Fragment]]] = defaultdict(list)
    for pair in ordered:
        fa, fb = fragments[pair.a], fragments[pair.b]
        covered = any(
            _inside(fa, oa) and _inside(fb, ob)
            for oa, ob in by_files.get((fa.file, fb.file), ())
        ) or any(
            _inside(fb, oa) and _inside(fa, ob)
            for oa, ob in by_files.get((fb.file, fa.file), ())
        )
        if covered:
            continue
        kept.append(pair)
        by_files[(fa.file, fb.file)].append((fa, fb))
    return kept


def group_pairs(
    pairs: Sequence[ClonePair],
    fragments: Sequence[Fragment],
    *,
    min_repos: int,
    total_repos: int,
) -> tuple[list[Group], int]:
    """Union-find over the pairs; returns the groups and how many were dropped as boilerplate."""
    kept = largest_units(pairs, fragments)
    uf = _UnionFind()
    for pair in kept:
        uf.union(pair.a, pair.b)
    members: dict[int, set[int]] = defaultdict(set)
    edges: dict[int, list[ClonePair]] = defaultdict(list)
    for pair in kept:
        root = uf.find(pair.a)
        members[root].update((pair.a, pair.b))
        edges[root].append(pair)
    groups: list[Group] = []
    boilerplate = 0
    for root, ids in members.items():
        ids = _outermost(ids, fragments)
        repos = {fragments[i].repo for i in ids}
        if len(repos) < min_repos:
            continue
        if total_repos >= BOILERPLATE_MIN_REPOS and len(repos) > BOILERPLATE_SHARE * total_repos:
            boilerplate += 1
            continue
        groups.append(Group(tuple(sorted(ids)), tuple(edges[root])))
    return groups, boilerplate


def _outermost(ids: set[int], fragments: Sequence[Fragment]) -> set[int]:
    """Within one group, a fragment nested in another of the same file is the same copy."""
    out = set(ids)
    by_file: dict[int, list[Fragment]] = defaultdict(list)
    for i in ids:
        by_file[fragments[i].file].append(fragments[i])
    for frags in by_file.values():
        if len(frags) < 2:
            continue
        for f in frags:
            if any(g.id != f.id and _inside(f, g) and g.size > f.size for g in frags):
                out.discard(f.id)
    return out
