"""Large edited copies as one finding: files of several repositories covered by material they share.

A region is a set of files in two or more repositories (a file and its edited copies; a file and the two
files it was split into) that hold much material in common (``coverage``). It is reported as ONE pattern
whose occurrences are the files, each with its coverage, and whose parts are the clone groups found inside
it (``patterns.build_patterns``): one issue for one copy, however many blocks it was cut into.

1. edges: candidate file pairs (``coverage.candidate_files``) whose common material is large (at least
   REGION_LINES code lines on each side) and covers most of one side at least (REGION_COVER); between
   configuration files, the material must include rare content, as ``confirm`` asks of a pair;
2. regions: files joined by their edges (union-find), in at least ``min_repos`` repositories, where
   an edge that one confirmed clone pair between the two files explains (its two fragments hold EXPLAINED of
   the lines they share: a copied file, or a copied function that is most of a small file) joins nothing,
   the clone pair says all there is to say about it (it may only add a file to a region: the copy of a
   file already in one); a region present in too many repositories is
   boilerplate, as a clone group is (``cluster``);
3. the groups whose every copy lies in a region's files become its parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pattern_miner.match.cluster import BOILERPLATE_MIN_REPOS, BOILERPLATE_SHARE, Group, UnionFind
from pattern_miner.match.confirm import ClonePair
from pattern_miner.match.coverage import Files, candidate_files, cover, covered_lines
from pattern_miner.match.fragments import Fragment
from pattern_miner.match.rarity import Rarity
from pattern_miner.records import CONFIG_LANGUAGES, FileRecord

# Common material a file pair must hold to be one copy, in code lines on each side: a file that shares
# less with another is better told as the clone groups it shares, if any.
REGION_LINES = 30
# ... covering at least this share of one side's code lines (the copy, or the part split off; the original
# it was taken from may be much larger).
REGION_COVER = 0.5
# A region's copy is its whole file when the shared material spans this share of it (``Region.spans``)
REGION_WHOLE = 0.8
# A group whose copies hold this share of a region's common lines, with a copy in each of its files, says
# all there is to say about it: the region is not reported.
EXPLAINED = 0.8


@dataclass(frozen=True)
class Region:
    """Files of several repositories that share much material: one large, edited copy."""

    files: tuple[int, ...]  # file indexes, sorted
    covered: tuple[int, ...]  # per file: its code lines inside material shared with another repository's file
    code_lines: tuple[int, ...]  # per file: all its code lines
    # per file, the lines its occurrence holds: the whole file, or, when the shared material spans less
    # than REGION_WHOLE of it, from the first to the last line of that material (the part that was copied)
    spans: tuple[tuple[int, int], ...]
    longest_run: int  # source lines of the longest common fragment
    parts: tuple[int, ...]  # indexes of the groups that lie inside it

    @property
    def coverage(self) -> tuple[float, ...]:
        """Per file: the share of its code lines covered by common material."""
        return tuple(c / n if n else 0.0 for c, n in zip(self.covered, self.code_lines, strict=True))

    @property
    def similarity(self) -> float:
        """The share of all the files' code lines covered by common material (Dolos's pair similarity)."""
        total = sum(self.code_lines)
        return sum(self.covered) / total if total else 0.0


@dataclass(frozen=True)
class _Edge:
    a: int
    b: int
    lines_a: np.ndarray  # covered source lines of a
    lines_b: np.ndarray
    longest_lines: int
    longest: int
    explained: bool  # one confirmed clone pair between the two files holds most of what they share


def _inside(lines: np.ndarray, first: int, last: int) -> int:
    return int(((lines >= first) & (lines <= last)).sum())


def _explained(lines_a: np.ndarray, lines_b: np.ndarray, spans: Sequence[tuple[Fragment, Fragment]]) -> bool:
    """Whether one pair of fragments (of a, of b) holds EXPLAINED of the lines the two files share."""
    total = len(lines_a) + len(lines_b)
    return any(_inside(lines_a, fa.start_line, fa.end_line) + _inside(lines_b, fb.start_line, fb.end_line)
               >= EXPLAINED * total for fa, fb in spans)


def edges(files: Files, fragments: Sequence[Fragment], pairs: Sequence[ClonePair],
          common: Mapping[str, np.ndarray], rarity: Rarity, rare_least: float) -> list[_Edge]:
    """The file pairs that share enough material to be one copy, each marked whether a confirmed clone pair
    between them already says so. Configuration must share rare content too, as ``confirm`` asks: at least
    ``rare_least`` of the smaller file's (``Rarity.containment``)."""
    size = [rec.spans[0][6] if rec.spans else 0 for _, rec in files]
    whole = {f.file: f for f in fragments if f.kind == "file"}
    confirmed: dict[tuple[int, int], list[tuple[Fragment, Fragment]]] = defaultdict(list)
    for p in pairs:
        fa, fb = fragments[p.a], fragments[p.b]
        if fa.file > fb.file:
            fa, fb = fb, fa
        confirmed[(fa.file, fb.file)].append((fa, fb))
    out = []
    for a, b in candidate_files(files, common, REGION_LINES).tolist():
        ra, rb = files[a][1], files[b][1]
        shared = cover(ra, rb, common)
        lines_a, lines_b = covered_lines(ra, shared.a), covered_lines(rb, shared.b)
        if min(len(lines_a), len(lines_b)) < REGION_LINES:
            continue
        if max(len(lines_a) / size[a], len(lines_b) / size[b]) < REGION_COVER:
            continue
        if ra.language in CONFIG_LANGUAGES and (
                a not in whole or b not in whole or rarity.containment(whole[a], whole[b]) < rare_least):
            continue
        out.append(_Edge(a, b, lines_a, lines_b, shared.longest_lines, shared.longest,
                         _explained(lines_a, lines_b, confirmed.get((a, b), ()))))
    return out


