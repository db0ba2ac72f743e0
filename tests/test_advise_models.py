"""The recommendation schema, the default model read from the SDK, and the price table."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import Any

import anthropic.types
import pytest
from pydantic import ValidationError

from pattern_miner.advise import DEFAULT_MODEL, AdviceSettings, ModelUsage, Recommendation
from pattern_miner.advise.claude import output_schema
from pattern_miner.advise.models import USAGE_LANGUAGES, Answer, Component
from pattern_miner.advise.pricing import PRICES, newest_sonnet, price_for, sdk_models
from tests.fakes.anthropic import unsupported_schema_keyword


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


# pydantic's checks, by core schema node type, and the JSON Schema keyword each one is.
CHECKS = {
    "str": {"min_length": "minLength", "max_length": "maxLength", "pattern": "pattern"},
    "list": {"min_length": "minItems", "max_length": "maxItems"},
    "int": {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"},
    "literal": {"expected": "enum"},
}
STRUCTURE = {"type", "metadata", "items_schema", "schema", "cls", "config", "ref", "custom_init", "root_model",
             "fields", "model_name", "computed_fields", "function"}
COPIES = 3
# The field validators: what each checks, as schema keywords (path, keyword, value); normalizers check nothing.
VALIDATORS = {
    "Answer._normal_name": lambda path: [],
    "Answer._normal_language": lambda path: [],
    "Component._indexes_exist": lambda path: [((*path, "items"), "maximum", COPIES - 1)],
}


def validator_checks(node: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    """Every check the validator makes, read from pydantic's core schema, as (schema path, keyword, value)."""
    kind = node["type"]
    unknown = set(node) - STRUCTURE - set(CHECKS.get(kind, {}))
    assert not unknown, f"{'.'.join(path)}: no schema counterpart known for {kind} {unknown}"
    for check, keyword in CHECKS.get(kind, {}).items():
        if check in node:
            yield path, keyword, node[check]
    if kind == "model":
        assert node["config"]["extra_fields_behavior"] == "forbid"
        yield path, "additionalProperties", False
        for name, field in node["schema"]["fields"].items():
            yield from validator_checks(field["schema"], (*path, "properties", name))
    elif kind in ("function-before", "function-after"):
        name = node["function"]["function"].__qualname__
        assert name in VALIDATORS, f"{'.'.join(path)}: validator {name} has no schema counterpart"
        yield from VALIDATORS[name](path)
        yield from validator_checks(node["schema"], path)
    elif kind == "list":
        yield from validator_checks(node["items_schema"], (*path, "items"))
    else:
        assert kind in CHECKS, f"{'.'.join(path)}: unknown core schema node {kind}"


def schema_at(schema: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = schema
    for step in path:
        node = node[step]
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def test_every_check_of_the_validator_is_in_the_schema_sent() -> None:
    sent = output_schema(COPIES)
    checks = list(validator_checks(Answer.__pydantic_core_schema__))
    assert len(checks) > 25
    for path, keyword, value in checks:
        node = schema_at(sent, path)
        if keyword in ("enum", "additionalProperties"):  # structured outputs enforce these: keywords, not text
            assert node.get(keyword) == value, (path, keyword)
        else:  # a keyword where structured outputs take it, else the SDK's "{minLength: 1, ...}" note
            note = re.compile(rf"[{{ ]{keyword}: {re.escape(str(value))}[,}}]")
            assert node.get(keyword) == value or note.search(node.get("description", "")), (path, keyword)
    assert unsupported_schema_keyword(sent) is None
    assert schema_at(sent, ("properties", "usage_language"))["enum"] == list(USAGE_LANGUAGES)


def test_the_index_bound_follows_the_copies() -> None:
    items = schema_at(output_schema(7), ("properties", "components", "items", "properties", "occurrences", "items"))
    assert "maximum: 6" in items["description"]
    assert Component.model_validate({"name": "n", "description": "d", "occurrences": [6]}, context={"occurrences": 7})
    with pytest.raises(ValidationError):
        Component.model_validate({"name": "n", "description": "d", "occurrences": [7]}, context={"occurrences": 7})


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
