"""What may go into an issue: private code never reaches a public repository's issue.

A pattern with copies in private repositories, published into a public repository, is either redacted
(no code, no private repository names: see ``render.render_issue(redact=True)``) or skipped. A pattern
whose copies are all private has nothing public to show and is always skipped there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pattern_miner.errors import UsageError
from pattern_miner.model import Pattern

Mode = Literal["redact", "skip"]
MODES: tuple[str, ...] = ("redact", "skip")


@dataclass(frozen=True)
class PrivacyDecision:
    action: Literal["post", "redact", "skip"]
    warning: str = ""  # for the job summary, never naming a private repository


def check_mode(mode: str) -> Mode:
    if mode not in MODES:
        raise UsageError(f"private-patterns must be one of {', '.join(MODES)}, got {mode!r}")
    return mode  # type: ignore[return-value]


def decide(pattern: Pattern, target: str, target_private: bool, mode: Mode = "redact") -> PrivacyDecision:
    """How ``pattern`` may be published into the repository ``target``."""
    if target_private or not pattern.has_private:
        return PrivacyDecision("post")
    hidden = sum(1 for o in pattern.occurrences if o.private)
    if hidden == len(pattern.occurrences):
        return PrivacyDecision(
            "skip", f"pattern {pattern.id}: all copies are in private repositories; not posted to public {target}"
        )
    if mode == "skip":
        return PrivacyDecision(
            "skip", f"pattern {pattern.id}: {hidden} copies are in private repositories; not posted to public {target}"
        )
    return PrivacyDecision(
        "redact",
        f"pattern {pattern.id}: {hidden} copies are in private repositories; posted to public {target} "
        "without code or private repository names",
    )
