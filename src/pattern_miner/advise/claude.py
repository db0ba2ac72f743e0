"""Claude writes the recommendation: structured output through the pinned anthropic SDK.

One request per pattern asks for JSON matching ``Answer``'s schema (``output_config.format``; newer
models reject a forced ``tool_choice``). If an endpoint rejects ``output_config`` (an older gateway),
the advisor switches, for the rest of the run, to a forced tool whose ``input_schema`` is the same
schema. Either way the answer is validated with pydantic; an invalid or cut-off answer gets one repair
request (the same prompt plus the validation errors). If that fails too, or Claude refuses, the result
is a ``Failure`` (cached by the caller, so the same content is not asked again) and the caller uses
the offline advisor.

The schema is built per pattern (``output_schema``): component indexes are bounded by its copies.
``anthropic.transform_schema`` keeps what structured outputs enforce (types, ``enum`` such as
``usage_language``, ``required``, ``additionalProperties: false``, ``minItems`` 0 or 1) and moves every
other keyword (``minLength``, ``maxLength``, ``maxItems``, ``pattern``, ``minimum``, ``maximum``) into
the field's description, where the model reads it (the API rejects some of them, ``minimum`` for one,
with a 400). The validator checks all of them either way.

Failures never stop the run:
- 408/409/429/5xx/529 and connection errors are retried by the SDK itself (``max_retries``, with
  backoff that honours ``retry-after``); if they persist the pattern goes offline, and after
  ``MAX_CONSECUTIVE_FAILURES`` such patterns in a row Claude is not asked again this run;
- 401/403 (and 404: unknown model) → one clear warning, offline advisor for the rest of the run;
- every request is bounded by ``timeout`` seconds; calls and tokens are bounded per run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import anthropic
from pydantic import ValidationError

from pattern_miner.advise.models import Answer, Failure, Recommendation, answer_schema
from pattern_miner.advise.prompt import SYSTEM_PROMPT, build_prompt
from pattern_miner.advise.settings import AdviceSettings, ModelUsage
from pattern_miner.model import Pattern

MAX_OUTPUT_TOKENS = 4096  # room for adaptive thinking plus a ~1k-token answer
MAX_CONSECUTIVE_FAILURES = 3  # API failures in a row before the run stops asking Claude
TOOL_NAME = "record_recommendation"
_FENCED_JSON = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.DOTALL)


def output_schema(occurrences: int) -> dict[str, Any]:
    """The schema sent for a pattern with ``occurrences`` copies, in the form structured outputs accept."""
    return anthropic.transform_schema(answer_schema(occurrences))


def estimate_tokens(text: str) -> int:
    """A deliberately high estimate (3 characters a token; code and JSON tokenize densely)."""
    return len(text) // 3 + 1


class _Invalid(Exception):
    """The model answered, but not with a valid recommendation."""

    def __init__(self, reason: str, *, repairable: bool = True) -> None:
        super().__init__(reason)
        self.repairable = repairable


def _error_text(err: anthropic.APIStatusError) -> str:
    kind = err.type or "error"
    message = (err.api_message or "").splitlines()[0][:200] if err.api_message else ""
    request = f", request-id {err.request_id}" if err.request_id else ""
    return f"HTTP {err.status_code} {kind}{': ' + message if message else ''}{request}"


def _validation_summary(err: ValidationError) -> str:
    parts = []
    for item in err.errors()[:8]:
        where = ".".join(str(p) for p in item["loc"]) or "answer"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def make_client(settings: AdviceSettings) -> anthropic.Anthropic:
    """The Anthropic client: the key, the SDK's own retries and a timeout per request."""
    return anthropic.Anthropic(
        api_key=settings.api_key,
        base_url=settings.base_url,  # None: the SDK reads ANTHROPIC_BASE_URL
        max_retries=settings.max_retries,
        timeout=settings.timeout,
    )


