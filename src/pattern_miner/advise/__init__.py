"""Library recommendations for patterns: Claude (structured, validated, cached, budgeted) or offline.

    result = advise(patterns, AdviceSettings(api_key=key, cache_dir=cache))
    result.recommendations[pattern.id]   # a sanitized Recommendation for EVERY pattern
    result.usage                         # requests, tokens, estimated cost, cache hits
    result.warnings                      # one line each, also sent to the console

Modules: models (pydantic schema), settings (AdviceSettings, ModelUsage, AdviceResult), pricing
(default model, price table), prompt, claude (the SDK client), cache, offline + recipes (the offline
advisor), sanitize, advisor (the advise() loop).
"""

from __future__ import annotations

from pattern_miner.advise.advisor import advise
from pattern_miner.advise.models import Component, Recommendation, TimeSavings
from pattern_miner.advise.offline import offline_recommendation
from pattern_miner.advise.pricing import default_model
from pattern_miner.advise.prompt import PROMPT_VERSION
from pattern_miner.advise.sanitize import sanitize_recommendation
from pattern_miner.advise.settings import AdviceResult, AdviceSettings, ModelUsage

__all__ = [
    "DEFAULT_MODEL",
    "PROMPT_VERSION",
    "AdviceResult",
    "AdviceSettings",
    "Component",
    "ModelUsage",
    "Recommendation",
    "TimeSavings",
    "advise",
    "offline_recommendation",
    "sanitize_recommendation",
]


def __getattr__(name: str) -> str:  # DEFAULT_MODEL imports the anthropic SDK (seconds): only when asked for
    if name == "DEFAULT_MODEL":
        return default_model()
    raise AttributeError(name)
