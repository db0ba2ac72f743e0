"""What the advisor is told (AdviceSettings) and what it reports back (ModelUsage, AdviceResult)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pattern_miner.advise.models import Recommendation
from pattern_miner.advise.pricing import default_model, price_for


@dataclass
class AdviceSettings:
    api_key: str | None
    model: str | None = None  # None: DEFAULT_MODEL, the newest Sonnet in the pinned SDK's Model type
    cache_dir: Path | None = None  # recommendations are cached under <cache_dir>/advice/
    max_model_calls: int = 50  # model requests per run, repairs included
    token_budget: int = 200_000  # input + output tokens per run (checked before each request)
    timeout: float = 60  # seconds per HTTP request
    max_retries: int = 3  # the SDK's own retries of 408/409/429/5xx/529 and connection errors
    base_url: str | None = None  # None: the SDK reads ANTHROPIC_BASE_URL itself, then its default

    @property
    def resolved_model(self) -> str:
        return self.model or default_model()


@dataclass
class ModelUsage:
    requests: int = 0  # model requests answered (SDK-level HTTP retries not counted)
    input_tokens: int = 0  # uncached input tokens
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    estimated_cost_usd: float = 0.0  # from pricing.PRICES
    calls_skipped_budget: int = 0  # patterns (then advised offline) and semantic groups (then not judged) left
    # unasked by max-model-calls / the token budget
    cache_hits: int = 0  # patterns and semantic groups answered from the cache, at no cost
    cached_failures: int = 0  # unchanged patterns Claude failed before (cached): offline, no request
    price_is_estimate: bool = False  # the model was not in the price table
    model: str | None = None  # the model asked (None: the offline advisor only)

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens

    def add(self, model: str, usage: Any) -> None:
        """Count one response's ``usage`` (an ``anthropic.types.Usage``)."""
        input_tokens = int(getattr(usage, "input_tokens", 0) or 0)
        output_tokens = int(getattr(usage, "output_tokens", 0) or 0)
        cache_write = int(getattr(usage, "cache_creation_input_tokens", 0) or 0)
        cache_read = int(getattr(usage, "cache_read_input_tokens", 0) or 0)
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        self.cache_write_tokens += cache_write
        self.cache_read_tokens += cache_read
        price, exact = price_for(model)
        self.estimated_cost_usd += price.cost(input_tokens, output_tokens, cache_write, cache_read)
        self.price_is_estimate = self.price_is_estimate or not exact

    def absorb(self, other: ModelUsage) -> None:
        """Count another record's requests too (the semantic judge's, in the run's one usage line)."""
        for name in ("requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens",
                     "estimated_cost_usd", "calls_skipped_budget", "cache_hits", "cached_failures"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.price_is_estimate = self.price_is_estimate or other.price_is_estimate
        self.model = self.model or other.model

    def describe(self) -> str:
        """One line for the run summary."""
        if self.model is None:
            return "offline advisor (no API key)"
        if not self.requests and not self.cache_hits and not self.cached_failures:
            return f"{self.model}: no model requests"
        cost = f"~${self.estimated_cost_usd:.4f}" + (" (estimated price)" if self.price_is_estimate else "")
        parts = [
            f"{self.model}: {self.requests} model request{'s' if self.requests != 1 else ''}",
            f"{self.input_tokens + self.cache_read_tokens + self.cache_write_tokens:,} input tokens"
            f" ({self.cache_read_tokens:,} cached)",
            f"{self.output_tokens:,} output tokens",
            cost,
        ]
        if self.cache_hits:
            parts.append(f"{self.cache_hits} from cache")
        if self.cached_failures:
            parts.append(f"{self.cached_failures} failed before (offline, from cache)")
        if self.calls_skipped_budget:
            # over max-model-calls: a pattern then gets the offline advisor, a semantic group is not judged
            parts.append(f"{self.calls_skipped_budget} not asked (over budget)")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "requests": self.requests,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_read_tokens": self.cache_read_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "estimated_cost_usd": round(self.estimated_cost_usd, 6),
            "price_is_estimate": self.price_is_estimate,
            "calls_skipped_budget": self.calls_skipped_budget,
            "cache_hits": self.cache_hits,
            "cached_failures": self.cached_failures,
        }


@dataclass
class AdviceResult:
    recommendations: dict[str, Recommendation]  # pattern id -> recommendation; every pattern has one
    usage: ModelUsage = field(default_factory=ModelUsage)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendations": {pid: rec.to_dict() for pid, rec in self.recommendations.items()},
            "usage": self.usage.to_dict(),
            "warnings": list(self.warnings),
        }
