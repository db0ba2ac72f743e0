"""The offline advisor: a specific, deterministic recommendation from the pattern itself.

Used when there is no API key, and for any pattern Claude could not answer. It reads the copies:
- the library name comes from what the copies do (the CLI they drive, the actions they use, the
  base image, the Terraform resource, the shared function) — ``cloud-run-deploy`` for copied
  ``gcloud run deploy`` scripts;
- the components are the units all copies share (commands, shell functions, workflow steps,
  Dockerfile instructions, Terraform blocks, functions and classes), citing the copies they occur in;
- the usage sketch follows the ecosystem: a sourced bash library, a shared base image, a reusable
  workflow or composite action, a Terraform module, or a package imported and called;
- the time saved grows with the copies' size (see ``time_savings``).
"""

from __future__ import annotations

from typing import cast

from pattern_miner.advise import recipes
from pattern_miner.advise.models import Component, Recommendation, TimeSavings, UsageLanguage
from pattern_miner.advise.recipes.base import Copies
from pattern_miner.model import Pattern

BASE_MINUTES = 10  # finding a copy to start from, wiring it into a new repository
MINUTES_PER_LINE = 0.5  # reading, adapting and debugging one copied line
MAX_MINUTES = 240


def family(pattern: Pattern) -> str:
    """Which recipe fits: shell, docker, workflow, terraform, code or config; repositories for a family
    opportunity (publish.units.as_pattern gives it the kind ``family``)."""
    if pattern.kind == "family":
        return "repositories"
    language = pattern.language or (pattern.occurrences[0].language if pattern.occurrences else "")
    paths = [o.path for o in pattern.occurrences]
    if language == "bash":
        return "shell"
    if language == "dockerfile" or any(p.rsplit("/", 1)[-1].lower().startswith("dockerfile") for p in paths):
        return "docker"
    if language == "hcl" or pattern.pattern_type == "terraform":
        return "terraform"
    if language in ("python", "javascript", "typescript", "go"):
        return "code"
    if pattern.pattern_type == "github_actions" or any(".github/workflows/" in p or p.endswith("action.yml")
                                                       for p in paths):
        return "workflow"
    return "config"


def several_per_repository(pattern: Pattern) -> bool:
    """Copies of several files or units in one repository (a region's files, a library's parts)."""
    return len(pattern.occurrences) > len(pattern.repos)


def lines_per_repository(pattern: Pattern) -> int:
    """The lines a repository holds of the pattern: its copies' lines summed, averaged over repositories
    (``Pattern.lines`` is per copy for a clone group, and the lines one extraction removes for an opportunity:
    the occurrences say the same thing whatever the origin)."""
    held: dict[str, int] = {}
    for o in pattern.occurrences:
        held[o.repo] = held.get(o.repo, 0) + o.lines
    return round(sum(held.values()) / len(held)) if held else pattern.lines


def time_savings(copies: Copies, unit_of_use: str, name: str) -> TimeSavings:
    """10 minutes plus 30 seconds a line a new repository copies, rounded to 5, at most 4 hours."""
    pattern = copies.pattern
    several = several_per_repository(pattern)
    lines = max(1, lines_per_repository(pattern) if several else pattern.lines)
    source = f"one of the {len(pattern.repos)} repositories" if several else f"one of the {copies.n} copies"
    raw = BASE_MINUTES + MINUTES_PER_LINE * lines
    minutes = int(min(MAX_MINUTES, max(BASE_MINUTES, 5 * round(raw / 5))))
    differ = max(0, round((1 - copies.pattern.similarity) * 100))
    reasoning = (
        f"Today a new repository copies ~{lines} lines of {copies.label} from {source} "
        f"(they already differ by ~{differ}%) and adapts and debugs them: about {BASE_MINUTES} minutes plus "
        f"30 seconds a line, ≈ {minutes} minutes. With {name} it adds {unit_of_use} instead, and fixes "
        f"land in every repository through one version bump."
    )
    return TimeSavings(minutes_per_use=minutes, reasoning=reasoning)


def offline_recommendation(pattern: Pattern) -> Recommendation:
    copies = Copies(pattern)
    plan = recipes.RECIPES[family(pattern)](copies)
    components = [Component(name=name, description=desc, occurrences=idx) for name, desc, idx in plan.components]
    if not components:
        components = [Component(
            name=f"Shared {pattern.kind}",
            description=f"The {copies.label} {pattern.kind} every copy repeats ({pattern.lines} lines).",
            occurrences=list(range(copies.n)) or [0],
        )]
    summary = (
        f"{copies.n} copies of {plan.what} across {len(pattern.repos)} repositories are "
        f"{pattern.similarity:.0%} similar (~{pattern.lines} lines each). {plan.how}"
    )
    if several_per_repository(pattern):
        summary = (f"{len(pattern.repos)} repositories share {plan.what}: {copies.n} copied files and units, "
                   f"{pattern.similarity:.0%} similar, ~{lines_per_repository(pattern)} lines in each repository. "
                   f"{plan.how}")
    if pattern.kind == "family":
        summary = (f"{len(pattern.repos)} repositories are copies of each other: {copies.n} copied files and units, "
                   f"{pattern.similarity:.0%} similar. {plan.how}")
    risks = list(plan.risks)
    if pattern.similarity < 0.9:
        risks.insert(0, f"The copies have diverged ({pattern.similarity:.0%} similar): review the differences and "
                        "make each one a parameter (or drop it) before extracting.")
    if pattern.has_private:
        risks.append("Some copies live in private repositories: host the library where every consumer can read it, "
                     "and keep private details out of it.")
    return Recommendation(
        library_name=plan.name,
        summary=summary,
        components=components[:8],
        usage=plan.usage,
        usage_language=cast(UsageLanguage, plan.usage_language),  # a recipe's name; pydantic checks it
        migration_steps=plan.steps[:12],
        time_savings=time_savings(copies, plan.unit_of_use, plan.name),
        risks=risks[:10],
        source="offline",
        model=None,
    )
