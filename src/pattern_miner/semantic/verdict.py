"""Claude's verdict on one candidate group, as validated data (the question: ``prompt``).

Whatever the model answers is validated against ``Verdict`` (a boolean ``same_job``, a short job name, unit
numbers that exist), and the name is cleaned (``render.markdown.clean_prose``: no mentions, no HTML, no
foreign links) and bounded before it goes anywhere. An answer that does not validate is no verdict.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from pattern_miner.render.markdown import clean_prose

JOB_MAX = 80  # characters of a job's name
REASON_MAX = 300


class Verdict(BaseModel):
    """Claude's answer about one candidate group."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    same_job: bool = Field(description="True when at least two of the units do the same job.")
    job: str = Field(default="", max_length=200, description="A short name for the job, in plain words.")
    members: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, description="1-based numbers of the units that do the job (all when left out).")
    reason: str = Field(default="", max_length=1000, description="One sentence.")

    @field_validator("members")
    @classmethod
    def _members_exist(cls, value: list[int], info: ValidationInfo) -> list[int]:
        count = (info.context or {}).get("units")
        for number in value:
            if count is not None and number > count:
                raise ValueError(f"unit {number} does not exist")
        return sorted(set(value))

    def chosen(self, units: int) -> tuple[int, ...]:
        """The 0-based indexes of the units that do the job (all of them when the answer names none)."""
        if not self.same_job:
            return ()
        picked = tuple(n - 1 for n in self.members) or tuple(range(units))
        return picked if len(picked) >= 2 else ()

    def clean(self) -> Verdict:
        """The verdict with its prose made safe to publish: no mentions, no HTML, no foreign links, bounded."""
        job = " ".join(clean_prose(self.job).split())
        reason = " ".join(clean_prose(self.reason).split())
        return Verdict.model_construct(
            same_job=self.same_job,
            job=job if len(job) <= JOB_MAX else job[: JOB_MAX - 1].rstrip() + "…",
            members=list(self.members),
            reason=reason if len(reason) <= REASON_MAX else reason[: REASON_MAX - 1].rstrip() + "…",
        )


def verdict_schema() -> dict[str, Any]:
    """The JSON schema of the answer, in the form structured outputs accept."""
    return {
        "type": "object",
        "properties": {
            "same_job": {"type": "boolean", "description": "True when at least two of the units do the same job."},
            "job": {"type": "string", "description": f"A short name for the job (at most {JOB_MAX} characters)."},
            "members": {"type": "array", "items": {"type": "integer"},
                        "description": "1-based numbers of the units that do the job."},
            "reason": {"type": "string", "description": "One sentence."},
        },
        "required": ["same_job", "job", "members", "reason"],
        "additionalProperties": False,
    }


def validated(data: Any, units: int) -> Verdict | None:
    """``data`` as a verdict about ``units`` units, or None when it is not one."""
    try:
        return Verdict.model_validate(data, context={"units": units})
    except ValidationError:
        return None
