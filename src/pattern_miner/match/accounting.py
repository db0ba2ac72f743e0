"""Nothing identical is lost without a trace: the identical copies across repositories that no reported
pattern holds, counted by the rule that left them out (the scan's ``suppressed`` statistics).

An identical copy (Type-1, or Type-2: names renamed; ``cluster.identical``) of a file or unit above the
minimum size is confirmed as a strong pair, so it ends in a group; a rule may drop that group (too few
repositories, boilerplate, a convention, too little duplication), or another copy in the same file, or a
larger copy holding it, may stand for it. Every such copy that no reported pattern holds (its fragment is
not a copy of a reported group, nor inside one, nor inside a region's copy) is counted under its rule. Files
below the minimum size are never compared: those identical across repositories are counted as "min_size".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from pattern_miner.match.cluster import Grouping, identical
from pattern_miner.match.confirm import ClonePair
from pattern_miner.match.coverage import Files
from pattern_miner.match.fragments import Fragment
from pattern_miner.match.regions import Region


def unreported(fragments: Sequence[Fragment], pairs: Sequence[ClonePair], found: Grouping,
               regions: Sequence[Region]) -> dict[int, str]:
    """The fragments of identical cross-repository pairs that no reported pattern holds, each with the
    rule that left it out."""
    reported: dict[int, list[Fragment]] = defaultdict(list)  # by file
    for group in found.groups:
        for i in group.members:
            reported[fragments[i].file].append(fragments[i])
    in_region: dict[int, list[tuple[int, int]]] = defaultdict(list)  # by file: the lines of region copies
    for region in regions:
        for k, span in zip(region.files, region.spans, strict=True):
            in_region[k].append(span)
    rule_of: dict[int, str] = dict(found.left_out)
    dropped: dict[int, list[tuple[Fragment, str]]] = defaultdict(list)  # by file
    for group, rule in found.dropped:
        for i in group.members:
            rule_of[i] = rule
            dropped[fragments[i].file].append((fragments[i], rule))

    def held(f: Fragment) -> bool:
        return any(first <= f.start_line and f.end_line <= last for first, last in in_region.get(f.file, ())) or \
            any(o.start <= f.start and f.end <= o.end for o in reported[f.file])

    out: dict[int, str] = {}
    for p in pairs:
        fa, fb = fragments[p.a], fragments[p.b]
        if not identical(p) or fa.repo == fb.repo:
            continue
        for f in (fa, fb):
            if f.id in out or held(f):
                continue
            rule = rule_of.get(f.id, "unknown")
            if rule == "inside_larger":  # the rule of the dropped group whose copy holds it, if any
                rule = next((r for o, r in dropped[f.file] if o.start <= f.start and f.end <= o.end), rule)
            out[f.id] = rule
    return out


def small_identical_files(files: Files, fragments: Sequence[Fragment]) -> int:
    """Copies of files too small to be compared (no whole-file fragment) whose text, but for layout and
    comments, is identical to a file of another repository."""
    compared = {f.file for f in fragments if f.kind == "file"}
    by_text: dict[tuple[str, bytes], list[int]] = defaultdict(list)
    for k, (repo, rec) in enumerate(files):
        if k not in compared and len(rec.lit):
            by_text[(rec.language, rec.lit.tobytes())].append(repo)
    return sum(len(repos) for repos in by_text.values() if len(set(repos)) > 1)


def suppressed(files: Files, fragments: Sequence[Fragment], pairs: Sequence[ClonePair], found: Grouping,
               regions: Sequence[Region]) -> dict[str, int]:
    """Identical copies across repositories that no reported pattern holds, by rule (see the module)."""
    counts = Counter(unreported(fragments, pairs, found, regions).values())
    small = small_identical_files(files, fragments)
    if small:
        counts["min_size"] = small
    return dict(counts)
