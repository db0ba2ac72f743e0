"""advise(): a recommendation for every pattern — cached, Claude's, or the offline advisor's — sanitized.

For each pattern, in the order given (ranked: the budget goes to the best patterns first):
1. with Claude configured (an API key or a client), a cached outcome for the same pattern id, content
   hash, model and prompt version costs nothing: a valid answer is used, a cached failure (Claude
   answered, but nothing valid came of it) goes straight to the offline advisor;
2. otherwise Claude is asked (bounded by max-model-calls and the token budget), and the outcome is
   cached: a valid answer, or a failure (invalid after the repair, a refusal); an API failure or a
   skipped call is not cached, so the next run asks again;
3. anything else — no key, over budget, an API failure, an invalid answer — gets the offline advisor.
Every recommendation is sanitized before it leaves this module. The run never fails because of the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pattern_miner.advise.cache import AdviceCache, cache_key
from pattern_miner.advise.models import Failure, Recommendation
from pattern_miner.advise.offline import offline_recommendation
from pattern_miner.advise.prompt import PROMPT_VERSION
from pattern_miner.advise.sanitize import sanitize_recommendation
from pattern_miner.advise.settings import AdviceResult, AdviceSettings, ModelUsage
from pattern_miner.console import Console
from pattern_miner.model import Pattern

if TYPE_CHECKING:  # the SDK takes seconds to import: only a run with a key pays for it
    import anthropic

    from pattern_miner.advise.claude import ClaudeAdvisor


def advise(
    patterns: Sequence[Pattern],
    settings: AdviceSettings,
    *,
    console: Console | None = None,
    client: anthropic.Anthropic | None = None,
) -> AdviceResult:
    usage = ModelUsage()
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        if console is not None:
            console.warn(message)

    claude: ClaudeAdvisor | None = None
    if settings.api_key or client is not None:
        from pattern_miner.advise.claude import ClaudeAdvisor

        claude = ClaudeAdvisor(settings, usage, warn, client=client)
        usage.model = claude.model
    elif console is not None and patterns:
        console.info("no Anthropic API key: recommendations come from the offline advisor")
    cache = AdviceCache(settings.cache_dir)
    cache_broken = False
    recommendations: dict[str, Recommendation] = {}

    progress = console.progress("advising", len(patterns)) if console is not None else None
    try:
        for pattern in patterns:
            outcome: Recommendation | Failure | None = None
            if claude is not None:
                key = cache_key(pattern, claude.model, PROMPT_VERSION)
                outcome = cache.get(key, len(pattern.occurrences))
                if isinstance(outcome, Recommendation):
                    usage.cache_hits += 1
                elif isinstance(outcome, Failure):
                    usage.cached_failures += 1
                else:
                    outcome = claude.recommend(pattern)
                    if outcome is not None and not cache_broken:
                        try:
                            cache.put(key, outcome)
                        except OSError as err:
                            cache_broken = True
                            warn(f"cannot write the advice cache ({err.strerror or err}); answers are not cached")
            rec = outcome if isinstance(outcome, Recommendation) else offline_recommendation(pattern)
            recommendations[pattern.id] = sanitize_recommendation(rec)
            if progress is not None:
                progress.advance(note=pattern.id)
    finally:
        if progress is not None:
            progress.close()
    return AdviceResult(recommendations=recommendations, usage=usage, warnings=warnings)
