"""Group confirmed clone pairs into patterns.

- Largest unit first: a pair whose two fragments both lie inside the two sides of a larger confirmed
  pair between the same files is dropped (a copied file is one pattern, not also its twelve functions).
- Union-find joins the strong pairs into N-way groups. A weak pair (see ``confirm``) then only attaches
  a fragment that is still alone to its best match; it never joins two groups, so one borderline
  match cannot merge two patterns — but two groups whose copies match each other for the most part, by
  weak pairs, are one (``_agreeing``).
- A group must span at least ``min_repos`` repositories, and a group present in too large a share of all
  repositories is boilerplate (when there are enough repositories for a share to mean anything).
- A group a rule drops keeps its identical copies (``identical_subgroups``): when they alone are not
  boilerplate, they are a group of their own. Nothing identical is lost without a rule to say why
  (``Grouping.dropped``, ``Grouping.left_out``; counted by ``accounting``).
- A group must remove enough duplication to be worth a shared library: (copies - 1) x code lines of at
  least ``min_duplicated_lines``. Two copies of a six-line helper are a coincidence more often than a
  copy, and never an extraction opportunity; five copies of it are both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pattern_miner.match.confirm import ClonePair
from pattern_miner.match.fragments import Fragment
from pattern_miner.records import CONFIG_LANGUAGES

# A group in more than this share of all repositories is boilerplate — but only with at least
# BOILERPLATE_MIN_REPOS repositories; below that, "most repos" is just "a few".
BOILERPLATE_SHARE = 0.8
BOILERPLATE_MIN_REPOS = 6
# A configuration snippet (a workflow step, a compose service, a Terraform block) in more than half of
# all repositories is a convention — the standard notify step, the standard database service.
CONVENTION_SHARE = 0.5
# ... and so is a snippet in TEMPLATE_REPOS repositories or more of which no two copies are identical (values
# included): the standard notify step with each repository's channel, the standard Redis block with each
# service's name, are instances of one template rather than copies of one another.
TEMPLATE_REPOS = 3
# Two groups joined by weak pairs: at least this many, and this share of all the pairs between them
AGREE_PAIRS = 2
AGREE_SHARE = 0.5
# Rare-content overlap of identical values (1, but for the rounding of a weighted sum)
IDENTICAL_RARE = 1.0 - 1e-9


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]  # fragment ids
    pairs: tuple[ClonePair, ...]


class UnionFind:
    """Disjoint sets of ints; a set's root is its smallest member (path compression on find)."""

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


@dataclass(frozen=True)
class Grouping:
    """What ``grouping`` made of the pairs: the groups to report, and the groups dropped by a rule."""

    groups: list[Group]
    # (group, rule): "min_repos", "boilerplate", "convention" or "min_duplicated_lines"
    dropped: list[tuple[Group, str]]
    # fragments that took part in a confirmed pair but are in no group: "inside_larger" (a larger pair
    # between the same files holds them), "one_per_file" (another copy in its file stands for the group),
    # "weak" (only weak pairs, none of them its best match into a group)
    left_out: dict[int, str]


def group_pairs(
    pairs: Sequence[ClonePair],
    fragments: Sequence[Fragment],
    *,
    min_repos: int,
    total_repos: int,
    min_duplicated_lines: int = 0,
) -> tuple[list[Group], int]:
    """Union-find over the pairs; returns the groups and how many were dropped as boilerplate."""
    found = grouping(pairs, fragments, min_repos=min_repos, total_repos=total_repos,
                     min_duplicated_lines=min_duplicated_lines)
    return found.groups, sum(rule != "min_repos" for _, rule in found.dropped)


def grouping(
    pairs: Sequence[ClonePair],
    fragments: Sequence[Fragment],
    *,
    min_repos: int,
    total_repos: int,
    min_duplicated_lines: int = 0,
) -> Grouping:
    """Union-find over the pairs into groups; the groups a rule drops, and the identical copies in them
    that make a group of their own that no rule drops (``identical_subgroups``)."""
    kept = largest_units(pairs, fragments)
    left_out = {i: "inside_larger" for p in pairs for i in (p.a, p.b)}
    left_out.update({i: "weak" for p in kept for i in (p.a, p.b)})
    uf = UnionFind()
    size: dict[int, int] = defaultdict(lambda: 1)
    for pair in kept:
        if pair.strong:
            ra, rb = uf.find(pair.a), uf.find(pair.b)
            if ra != rb:
                uf.union(ra, rb)
                size[uf.find(ra)] = size[ra] + size[rb]
    best: dict[int, float] = defaultdict(float)
    for pair in kept:
        best[pair.a] = max(best[pair.a], pair.evidence)
        best[pair.b] = max(best[pair.b], pair.evidence)
    attached = []
    for pair in sorted((p for p in kept if not p.strong), key=lambda p: (-p.evidence, p.a, p.b)):
        ra, rb = uf.find(pair.a), uf.find(pair.b)
        if ra == rb or (size[ra] > 1 and size[rb] > 1):
            continue
        alone = pair.a if size[ra] == 1 else pair.b
        if pair.evidence < best[alone]:
            continue  # not its best match
        uf.union(ra, rb)
        size[uf.find(ra)] = size[ra] + size[rb]
        attached.append(pair)
    attached += _agreeing(kept, uf, size)
    kept = [p for p in kept if p.strong] + attached
    members: dict[int, set[int]] = defaultdict(set)
    edges: dict[int, list[ClonePair]] = defaultdict(list)
    for pair in kept:
        root = uf.find(pair.a)
        members[root].update((pair.a, pair.b))
        edges[root].append(pair)
    out = Grouping([], [], {})
    for root, ids in members.items():
        chosen = _one_per_file(ids, edges[root], fragments)
        for i in ids:
            left_out.pop(i, None)
            if i not in chosen:
                left_out[i] = "one_per_file"
        group = Group(tuple(sorted(chosen)), tuple(p for p in edges[root] if p.a in chosen and p.b in chosen))
        rule = _rule(group, fragments, min_repos, total_repos, min_duplicated_lines)
        if rule is None:
            out.groups.append(group)
            continue
        out.dropped.append((group, rule))
        if rule in ("boilerplate", "convention"):
            for sub in identical_subgroups(group):
                if _rule(sub, fragments, min_repos, total_repos, min_duplicated_lines) is None:
                    out.groups.append(sub)
    out.left_out.update(left_out)
    return out


