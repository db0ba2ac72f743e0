"""The issues the run's opportunities should have: one per opportunity and target repository, fully
rendered, with what may be shown there decided by ``privacy`` (posted, redacted or skipped).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pattern_miner.advise.models import Recommendation
from pattern_miner.model import Opportunity, Pattern
from pattern_miner.publish import privacy
from pattern_miner.publish.plan import IssueSpec
from pattern_miner.publish.targets import PREVIEW_TARGET, Targets
from pattern_miner.publish.units import as_pattern
from pattern_miner.render import PRIVATE_LABEL, Templates
from pattern_miner.render.markdown import code_span, md_text
from pattern_miner.render.marker import Marker, copy_key
from pattern_miner.render.opportunity import render_opportunity


@dataclass(frozen=True)
class Where:
    """Where issues go: one central repository, or every repository a pattern involves."""

    target: str  # central | per-repo
    issue_repo: str | None
    labels: tuple[str, ...]
    mode: str  # redact | skip: a pattern with private copies in a public repository

    def targets(self, pattern: Pattern | Opportunity, failed: set[str]) -> list[str]:
        if self.target == "per-repo":
            return [r for r in pattern.repos if r not in failed]
        return [self.issue_repo or PREVIEW_TARGET]

    def live(self, found: Sequence[Pattern | Opportunity]) -> set[tuple[str, str]]:
        """(target, id) of every pattern or opportunity found: their issues are never closed."""
        if self.target == "per-repo":
            return {(r, p.id) for p in found for r in p.repos}
        return {(self.issue_repo or PREVIEW_TARGET, p.id) for p in found}


def _copy_labels(pattern: Pattern, redact: bool) -> dict[str, str]:
    out = {}
    for o in pattern.occurrences:
        if redact and o.private:
            out[copy_key(o)] = f"a copy in {PRIVATE_LABEL}"
        else:
            out[copy_key(o)] = f"{md_text(o.repo, inline=True, links=False)} {code_span(o.path)}"
    return out


def issue_specs(
    ranked: Sequence[Opportunity],
    where: Where,
    targets: Targets,
    recommendations: Mapping[str, Recommendation],
    first_seen: Callable[[str, str], str],
    failed: set[str],
    templates: Templates,
    warn: Callable[[str], None],
    forced: frozenset[str] = frozenset(),
) -> list[IssueSpec]:
    """The specs, highest ranked first. ``first_seen(target, opportunity id)``: the date the issue shows;
    ``forced``: opportunities the user asked an issue for (on the dashboard), opened past ``max-issues``."""
    specs: list[IssueSpec] = []
    for opp in ranked:
        seen = as_pattern(opp)  # every copy of every component, under the opportunity's id and content hash
        for target in where.targets(opp, failed):
            if target in targets.unusable:
                continue
            decision = privacy.decide(seen, target, targets.private.get(target, False), where.mode)  # type: ignore[arg-type]
            if decision.warning:
                warn(decision.warning)
            if decision.action == "skip":
                continue
            redact = decision.action == "redact"
            day = first_seen(target, opp.id)
            marker = Marker.for_opportunity(opp, seen.occurrences, seen.content_hash, day, redact=redact)
            issue = render_opportunity(opp, recommendations.get(opp.id), marker=marker, occurrences=seen.occurrences,
                                       first_seen=day, redact=redact, templates=templates)
            specs.append(IssueSpec(target, opp.id, issue.title, issue.body, issue.marker, where.labels,
                                   _copy_labels(seen, redact), private_content=seen.has_private and not redact,
                                   forced=opp.id in forced))
    return specs
