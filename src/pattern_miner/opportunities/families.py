"""Families: repositories that are near-forks of each other, or were generated from one template.

Two repositories are a family when most files of the smaller one are in the other at the same path with the
same or lightly edited content (FAMILY_SHARE of its files, at least FAMILY_MIN_FILES). Families are the
connected groups of such pairs. Copies inside a family are not independent reuse: the family is reported
once, with what its members share and where they diverged, and it counts as one repository elsewhere.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pattern_miner.model import FileEntry
from pattern_miner.opportunities.inventory import resemblance

FAMILY_SHARE = 0.6  # share of the smaller repository's files that the other holds: most of them
FAMILY_MIN_FILES = 5  # fewer shared files is a few copied files, not a copied repository
EDITED = 0.5  # resemblance of two versions of one path that makes them one file edited, not two files
MIN_LINES = 3  # smaller files (empty __init__.py, one-line configs) say nothing about where a file came from
COMMON_PATH = 40  # a path in more repositories than this (README.md, .gitignore) proposes no pair by itself


@dataclass(frozen=True)
class Family:
    repos: tuple[str, ...]  # sorted
    share: float  # the smallest share of a member's files found in the others
    shared: tuple[tuple[str, str], ...]  # (path, "identical" | "edited" | "only <repo>, <repo>")
    files: tuple[FileEntry, ...]  # the members' copies of every path held by two members or more


def _state(a: FileEntry, b: FileEntry) -> str | None:
    if a.digest == b.digest:
        return "identical"
    return "edited" if resemblance(a.sketch, b.sketch) >= EDITED else None


def _pairs(by_repo: Mapping[str, Mapping[str, FileEntry]]) -> Iterable[tuple[str, str]]:
    """Pairs of repositories that hold enough paths in common to be a family: candidates from an index of
    paths, so an organisation of thousands is not compared pair by pair."""
    holders: dict[str, list[str]] = defaultdict(list)
    for repo, files in by_repo.items():
        for path in files:
            holders[path].append(repo)
    common: Counter[tuple[str, str]] = Counter()
    for repos in holders.values():
        if 2 <= len(repos) <= COMMON_PATH:
            common.update(itertools.combinations(sorted(repos), 2))
    return [pair for pair, n in common.items() if n >= FAMILY_MIN_FILES - 1]


def _share(a: Mapping[str, FileEntry], b: Mapping[str, FileEntry]) -> float:
    same = sum(1 for path, entry in a.items() if path in b and _state(entry, b[path]))
    if same < FAMILY_MIN_FILES:
        return 0.0
    return same / max(1, min(len(a), len(b)))


def find_families(inventory: Sequence[FileEntry]) -> list[Family]:
    """Every family of two repositories or more, largest first."""
    by_repo: dict[str, dict[str, FileEntry]] = defaultdict(dict)
    for entry in inventory:
        if entry.lines >= MIN_LINES:
            by_repo[entry.repo][entry.path] = entry
    parent: dict[str, str] = {}

    def root(r: str) -> str:
        while parent.get(r, r) != r:
            r = parent[r]
        return r

    shares: dict[tuple[str, str], float] = {}
    for a, b in _pairs(by_repo):
        share = _share(by_repo[a], by_repo[b])
        if share >= FAMILY_SHARE:
            shares[(a, b)] = share
            parent[root(a)] = root(b)
    members: dict[str, list[str]] = defaultdict(list)
    for repo in {r for pair in shares for r in pair}:
        members[root(repo)].append(repo)
    families = [_family(sorted(repos), by_repo, shares) for repos in members.values()]
    return sorted(families, key=lambda f: (-len(f.repos), f.repos))


def _family(repos: list[str], by_repo: Mapping[str, Mapping[str, FileEntry]],
            shares: Mapping[tuple[str, str], float]) -> Family:
    paths = sorted({p for r in repos for p in by_repo[r]})
    shared: list[tuple[str, str]] = []
    files: list[FileEntry] = []
    for path in paths:
        held = [by_repo[r][path] for r in repos if path in by_repo[r]]
        if len(held) < len(repos):
            shared.append((path, "only " + ", ".join(e.repo for e in held)))
        elif len({e.digest for e in held}) == 1:
            shared.append((path, "identical"))
        else:
            states = {_state(held[0], e) for e in held[1:]}
            shared.append((path, "edited" if None not in states else "different"))
        if len(held) >= 2 and any(_state(held[0], e) for e in held[1:]):
            files.extend(held)
    share = min((s for pair, s in shares.items() if pair[0] in repos), default=0.0)
    return Family(tuple(repos), share, tuple(shared), tuple(files))
