"""The recommendation as validated data (pydantic: it comes from a model, an untrusted edge).

``Answer`` is exactly what Claude is asked to write (its JSON schema is sent as the output format);
``Recommendation`` adds where it came from. Validation takes the pattern's occurrence count as
context (``{"occurrences": n}``) so a component can only cite copies that exist.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

# A package name every registry accepts: lowercase words joined by single hyphens (PEP 503-normal,
# npm-valid without a scope, a valid Go module path element and a valid GitHub repository name).
LIBRARY_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
LIBRARY_NAME_MAX = 64

# Fence languages a usage sketch may be written in (what GitHub highlights and the templates expect).
USAGE_LANGUAGES = (
    "bash", "shell", "dockerfile", "yaml", "hcl", "terraform", "python", "javascript", "typescript",
    "go", "json", "text",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Component(_Strict):
    name: str = Field(min_length=1, max_length=120, description="Short name of the reusable component.")
    description: str = Field(min_length=1, max_length=600, description="What it does, in one or two sentences.")
    occurrences: list[int] = Field(
        min_length=1,
        description="0-based indexes of the listed copies this component is extracted from.",
    )

    @field_validator("occurrences")
    @classmethod
    def _indexes_exist(cls, value: list[int], info: ValidationInfo) -> list[int]:
        count = (info.context or {}).get("occurrences")
        for index in value:
            if index < 0 or (count is not None and index >= count):
                raise ValueError(f"occurrence index {index} does not exist")
        return sorted(set(value))


class TimeSavings(_Strict):
    minutes_per_use: int = Field(ge=1, le=2400, description="Minutes saved each time a new repository needs this.")
    reasoning: str = Field(min_length=1, max_length=800, description="How the estimate was reached.")


class Answer(_Strict):
    """What the model writes for one pattern."""

    library_name: str = Field(description="Lowercase package name with hyphens, e.g. cloud-run-deploy.")
    summary: str = Field(min_length=1, max_length=1500, description="Two or three sentences: what to extract and why.")
    components: list[Component] = Field(min_length=1, max_length=10)
    usage: str = Field(min_length=1, max_length=6000, description="A short code sketch of a repository using the library.")
    usage_language: str = Field(description="Fence language of the usage sketch: " + ", ".join(USAGE_LANGUAGES))
    migration_steps: list[str] = Field(min_length=1, max_length=12)
    time_savings: TimeSavings
    risks: list[str] = Field(max_length=10)

    @field_validator("library_name", mode="before")
    @classmethod
    def _normal_name(cls, value: Any) -> Any:
        return value.strip().lower().replace("_", "-") if isinstance(value, str) else value

    @field_validator("library_name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if len(value) < 2 or len(value) > LIBRARY_NAME_MAX or not LIBRARY_NAME.match(value):
            raise ValueError("must be a package name: lowercase letters, digits and single hyphens")
        return value

    @field_validator("usage_language", mode="before")
    @classmethod
    def _known_language(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            value = {"sh": "bash", "tf": "hcl", "yml": "yaml", "js": "javascript", "ts": "typescript",
                     "golang": "go", "docker": "dockerfile", "py": "python"}.get(value, value)
            if value not in USAGE_LANGUAGES:
                raise ValueError(f"must be one of {', '.join(USAGE_LANGUAGES)}")
        return value

    @field_validator("migration_steps", "risks")
    @classmethod
    def _non_empty_items(cls, value: list[str]) -> list[str]:
        items = [item.strip() for item in value]
        if any(not item for item in items):
            raise ValueError("items must not be empty")
        return items


class Recommendation(Answer):
    """A validated recommendation for one pattern, and who wrote it."""

    source: Literal["claude", "offline"]
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
