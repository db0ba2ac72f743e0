"""The issues the run's patterns should have: one per pattern and target repository, fully rendered, with
what may be shown there decided by ``privacy`` (posted, redacted or skipped).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pattern_miner.advise.models import Recommendation
from pattern_miner.model import Pattern
from pattern_miner.publish import privacy
from pattern_miner.publish.plan import IssueSpec
from pattern_miner.publish.targets import PREVIEW_TARGET, Targets
from pattern_miner.render import PRIVATE_LABEL, Templates, render_issue
from pattern_miner.render.markdown import code_span, md_text
from pattern_miner.render.marker import copy_key


@dataclass(frozen=True)
class Where:
    """Where issues go: one central repository, or every repository a pattern involves."""

    target: str  # central | per-repo
    issue_repo: str | None
    labels: tuple[str, ...]
    mode: str  # redact | skip: a pattern with private copies in a public repository

    def targets(self, pattern: Pattern, failed: set[str]) -> list[str]:
        if self.target == "per-repo":
            return [r for r in pattern.repos if r not in failed]
        return [self.issue_repo or PREVIEW_TARGET]

    def live(self, patterns: Sequence[Pattern]) -> set[tuple[str, str]]:
        """(target, pattern id) of every pattern found: their issues are never closed."""
        if self.target == "per-repo":
            return {(r, p.id) for p in patterns for r in p.repos}
        return {(self.issue_repo or PREVIEW_TARGET, p.id) for p in patterns}


def _copy_labels(pattern: Pattern, redact: bool) -> dict[str, str]:
    out = {}
    for o in pattern.occurrences:
        if redact and o.private:
            out[copy_key(o)] = f"a copy in {PRIVATE_LABEL}"
        else:
            out[copy_key(o)] = f"{md_text(o.repo, inline=True, links=False)} {code_span(o.path)}"
    return out


def issue_specs(
    ranked: Sequence[Pattern],
    where: Where,
    targets: Targets,
    recommendations: Mapping[str, Recommendation],
    first_seen: Callable[[str, str], str],
    failed: set[str],
    templates: Templates,
    warn: Callable[[str], None],
) -> list[IssueSpec]:
    """The specs, highest ranked first. ``first_seen(target, pattern id)``: the date the issue shows."""
    specs: list[IssueSpec] = []
    for p in ranked:
        for target in where.targets(p, failed):
            if target in targets.unusable:
                continue
            decision = privacy.decide(p, target, targets.private.get(target, False), where.mode)  # type: ignore[arg-type]
            if decision.warning:
                warn(decision.warning)
            if decision.action == "skip":
                continue
            redact = decision.action == "redact"
            issue = render_issue(p, recommendations.get(p.id), first_seen=first_seen(target, p.id), redact=redact,
                                 templates=templates)
            specs.append(IssueSpec(target, p.id, issue.title, issue.body, issue.marker, where.labels,
                                   _copy_labels(p, redact), private_content=p.has_private and not redact))
    return specs
