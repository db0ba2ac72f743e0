"""Opportunity records from the places ``groups`` put the patterns in: their kind, category, value,
confidence, id, title and occurrences; then ranked, the most valuable first and stock templates last."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from pattern_miner.model import FileEntry, Occurrence, Opportunity, Pattern, RepoInfo
from pattern_miner.opportunities import value as worth
from pattern_miner.opportunities.category import categorize, dominant
from pattern_miner.opportunities.families import Family
from pattern_miner.opportunities.titles import (
    CATEGORY_LABEL,
    content_hash,
    digest,
    module_name,
    plural,
    repos_word,
    single_title,
)

REGION_LINES = 60  # a large copy: this many lines covered on each side, at least
REGION_COVERAGE = 0.5  # and one side's files mostly covered by the copy
SPAN_GAP = 30  # lines between two units of one copy that still make one place (an edited or added block)


@dataclass(frozen=True)
class Context:
    """What every opportunity is built with."""

    infos: Mapping[str, RepoInfo]
    cluster: Mapping[str, str]  # repository -> its family's key (itself when in none)
    lines: Mapping[tuple[str, str], int]  # (repo, path) -> lines of the file
    now: datetime


def _independent(repos: Sequence[str], ctx: Context) -> int:
    return len({ctx.cluster.get(r, r) for r in repos})


def _repos(patterns: Sequence[Pattern]) -> tuple[str, ...]:
    return tuple(sorted({r for p in patterns for r in p.repos}))


def single(p: Pattern, ctx: Context) -> Opportunity:
    category = categorize(p)
    lines = worth.saved_lines(p, ctx.cluster)
    n = _independent(p.repos, ctx)
    return Opportunity(
        id=p.id, kind="single", category=category, title=single_title(p, category, len(p.repos)),
        repos=p.repos, patterns=(p,), occurrences=p.occurrences,
        value=worth.value(lines, category, p.repos, ctx.infos, ctx.now, tests=worth.test_only(p.occurrences)),
        confidence=p.confidence, lines=lines,
        summary=f"{plural(len(p.occurrences), 'copy').replace('copys', 'copies')} of {p.lines} lines in "
                f"{repos_word(len(p.repos))} ({n} independent), {p.similarity:.0%} similar.",
        content_hash=p.content_hash,
    )


def _covered(patterns: Sequence[Pattern]) -> dict[tuple[str, str], set[int]]:
    by: dict[tuple[str, str], set[int]] = defaultdict(set)
    for p in patterns:
        for o in p.occurrences:
            by[(o.repo, o.path)].update(range(o.start_line, o.end_line + 1))
    return by


def _is_region(covered: Mapping[tuple[str, str], set[int]], ctx: Context) -> bool:
    """Two independent sides, each with REGION_LINES covered, one side's files mostly covered."""
    sides: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (repo, path), lines in covered.items():
        sides[ctx.cluster.get(repo, repo)].append((len(lines), ctx.lines.get((repo, path), len(lines))))
    if len(sides) != 2:
        return False
    totals = [(sum(c for c, _ in files), sum(t for _, t in files)) for files in sides.values()]
    return all(c >= REGION_LINES for c, _ in totals) and any(c >= REGION_COVERAGE * t for c, t in totals if t)


def linked(patterns: Sequence[Pattern], ctx: Context) -> Opportunity:
    """A library (clone groups that travel together) or a region (a large copy, edited); its occurrences are
    the places its copies hold in each file (``runs``), its components the clone groups."""
    covered = _covered(patterns)
    kind = "region" if _is_region(covered, ctx) else "library"
    cats = [(categorize(p), float(p.lines)) for p in patterns]
    category = dominant(cats)
    repos = _repos(patterns)
    lines = sum(worth.saved_lines(p, ctx.cluster) for p in patterns)
    name = module_name(patterns)
    language = patterns[0].language
    # a region is ONE place per side, however edited; a library's units may lie apart in a host file
    occurrences = tuple(_span(repo, path, start, end, ctx, language, kind)
                        for (repo, path), ls in sorted(covered.items())
                        for start, end in (runs(ls) if kind == "library" else [(min(ls), max(ls))]))
    every = [o for p in patterns for o in p.occurrences]
    label = CATEGORY_LABEL.get(category, "Code").lower() if category != "code" else "code"
    title = (f"Large edited copy of `{name}` in {repos_word(len(repos))} ({plural(len(patterns), 'part')})"
             if kind == "region" else
             f"Module `{name}` ({label}) copied into {repos_word(len(repos))}: {plural(len(patterns), 'component')}")
    return Opportunity(
        id="module-" + digest(language, name), kind=kind, category=category, title=title, repos=repos,
        patterns=tuple(patterns), occurrences=occurrences,
        value=worth.value(lines, category, repos, ctx.infos, ctx.now, tests=worth.test_only(every)),
        confidence=worth.confidence((p.confidence, float(p.lines)) for p in patterns), lines=lines,
        summary=f"{plural(len(patterns), 'clone group')} that travel together through `{name}` "
                f"in {repos_word(len(repos))}: one extraction removes {lines} duplicated lines.",
        content_hash=content_hash(p.content_hash for p in patterns),
    )