class ClaudeAdvisor:
    def __init__(
        self,
        settings: AdviceSettings,
        usage: ModelUsage,
        warn: Callable[[str], None],
        client: anthropic.Anthropic | None = None,
    ) -> None:
        self.settings = settings
        self.usage = usage
        self.warn = warn
        self.model = settings.resolved_model
        self.client = client or make_client(settings)
        self.mode = "json_schema"  # or "tool" once an endpoint rejects output_config
        self.disabled: str | None = None  # why Claude is not asked any more this run
        self.calls = 0
        self._failures_in_row = 0
        self._budget_warned = False

    # -- one pattern --------------------------------------------------------------------------
    def recommend(self, pattern: Pattern) -> Recommendation | Failure | None:
        """Claude's validated recommendation; a Failure when Claude answered but nothing valid came of it
        (invalid after the repair, a refusal); None when it was not answered (no budget, an API failure).
        """
        schema = output_schema(len(pattern.occurrences))
        repair_note: str | None = None
        for _attempt in range(2):  # the answer, then at most one repair
            if self.disabled:
                return None
            prompt = build_prompt(pattern, repair_note=repair_note)
            if not self._within_budget(prompt):
                self.usage.calls_skipped_budget += 1
                return None
            try:
                message = self._create(prompt, schema)
            except anthropic.APIStatusError as err:
                self._api_failure(pattern, err)
                return None
            except anthropic.APIConnectionError as err:  # includes APITimeoutError
                self._transient(pattern, "timed out" if isinstance(err, anthropic.APITimeoutError)
                                else "could not connect")
                return None
            except anthropic.AnthropicError as err:
                self.warn(f"pattern {pattern.id}: Claude request failed ({type(err).__name__}); offline advisor used")
                return None
            self._failures_in_row = 0
            try:
                return self._recommendation(message, pattern)
            except _Invalid as invalid:
                if not invalid.repairable:
                    self.warn(f"pattern {pattern.id}: {invalid}; offline advisor used")
                    return Failure(reason=str(invalid))
                repair_note = str(invalid)
        self.warn(f"pattern {pattern.id}: Claude's answer was invalid after one repair ({repair_note}); "
                  "offline advisor used")
        return Failure(reason=f"invalid after one repair: {repair_note}")

    # -- budget -------------------------------------------------------------------------------
    def _within_budget(self, prompt: str) -> bool:
        limit = self.settings.max_model_calls
        if self.calls >= limit:
            return self._over_budget(f"max-model-calls ({limit}) reached")
        needed = estimate_tokens(SYSTEM_PROMPT + prompt)
        used = self.usage.total_tokens
        if used + needed > self.settings.token_budget:
            return self._over_budget(f"token budget ({self.settings.token_budget:,}) reached: {used:,} used")
        return True

    def _over_budget(self, reason: str) -> bool:
        if not self._budget_warned:
            self._budget_warned = True
            self.warn(f"{reason}; the remaining patterns use the offline advisor")
        return False

    # -- the request --------------------------------------------------------------------------
    def _create(self, prompt: str, schema: dict[str, Any]) -> Any:
        while True:
            self.calls += 1
            self.usage.requests += 1
            kwargs: dict[str, Any] = {
                "model": self.model,
                "max_tokens": MAX_OUTPUT_TOKENS,
                "system": [{"type": "text", "text": SYSTEM_PROMPT, "cache_control": {"type": "ephemeral"}}],
                "messages": [{"role": "user", "content": prompt}],
            }
            if self.mode == "json_schema":
                kwargs["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
            else:
                kwargs["tools"] = [{
                    "name": TOOL_NAME,
                    "description": "Record the shared-library recommendation for the pattern.",
                    "input_schema": schema,
                }]
                kwargs["tool_choice"] = {"type": "tool", "name": TOOL_NAME}
            try:
                message = self.client.messages.create(**kwargs)
            except anthropic.BadRequestError as err:
                if self.mode == "json_schema" and "output_config" in (err.api_message or ""):
                    self.mode = "tool"
                    self.warn(f"the endpoint does not accept structured output ({_error_text(err)}); "
                              "using tool use instead")
                    if self.calls < self.settings.max_model_calls:
                        continue
                raise
            self.usage.add(self.model, message.usage)
            return message

    def _recommendation(self, message: Any, pattern: Pattern) -> Recommendation:
        if message.stop_reason == "refusal":
            raise _Invalid("Claude declined to answer", repairable=False)
        data: Any = None
        texts: list[str] = []
        for block in message.content:
            if block.type == "tool_use" and block.name == TOOL_NAME:
                data = block.input
            elif block.type == "text":
                texts.append(block.text)
        if data is None:
            data = self._json_from_text("".join(texts), cut=message.stop_reason == "max_tokens")
        try:
            answer = Answer.model_validate(data, context={"occurrences": len(pattern.occurrences)})
        except ValidationError as err:
            raise _Invalid(f"schema violation: {_validation_summary(err)}") from err
        model = message.model if isinstance(message.model, str) and message.model else self.model
        return Recommendation(**answer.model_dump(), source="claude", model=model)

    @staticmethod
    def _json_from_text(text: str, *, cut: bool) -> Any:
        if cut:
            raise _Invalid(f"the answer was cut off at max_tokens ({MAX_OUTPUT_TOKENS}); answer more briefly")
        text = text.strip()
        if not text:
            raise _Invalid("the answer had no JSON object")
        fenced = _FENCED_JSON.search(text)
        candidate = fenced.group(1) if fenced else text
        try:
            return json.loads(candidate)
        except ValueError:
            start, end = candidate.find("{"), candidate.rfind("}")
            if 0 <= start < end:
                try:
                    return json.loads(candidate[start : end + 1])
                except ValueError:
                    pass
        raise _Invalid("the answer was not valid JSON")

    # -- failures -----------------------------------------------------------------------------
    def _api_failure(self, pattern: Pattern, err: anthropic.APIStatusError) -> None:
        if isinstance(err, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
            self.disabled = "auth"
            self.warn(f"Claude rejected the API key ({_error_text(err)}); "
                      "using the offline advisor for the rest of this run")
        elif isinstance(err, anthropic.NotFoundError):
            self.disabled = "model"
            self.warn(f"Claude model {self.model!r} is not available ({_error_text(err)}); "
                      "using the offline advisor for the rest of this run")
        elif isinstance(err, anthropic.RateLimitError | anthropic.InternalServerError) or err.status_code in (408, 409):
            self._transient(pattern, _error_text(err))
        else:
            self.warn(f"pattern {pattern.id}: Claude request failed ({_error_text(err)}); offline advisor used")

    def _transient(self, pattern: Pattern, what: str) -> None:
        self._failures_in_row += 1
        self.warn(f"pattern {pattern.id}: Claude request failed after {self.settings.max_retries} retries "
                  f"({what}); offline advisor used")
        if self._failures_in_row >= MAX_CONSECUTIVE_FAILURES:
            self.disabled = "unavailable"
            self.warn(f"Claude failed {self._failures_in_row} patterns in a row; "
                      "using the offline advisor for the rest of this run")