def _span(rec: FileRecord, first: int, last: int) -> tuple[int, int]:
    """The lines of a region's copy in ``rec`` whose shared material spans ``first`` to ``last``."""
    end = max(1, rec.spans[0][5] if rec.spans else rec.n_lines)
    return (1, end) if last - first + 1 >= REGION_WHOLE * end else (first, last)


def find_regions(files: Files, fragments: Sequence[Fragment], pairs: Sequence[ClonePair],
                 groups: Sequence[Group], common: Mapping[str, np.ndarray], rarity: Rarity, *,
                 rare_least: float, min_repos: int = 2, total_repos: int = 0,
                 min_similarity: float | None = None) -> list[Region]:
    """The regions among ``files`` (``pairs``: every confirmed clone pair; ``groups``: the reported clone
    groups, of which those inside a region become its parts; ``rarity`` and ``rare_least``: see ``edges``;
    ``min_similarity``: the least similarity the user asked of every pattern, if any, which a region's
    coverage similarity must reach too)."""
    found = edges(files, fragments, pairs, common, rarity, rare_least)
    uf = UnionFind()
    for e in found:
        if not e.explained:
            uf.union(e.a, e.b)
    joined = set(uf.parent)
    for e in found:  # an explained edge adds a file to a region (a copied file's own copy) ...
        if e.explained and (e.a in joined) != (e.b in joined):
            uf.union(e.a, e.b)  # ... but never joins two regions, nor makes one
    by_root: dict[int, list[_Edge]] = defaultdict(list)
    for e in found:
        if e.a in uf.parent and e.b in uf.parent and uf.find(e.a) == uf.find(e.b):
            by_root[uf.find(e.a)].append(e)
    group_files = [{fragments[i].file for i in g.members} for g in groups]
    regions = []
    for root in sorted(by_root):
        component = by_root[root]
        lines: dict[int, list[np.ndarray]] = defaultdict(list)
        for e in component:
            lines[e.a].append(e.lines_a)
            lines[e.b].append(e.lines_b)
        members = sorted(lines)
        repos = {files[f][0] for f in members}
        if len(repos) < min_repos or (total_repos >= BOILERPLATE_MIN_REPOS
                                      and len(repos) > BOILERPLATE_SHARE * total_repos):
            continue
        shared = [np.unique(np.concatenate(lines[f])) for f in members]
        longest = max(component, key=lambda e: (e.longest, -e.a, -e.b))
        region = Region(
            files=tuple(members),
            covered=tuple(len(v) for v in shared),
            spans=tuple(_span(files[f][1], int(v[0]), int(v[-1])) for f, v in zip(members, shared, strict=True)),
            code_lines=tuple(files[f][1].spans[0][6] for f in members),
            longest_run=longest.longest_lines,
            parts=tuple(k for k, fs in enumerate(group_files) if fs <= set(members)),
        )
        if min_similarity is None or region.similarity >= min_similarity:
            regions.append(region)
    return regions
