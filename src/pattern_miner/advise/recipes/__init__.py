"""One recipe per family of pattern: what the offline advisor proposes, and how it is used.

A recipe reads ``Copies`` (the pattern and its texts) and returns a ``Plan``; ``RECIPES`` maps the
family chosen by ``offline.family`` to its recipe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pattern_miner.advise.offline import Copies


@dataclass(frozen=True)
class Plan:
    name: str  # the library name
    what: str  # "a bash deploy script that runs `gcloud run deploy`" (completes "N copies of ...")
    how: str  # one sentence: what extracting them gives
    usage: str
    usage_language: str
    unit_of_use: str  # "one `source` line and one call" (completes "it adds ... instead")
    components: list[tuple[str, str, list[int]]] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)


def listing(c: Copies, limit: int = 3) -> str:
    """`owner/a: deploy.sh`, `owner/b: deploy.sh` and 2 more: where the copies are."""
    places = sorted({f"{o.repo}: {o.path}" for o in c.pattern.occurrences})
    shown = ", ".join(f"`{p}`" for p in places[:limit])
    return shown + (f" and {len(places) - limit} more" if len(places) > limit else "")


# The recipes import Plan and listing from here, so they are registered last.
from pattern_miner.advise.recipes import code, config, docker, shell, terraform, workflow  # noqa: E402

RECIPES: dict[str, Callable[[Copies], Plan]] = {
    "shell": shell.plan,
    "docker": docker.plan,
    "workflow": workflow.plan,
    "terraform": terraform.plan,
    "code": code.plan,
    "config": config.plan,
}
