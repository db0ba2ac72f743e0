"""What every recipe shares: the copies as a recipe reads them (``Copies``), what it returns (``Plan``),
and how it names the places of the copies (``listing``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pattern_miner.model import Pattern

LANGUAGE_LABELS = {
    "bash": "shell script", "dockerfile": "Dockerfile", "yaml": "YAML", "hcl": "Terraform",
    "python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "go": "Go", "json": "JSON",
}

@dataclass(frozen=True)
class Copies:
    """The pattern as the recipes see it."""

    pattern: Pattern

    @cached_property
    def texts(self) -> list[str]:
        return [o.text for o in self.pattern.occurrences]

    @property
    def n(self) -> int:
        return len(self.pattern.occurrences)

    @property
    def language(self) -> str:
        return self.pattern.language or (self.pattern.occurrences[0].language if self.pattern.occurrences else "")

    @cached_property
    def owner(self) -> str:
        owners = {o.repo.split("/", 1)[0] for o in self.pattern.occurrences if "/" in o.repo}
        return owners.pop().lower() if len(owners) == 1 else "your-org"

    @property
    def label(self) -> str:
        return LANGUAGE_LABELS.get(self.language, self.language or "code")


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
