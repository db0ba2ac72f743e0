"""Extraction opportunities: the clone groups one extraction removes, as ONE ranked record each.

    patterns + file inventory ─► families (near-forks) ─► groups (family's own, templates, libraries and
    regions, singles) ─► build (kind, category, value, confidence, id) ─► rank

``find_opportunities`` is what the engine calls; the modules are one rule each, tested on hand-built patterns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pattern_miner.model import FileEntry, Opportunity, Pattern, RepoInfo
from pattern_miner.opportunities import build
from pattern_miner.opportunities.families import find_families
from pattern_miner.opportunities.groups import group

__all__ = ["find_opportunities"]


def find_opportunities(patterns: Sequence[Pattern], repositories: Sequence[RepoInfo],
                       inventory: Sequence[FileEntry], *, now: datetime | None = None) -> tuple[Opportunity, ...]:
    """Every opportunity of a scan, ranked. Low-confidence patterns join a group as components, but are no
    opportunity of their own, unless a whole file of ``build.REGION_LINES`` lines or more: a large copy edited
    after the copy matches loosely, and is a region."""
    now = now or datetime.now(UTC)
    families = find_families(inventory)
    cluster = {r: "family:" + "+".join(f.repos) for f in families for r in f.repos}
    names = {r.name for r in repositories} | {r for p in patterns for r in p.repos}
    clusters = len({cluster.get(r, r) for r in names})
    ctx = build.Context(infos={r.name: r for r in repositories}, cluster=cluster,
                        lines={(e.repo, e.path): e.lines for e in inventory}, now=now)
    placed = group(patterns, [f.repos for f in families], inventory, cluster, clusters)
    out = [build.family(f, placed.family.get(k, []), ctx) for k, f in enumerate(families)]
    for members in placed.linked:
        if any(p.is_actionable for p in members):
            out.append(build.linked(members, ctx))
    for p in placed.single:
        if p.is_actionable:
            out.append(build.single(p, ctx))
        elif p.kind == "file" and p.lines >= build.REGION_LINES:
            out.append(build.linked([p], ctx))
    stock = [p for p in placed.templates if p.is_actionable]
    if stock:
        out.append(build.templates(stock, ctx))
    return build.rank(out)
