"""Claude judges a candidate group: one request per group, structured output, cached, within a budget.

The request asks for JSON matching ``verdict.verdict_schema`` (``output_config.format``), through the
pinned anthropic SDK (the client comes from ``advise.claude.make_client``: the key, ``base_url`` or
``ANTHROPIC_BASE_URL``, the SDK's own retries and a timeout). The answer is validated (``Verdict``); an
answer that does not validate, or a refusal, is no verdict and is cached as such (the same units are not
asked again). The outcome is cached on disk, keyed by the units' content hashes, the model and the
prompt version: an unchanged run makes no call. Calls are bounded by ``max_calls`` per run; an API
failure costs the group its verdict (not cached: the next run asks again), a rejected key stops asking.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pattern_miner.semantic.prompt import PROMPT_VERSION, SYSTEM_PROMPT, UnitText, build_prompt

if TYPE_CHECKING:
    import anthropic

    from pattern_miner.advise.settings import ModelUsage
    from pattern_miner.semantic.verdict import Verdict

def _validated(data: Any, units: int) -> Verdict | None:
    """``verdict.validated``, imported when a verdict is first read (pydantic: a scan without a key never is)."""
    from pattern_miner.semantic.verdict import validated

    return validated(data, units)


def _schema() -> dict[str, Any]:
    from pattern_miner.semantic.verdict import verdict_schema

    return verdict_schema()


MAX_OUTPUT_TOKENS = 1024  # a verdict is a few dozen tokens; room for a short reason
NO_VERDICT = "no-verdict"  # cached: Claude answered, but nothing valid came of it


@dataclass
class JudgeStats:
    calls: int = 0  # model requests made
    cache_hits: int = 0  # groups answered from the cache
    skipped_budget: int = 0  # groups left unjudged by max_calls
    failures: int = 0  # requests that failed (API errors) or answered nothing valid
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"calls": self.calls, "cache_hits": self.cache_hits, "skipped_budget": self.skipped_budget,
                "failures": self.failures}


def cache_key(digests: Sequence[str], model: str) -> str:
    return hashlib.sha256(json.dumps([list(digests), model, PROMPT_VERSION]).encode()).hexdigest()


class VerdictCache:
    """One JSON file per key under ``<cache_dir>/semantic/``; damage is a miss, overwritten on the next write."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.dir = cache_dir / "semantic" if cache_dir is not None else None

    def get(self, key: str, units: int) -> Verdict | str | None:
        if self.dir is None:
            return None
        path = self.dir / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["key"] != key:
                return None
            if data.get("verdict") is None:
                return NO_VERDICT
            return _validated(data["verdict"], units)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, verdict: Verdict | None) -> None:
        if self.dir is None:
            return
        try:
            if self.dir.is_file():
                self.dir.unlink()
            self.dir.mkdir(parents=True, exist_ok=True)
            payload = json.dumps({"key": key, "verdict": verdict.model_dump(mode="json") if verdict else None})
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".verdict-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, self.dir / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written costs calls next run, nothing else


class Judge:
    """Asks Claude whether a candidate group does one job."""

    def __init__(self, client: anthropic.Anthropic, model: str, *, cache_dir: Path | None = None,
                 max_calls: int = 50, warn: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.model = model
        self.cache = VerdictCache(cache_dir)
        self.max_calls = max_calls
        self.stats = JudgeStats()
        from pattern_miner.advise.settings import ModelUsage  # pydantic: a Judge exists only with a key

        self.usage: ModelUsage = ModelUsage(model=model)  # what its requests cost: counted in the run's usage
        self._warn = warn
        self.disabled = False

    def warn(self, text: str) -> None:
        self.stats.warnings.append(text)
        if self._warn is not None:
            self._warn(text)

    def judge(self, units: Sequence[UnitText], digests: Sequence[str], shared: Sequence[str] = ()) -> Verdict | None:
        """The cleaned verdict on one group, or None (not asked, the API failed, or no valid answer)."""
        key = cache_key(digests, self.model)
        cached = self.cache.get(key, len(units))
        if cached is not None:
            self.stats.cache_hits += 1
            self.usage.cache_hits += 1
            return None if isinstance(cached, str) else cached.clean()
        if self.disabled:
            return None
        if self.stats.calls >= self.max_calls:
            self.stats.skipped_budget += 1
            self.usage.calls_skipped_budget += 1
            return None
        import anthropic

        self.stats.calls += 1
        try:
            message = self.client.messages.create(
                model=self.model,
                max_tokens=MAX_OUTPUT_TOKENS,
                system=[{"type": "text", "text": SYSTEM_PROMPT, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": build_prompt(units, shared)}],
                output_config={"format": {"type": "json_schema", "schema": _schema()}},
            )
        except (anthropic.AuthenticationError, anthropic.PermissionDeniedError, anthropic.NotFoundError) as err:
            self.disabled = True
            self.stats.failures += 1
            self.warn(f"semantic patterns: Claude refused the request (HTTP {err.status_code}); "
                      "no further groups are judged this run")
            return None
        except anthropic.AnthropicError as err:
            self.stats.failures += 1
            self.warn(f"semantic patterns: a Claude request failed ({type(err).__name__}); that group is not judged")
            return None
        self.usage.requests += 1
        self.usage.add(self.model, getattr(message, "usage", None))
        verdict = self._verdict(message, len(units))
        if verdict is None:
            self.stats.failures += 1
        self.cache.put(key, verdict)
        return verdict.clean() if verdict is not None else None

    @staticmethod
    def _verdict(message: Any, units: int) -> Verdict | None:
        if getattr(message, "stop_reason", None) in ("refusal", "max_tokens"):
            return None
        data: Any = None
        texts: list[str] = []
        for block in getattr(message, "content", None) or []:
            if getattr(block, "type", "") == "tool_use":
                data = block.input
            elif getattr(block, "type", "") == "text":
                texts.append(block.text)
        if data is None:
            text = "".join(texts).strip()
            start, end = text.find("{"), text.rfind("}")
            try:
                data = json.loads(text[start:end + 1]) if 0 <= start < end else None
            except ValueError:
                return None
        return _validated(data, units)


def judge_for(client: anthropic.Anthropic | None, model: str | None, cache_dir: Path | None, max_calls: int,
              warn: Callable[[str], None] | None = None) -> Judge | None:
    """The judge of a run that has a Claude client (None without one: offline groups only)."""
    if client is None:
        return None
    from pattern_miner.advise.pricing import default_model

    return Judge(client, model or default_model(), cache_dir=cache_dir, max_calls=max_calls, warn=warn)