def runs(lines: set[int], gap: int = SPAN_GAP) -> list[tuple[int, int]]:
    """The covered lines of one file as (first, last) runs, a run going on over gaps of ``gap`` lines or
    fewer: the place of a copy in its file (the lines between its units, edited or added, included)."""
    out: list[tuple[int, int]] = []
    for line in sorted(lines):
        if out and line - out[-1][1] <= gap + 1:
            out[-1] = (out[-1][0], line)
        else:
            out.append((line, line))
    return out


def _span(repo: str, path: str, start: int, end: int, ctx: Context, language: str, unit: str) -> Occurrence:
    info = ctx.infos.get(repo)
    return Occurrence(repo=repo, path=path, start_line=start, end_line=end, unit=unit, language=language,
                      commit=info.commit if info else None, private=info.private if info else False,
                      url=info.file_url(path, start, end) if info else None)


def family(fam: Family, own: Sequence[Pattern], ctx: Context) -> Opportunity:
    """ONE opportunity for repositories that are copies of each other: their shared files as occurrences."""
    occurrences = []
    by_path: dict[str, list[FileEntry]] = defaultdict(list)
    for e in fam.files:
        by_path[e.path].append(e)
        info = ctx.infos.get(e.repo)
        occurrences.append(Occurrence(
            repo=e.repo, path=e.path, start_line=1, end_line=max(1, e.lines), unit="file", language=e.language,
            commit=info.commit if info else None, private=info.private if info else False,
            url=info.file_url(e.path) if info else None))
    lines = sum(min(e.lines for e in held) * (len(held) - 1) for held in by_path.values())
    states = [state for _, state in fam.shared]
    identical, edited = states.count("identical"), states.count("edited")
    only = len(states) - identical - edited
    category = dominant((categorize(p), float(p.lines)) for p in own) if own else "code"
    names = ", ".join(fam.repos)
    return Opportunity(
        id="family-" + digest(*fam.repos), kind="family", category=category,
        title=f"{names}: {len(fam.repos)} repositories that are copies of each other "
              f"({len(by_path)} shared files)",
        repos=fam.repos, patterns=tuple(own), occurrences=tuple(occurrences),
        value=worth.value(lines, category, fam.repos, ctx.infos, ctx.now),
        confidence="High" if fam.share >= 0.8 else "Medium", lines=lines,
        summary=f"{identical} files identical, {edited} edited, {only} only in some of them "
                f"({fam.share:.0%} of the smaller one's files shared).",
        shared=fam.shared,
        content_hash=content_hash([p.content_hash for p in own] + [f"{e.repo}:{e.path}:{e.digest}" for e in fam.files]),
    )


def templates(patterns: Sequence[Pattern], ctx: Context) -> Opportunity:
    """ONE low-value opportunity for every stock file: adopt a shared template."""
    repos = _repos(patterns)
    lines = sum(worth.saved_lines(p, ctx.cluster) for p in patterns)
    owners = sorted({r.split("/", 1)[0] for r in repos})
    paths = sorted({p.occurrences[0].path for p in patterns})
    shown = ", ".join(f"`{p}`" for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return Opportunity(
        id="template-" + digest(*owners), kind="template",
        category=dominant((categorize(p), float(p.lines)) for p in patterns),
        title=f"Adopt a shared template: {shown} identical in {repos_word(len(repos))}",
        repos=repos, patterns=tuple(patterns), occurrences=(),
        value=worth.value(lines, "code", repos, ctx.infos, ctx.now, template=True),
        confidence="High", lines=lines,
        summary=f"{plural(len(paths), 'stock file')} that a tool generates, unedited in every copy.",
        content_hash=content_hash(p.content_hash for p in patterns),
    )


def rank(opportunities: Sequence[Opportunity]) -> tuple[Opportunity, ...]:
    """The most valuable first, stock templates last; ids made unique (two libraries of one name)."""
    ordered = sorted(opportunities, key=lambda o: (o.kind == "template", -o.value, o.id))
    seen: set[str] = set()
    out = []
    for n, o in enumerate(ordered, 1):
        oid = o.id if o.id not in seen else f"{o.id}-{digest(*o.repos)[:6]}"
        seen.add(oid)
        out.append(replace(o, rank=n, id=oid))
    return tuple(out)
