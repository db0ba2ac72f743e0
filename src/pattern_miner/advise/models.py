"""The recommendation as validated data (pydantic: it comes from a model, an untrusted edge).

``Answer`` is exactly what Claude is asked to write (its JSON schema is sent as the output format);
``Recommendation`` adds where it came from; ``Failure`` records that Claude answered but nothing valid
came of it. Every constraint is declared on the field types, so the JSON schema carries what the
validator checks; the validators left only normalize (aliases, case) or bound the component indexes by
the pattern's copies, taken as context (``{"occurrences": n}``) and written into ``answer_schema(n)``.
"""

from __future__ import annotations

import copy
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

# A package name every registry accepts: lowercase words joined by single hyphens (PEP 503-normal,
# npm-valid without a scope, a valid Go module path element and a valid GitHub repository name).
LIBRARY_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
LIBRARY_NAME_MAX = 64

# Fence languages a usage sketch may be written in (what GitHub highlights and the templates expect).
UsageLanguage = Literal[
    "bash", "shell", "dockerfile", "yaml", "hcl", "terraform", "python", "javascript", "typescript",
    "go", "json", "text",
]
USAGE_LANGUAGES: tuple[str, ...] = get_args(UsageLanguage)
# Names a model may write for one of them; normalized before the enum is checked.
LANGUAGE_ALIASES = {"sh": "bash", "tf": "hcl", "yml": "yaml", "js": "javascript", "ts": "typescript",
                    "golang": "go", "docker": "dockerfile", "py": "python"}

# A list item that is not blank (whitespace is stripped first).
NonBlank = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Component(_Strict):
    name: str = Field(min_length=1, max_length=120, description="Short name of the reusable component.")
    description: str = Field(min_length=1, max_length=600, description="What it does, in one or two sentences.")
    occurrences: list[Annotated[int, Field(ge=0)]] = Field(
        min_length=1,
        description="0-based indexes of the listed copies this component is extracted from.",
    )

    @field_validator("occurrences")
    @classmethod
    def _indexes_exist(cls, value: list[int], info: ValidationInfo) -> list[int]:
        count = (info.context or {}).get("occurrences")
        for index in value:
            if count is not None and index >= count:
                raise ValueError(f"occurrence index {index} does not exist")
        return sorted(set(value))


class TimeSavings(_Strict):
    minutes_per_use: int = Field(ge=1, le=2400, description="Minutes saved each time a new repository needs this.")
    reasoning: str = Field(min_length=1, max_length=800, description="How the estimate was reached.")


class Answer(_Strict):
    """What the model writes for one pattern."""

    library_name: str = Field(min_length=2, max_length=LIBRARY_NAME_MAX, pattern=LIBRARY_NAME.pattern,
                              description="Lowercase package name with hyphens, e.g. cloud-run-deploy.")
    summary: str = Field(min_length=1, max_length=1500, description="Two or three sentences: what to extract and why.")
    components: list[Component] = Field(min_length=1, max_length=10)
    usage: str = Field(min_length=1, max_length=6000, description="A short code sketch of a repository using the library.")
    usage_language: UsageLanguage = Field(description="Fence language of the usage sketch.")
    migration_steps: list[NonBlank] = Field(min_length=1, max_length=12)
    time_savings: TimeSavings
    risks: list[NonBlank] = Field(max_length=10)

    @field_validator("library_name", mode="before")
    @classmethod
    def _normal_name(cls, value: Any) -> Any:
        return value.strip().lower().replace("_", "-") if isinstance(value, str) else value

    @field_validator("usage_language", mode="before")
    @classmethod
    def _normal_language(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return LANGUAGE_ALIASES.get(value, value)
        return value


class Recommendation(Answer):
    """A validated recommendation for one pattern, and who wrote it."""

    source: Literal["claude", "offline"]
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Failure(_Strict):
    """Claude answered, but no valid recommendation came of it (invalid after the repair, a refusal).

    Cached like a recommendation, so the same content is not paid for again: the offline advisor answers.
    """

    reason: str


_ANSWER_SCHEMA = Answer.model_json_schema()


def answer_schema(occurrences: int) -> dict[str, Any]:
    """Answer's JSON schema for a pattern with ``occurrences`` copies: component indexes bounded by them."""
    schema = copy.deepcopy(_ANSWER_SCHEMA)
    schema["$defs"]["Component"]["properties"]["occurrences"]["items"]["maximum"] = occurrences - 1
    return schema
