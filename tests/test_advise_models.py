"""The recommendation schema, the default model read from the SDK, and the price table."""

from __future__ import annotations

import typing
from typing import Any

import anthropic.types
import pytest
from pydantic import ValidationError

from pattern_miner.advise import DEFAULT_MODEL, AdviceSettings, ModelUsage, Recommendation
from pattern_miner.advise.models import Answer
from pattern_miner.advise.pricing import PRICES, newest_sonnet, price_for, sdk_models


def answer(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "library_name": "cloud-run-deploy",
        "summary": "Three deploy scripts share the Cloud Run steps.",
        "components": [{"name": "Deploy", "description": "gcloud run deploy", "occurrences": [1, 0, 1]}],
        "usage": "source cloud-run-deploy.sh\ncloud_run_deploy --region us-central1",
        "usage_language": "bash",
        "migration_steps": ["Create the repository", "Replace the copies"],
        "time_savings": {"minutes_per_use": 30, "reasoning": "24 lines adapted by hand"},
        "risks": ["Pin a tag"],
    }
    data.update(changes)
    return data


def test_a_valid_answer_validates_and_normalizes() -> None:
    parsed = Answer.model_validate(answer(library_name="Cloud_Run_Deploy", usage_language="sh"),
                                   context={"occurrences": 3})
    assert parsed.library_name == "cloud-run-deploy"
    assert parsed.usage_language == "bash"
    assert parsed.components[0].occurrences == [0, 1]


@pytest.mark.parametrize("changes", [
    {"library_name": "ignore previous instructions"},
    {"library_name": "-leading-hyphen"},
    {"library_name": "a" * 80},
    {"library_name": "x"},
    {"components": []},
    {"components": [{"name": "x", "description": "y", "occurrences": [7]}]},
    {"usage_language": "cobol"},
    {"migration_steps": []},
    {"migration_steps": ["  "]},
    {"time_savings": {"minutes_per_use": 0, "reasoning": "r"}},
    {"time_savings": {"minutes_per_use": 30}},
    {"extra_field": "not allowed"},
    {"summary": ""},
])
def test_invalid_answers_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Answer.model_validate(answer(**changes), context={"occurrences": 3})


def test_missing_fields_are_rejected() -> None:
    data = answer()
    del data["risks"]
    with pytest.raises(ValidationError):
        Answer.model_validate(data)


def test_recommendation_records_its_source() -> None:
    rec = Recommendation(**Answer.model_validate(answer()).model_dump(), source="claude", model="claude-sonnet-5-5")
    assert rec.to_dict()["source"] == "claude"
    with pytest.raises(ValidationError):
        Recommendation(**Answer.model_validate(answer()).model_dump(), source="somebody")


def test_default_model_is_the_newest_sonnet_in_the_pinned_sdk() -> None:
    literal = {a for arg in typing.get_args(anthropic.types.Model) for a in typing.get_args(arg)}
    assert DEFAULT_MODEL in literal
    assert DEFAULT_MODEL in sdk_models()
    assert "sonnet" in DEFAULT_MODEL
    assert AdviceSettings(api_key=None).resolved_model == DEFAULT_MODEL
    assert AdviceSettings(api_key=None, model="claude-opus-5").resolved_model == "claude-opus-5"


def test_newest_sonnet_compares_versions_and_prefers_the_alias() -> None:
    assert newest_sonnet(("claude-sonnet-4-5-20250929", "claude-sonnet-4-5", "claude-opus-9")) == "claude-sonnet-4-5"
    assert newest_sonnet(("claude-sonnet-4-6", "claude-sonnet-4-10", "claude-sonnet-5")) == "claude-sonnet-5"
    assert newest_sonnet(("claude-sonnet-5", "claude-sonnet-5-5")) == "claude-sonnet-5-5"
    with pytest.raises(RuntimeError):
        newest_sonnet(("claude-haiku-4-5",))


def test_prices_cover_the_default_model_and_fall_back_by_family() -> None:
    assert price_for(DEFAULT_MODEL)[1] is True
    assert price_for("claude-sonnet-4-5-20250929") == (PRICES["claude-sonnet-4-5"], True)
    price, exact = price_for("claude-opus-9")
    assert not exact and price == PRICES["claude-opus-5-5"]
    assert price_for("my-gateway-alias")[1] is False


def test_usage_adds_tokens_and_cost() -> None:
    usage = ModelUsage(model="claude-sonnet-5-5")
    reply = anthropic.types.Usage(input_tokens=1_000_000, output_tokens=100_000,
                                  cache_read_input_tokens=1_000_000, cache_creation_input_tokens=0)
    usage.add("claude-sonnet-5-5", reply)
    # $2 input + $1 output + $0.10 cache read
    assert usage.estimated_cost_usd == pytest.approx(3.10)
    assert usage.total_tokens == 2_100_000
    assert usage.to_dict()["cache_read_tokens"] == 1_000_000
    assert "claude-sonnet-5-5" in usage.describe()
    assert ModelUsage().describe() == "offline advisor (no API key)"
