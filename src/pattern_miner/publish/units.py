"""What is published: the report's opportunities, ranked, each also seen as one ``Pattern``.

    published(report)   the opportunities to publish, best first: ``report.opportunities`` when the scan
                        made them; else the adapter below, one ``single`` opportunity per actionable pattern
    as_pattern(opp)     the opportunity as one Pattern (its id, content hash, every copy of every component):
                        what advice, history, dev-nexus and the privacy rules read

The adapter keeps the product working whether or not the scan groups patterns into opportunities. Its
``single`` takes the pattern's own id (the id is derived from the pattern's, so it survives re-runs exactly
as the pattern's does) and content hash, and ``as_pattern`` of such a single is the pattern itself: an
upgrade from a per-pattern version finds the same issues by id and costs no new model calls.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from pattern_miner.model import Occurrence, Opportunity, Pattern, ScanReport

_CATEGORY = {  # config pattern type -> what the code does, for the adapter's singles
    "deployment": "deployment", "docker": "container", "github_actions": "ci_workflow",
    "terraform": "infrastructure", "configuration": "configuration", "api_client": "api_client",
}


def single(pattern: Pattern, rank: int = 0) -> Opportunity:
    """One pattern as an opportunity of its own (the adapter's)."""
    return Opportunity(
        id=pattern.id, kind="single", category=_CATEGORY.get(pattern.pattern_type, "code"), title=pattern.title,
        repos=pattern.repos, patterns=(pattern,), occurrences=pattern.occurrences, value=pattern.score,
        confidence=pattern.confidence, rank=rank, lines=pattern.lines * max(0, len(pattern.occurrences) - 1),
        content_hash=pattern.content_hash,
    )


def published(report: ScanReport) -> tuple[Opportunity, ...]:
    """The opportunities to publish, best first (rank, then value): the scan's, or one per actionable pattern."""
    if report.opportunities:
        return tuple(sorted(report.opportunities, key=lambda o: (o.rank or 1 << 30, -o.value, o.id)))
    ranked = sorted(report.actionable, key=lambda p: (-p.score, p.id))
    return tuple(single(p, rank) for rank, p in enumerate(ranked, 1))


def copies(opp: Opportunity) -> tuple[Occurrence, ...]:
    """Every copy the opportunity shows: each component's, then its own, each once."""
    seen: dict[tuple[str, str, int, int], Occurrence] = {}
    for occ in [o for p in opp.patterns for o in p.occurrences] + list(opp.occurrences):
        seen.setdefault((occ.repo, occ.path, occ.start_line, occ.end_line), occ)
    return tuple(seen.values())


def content_hash(opp: Opportunity) -> str:
    """The opportunity's content hash, or one made from its components' when it has none."""
    if opp.content_hash:
        return opp.content_hash
    parts = sorted(p.content_hash or p.id for p in opp.patterns) + sorted(f"{o.repo}:{o.path}" for o in opp.occurrences)
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def as_pattern(opp: Opportunity) -> Pattern:
    """The opportunity as one Pattern. A single is its pattern (under the opportunity's id)."""
    if opp.kind == "single" and len(opp.patterns) == 1:
        lead = opp.patterns[0]
        if lead.id == opp.id and lead.content_hash == content_hash(opp):
            return lead
        return replace(lead, id=opp.id, content_hash=content_hash(opp))
    occs = copies(opp)
    first = opp.patterns[0] if opp.patterns else None
    weights = [len(p.occurrences) for p in opp.patterns]
    similarity = (sum(p.similarity * w for p, w in zip(opp.patterns, weights, strict=True)) / sum(weights)
                  if opp.patterns else 0.0)
    features = tuple(dict.fromkeys(f for p in opp.patterns for f in p.features))[:12]
    return Pattern(
        id=opp.id, pattern_type=first.pattern_type if first else opp.category, kind=opp.kind,
        language=first.language if first else (occs[0].language if occs else ""), title=opp.title,
        similarity=similarity, confidence=opp.confidence, score=opp.value,
        lines=opp.lines or (first.lines if first else 0), occurrences=occs, features=features,
        content_hash=content_hash(opp),
    )