def _agreeing(kept: Sequence[ClonePair], uf: UnionFind, size: dict[int, int]) -> list[ClonePair]:
    """Join two groups that their weak pairs tie as a whole: at least AGREE_PAIRS of them, and AGREE_SHARE of
    all the pairs between the two groups (one borderline match never joins two groups; most of their copies
    matching each other do). Returns the weak pairs that joined."""
    between: dict[tuple[int, int], list[ClonePair]] = defaultdict(list)
    for p in kept:
        ra, rb = uf.find(p.a), uf.find(p.b)
        if not p.strong and ra != rb and size[ra] > 1 and size[rb] > 1:
            between[(min(ra, rb), max(ra, rb))].append(p)
    joined: list[ClonePair] = []
    for (ra, rb), ties in sorted(between.items()):
        ties = list({(p.a, p.b): p for p in ties}.values())
        if len(ties) < AGREE_PAIRS or len(ties) < AGREE_SHARE * size[ra] * size[rb]:
            continue
        ra, rb = uf.find(ra), uf.find(rb)
        if ra != rb:
            uf.union(ra, rb)
            size[uf.find(ra)] = size[ra] + size[rb]
            joined += ties
    return joined


def _rule(group: Group, fragments: Sequence[Fragment], min_repos: int, total_repos: int,
          min_duplicated_lines: int) -> str | None:
    """The rule that drops the group, or None when it is reported."""
    ids = group.members
    repos = {fragments[i].repo for i in ids}
    if len(repos) < min_repos:
        return "min_repos"
    snippet = all(fragments[i].kind != "file" and fragments[i].language in CONFIG_LANGUAGES for i in ids)
    share = CONVENTION_SHARE if snippet else BOILERPLATE_SHARE
    if total_repos >= BOILERPLATE_MIN_REPOS and len(repos) > share * total_repos:
        return "convention" if snippet else "boilerplate"
    if snippet and len(repos) >= TEMPLATE_REPOS and not any(identical(p) for p in group.pairs):
        return "convention"  # every copy fills the same slots with its own values: one template's instances
    mean_lines = sum(fragments[i].code_lines for i in ids) / len(ids)
    if (len(repos) - 1) * mean_lines < min_duplicated_lines:
        return "min_duplicated_lines"
    return None


def identical_subgroups(group: Group) -> list[Group]:
    """The copies of a group that are identical to each other (Type-1, or Type-2: names renamed), joined by
    its ``identical`` pairs: a pair of identical files among many variants of one template is a copy, even
    where the variants are boilerplate."""
    uf = UnionFind()
    for p in group.pairs:
        if identical(p):
            uf.union(p.a, p.b)
    parts: dict[int, list[int]] = defaultdict(list)
    for i in group.members:
        if i in uf.parent:
            parts[uf.find(i)].append(i)
    if len(parts) == 1 and len(next(iter(parts.values()))) == len(group.members):
        return []  # the group itself
    return [Group(tuple(sorted(ids)), tuple(p for p in group.pairs if p.a in ids and p.b in ids and identical(p)))
            for ids in (set(v) for v in parts.values())]


def identical(pair: ClonePair) -> bool:
    """A strong pair of identical copies, but for names: the structural streams are equal (similarity 1:
    an LCS as long as both) and so are the values, for configuration (rare content overlap 1; code
    counts 1 there)."""
    return pair.strong and pair.similarity == 1.0 and pair.rare >= IDENTICAL_RARE


def _one_per_file(ids: set[int], pairs: Sequence[ClonePair], fragments: Sequence[Fragment]) -> set[int]:
    """One copy per file: of several fragments of one file in a group (a function and its sibling, a
    file and a function in it), keep the one most strongly tied to the rest of the group."""
    by_file: dict[int, list[int]] = defaultdict(list)
    for i in ids:
        by_file[fragments[i].file].append(i)
    if all(len(v) == 1 for v in by_file.values()):
        return ids
    tie: dict[int, float] = defaultdict(float)
    for p in pairs:
        tie[p.a] += p.evidence
        tie[p.b] += p.evidence
    return {max(v, key=lambda i: (tie[i], fragments[i].size, -i)) for v in by_file.values()}
