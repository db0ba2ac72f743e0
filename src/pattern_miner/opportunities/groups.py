"""Which clone groups one extraction removes together: families' own patterns, stock templates, and
libraries (clone groups that travel together: the same file, or the same folder, in the same repositories).

Every pattern lands in exactly one place:
- ``family``: all its copies lie inside one family of near-forks;
- ``template``: a whole file identical, at one path, in many repositories (a tool's stock file);
- ``linked``: groups of two patterns or more whose copies share files (or a path-preserving folder) in two
  independent repositories or more: a library, or a large edited copy (region);
- ``single``: the rest.
Repositories of one family count as one (``cluster``): a fork's copy of a file is not a second library.
"""

from __future__ import annotations

import math
import posixpath
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pattern_miner.model import FileEntry, Pattern

TEMPLATE_SHARE = 0.3  # a stock file is in this share of the (independent) repositories, or more
TEMPLATE_MIN_REPOS = 3
LINK_CLUSTERS = 2  # two patterns travel together when their copies share files in this many repositories
GENERIC_DIRS = frozenset({"", ".", "src", "lib", "app", "scripts", "bin", "tools", "test", "tests", "docs",
                          "pkg", "cmd", "internal", "deploy", "ci", "ops", "config", "utils", "common",
                          "shared", "packages", "vendor", "infra", "terraform", ".github", ".github/workflows"})


@dataclass
class Grouping:
    family: dict[int, list[Pattern]] = field(default_factory=dict)  # family index -> its own patterns
    templates: list[Pattern] = field(default_factory=list)
    linked: list[list[Pattern]] = field(default_factory=list)
    single: list[Pattern] = field(default_factory=list)


def is_template(pattern: Pattern, digests: Mapping[tuple[str, str], str], cluster: Mapping[str, str],
                clusters: int) -> bool:
    """A whole file, at the same path in every copy, with the same text in every copy, in at least
    TEMPLATE_SHARE of the independent repositories."""
    if pattern.kind != "file" or len({o.path for o in pattern.occurrences}) != 1:
        return False
    if len({digests.get((o.repo, o.path)) for o in pattern.occurrences}) != 1:
        return False
    independent = len({cluster.get(r, r) for r in pattern.repos})
    return independent >= max(TEMPLATE_MIN_REPOS, math.ceil(TEMPLATE_SHARE * clusters))


def _folder_keys(pattern: Pattern, cluster: Mapping[str, str]) -> set[tuple[str, str]]:
    """(cluster, folder) of copies kept at the same specific folder in every repository: a copied package
    keeps its layout (``app/framework/``), while ``src/`` says nothing."""
    folders = {posixpath.dirname(o.path) for o in pattern.occurrences}
    if len(folders) != 1:
        return set()
    folder = folders.pop()
    if folder in GENERIC_DIRS:
        return set()
    return {(cluster.get(o.repo, o.repo), "dir:" + folder) for o in pattern.occurrences}


def unit_of(path: str, language: str) -> str:
    """What a copy belongs to: its file, but for Terraform its folder (every ``.tf`` file of a folder is one
    module: a stack split over two files is still one module)."""
    if language == "hcl" and path.endswith((".tf", ".tf.json")):
        return posixpath.dirname(path) + "/*.tf"
    return path


def link(patterns: Sequence[Pattern], cluster: Mapping[str, str]) -> list[list[Pattern]]:
    """Connected groups of patterns whose copies share a file (or a specific folder) in LINK_CLUSTERS
    independent repositories or more; each group in the order of ``patterns``."""
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, p in enumerate(patterns):
        for o in p.occurrences:
            holders[(cluster.get(o.repo, o.repo), unit_of(o.path, o.language or p.language))].add(i)
        for key in _folder_keys(p, cluster):
            holders[key].add(i)
    shared: dict[tuple[int, int], set[str]] = defaultdict(set)
    for (where, _), members in holders.items():
        ordered = sorted(members)
        for x, a in enumerate(ordered):
            for b in ordered[x + 1:]:
                shared[(a, b)].add(where)
    parent = list(range(len(patterns)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (a, b), wheres in shared.items():
        if len(wheres) >= LINK_CLUSTERS:
            parent[root(a)] = root(b)
    groups: dict[int, list[Pattern]] = defaultdict(list)
    for i, p in enumerate(patterns):
        groups[root(i)].append(p)
    return list(groups.values())


def group(patterns: Sequence[Pattern], families: Sequence[Sequence[str]], inventory: Sequence[FileEntry],
          cluster: Mapping[str, str], clusters: int) -> Grouping:
    """Put every pattern in its place (see the module's docstring)."""
    out = Grouping()
    member_of = {r: k for k, repos in enumerate(families) for r in repos}
    digests = {(e.repo, e.path): e.digest for e in inventory}
    rest: list[Pattern] = []
    for p in patterns:
        homes = {member_of.get(r, -1) for r in p.repos}
        if len(homes) == 1 and -1 not in homes:
            out.family.setdefault(homes.pop(), []).append(p)
        elif is_template(p, digests, cluster, clusters):
            out.templates.append(p)
        else:
            rest.append(p)
    for members in link(rest, cluster):
        if len(members) == 1:
            out.single.append(members[0])
        else:
            out.linked.append(members)
    return out
