"""One recipe per family of pattern: what the offline advisor proposes, and how it is used.

A recipe reads ``Copies`` (the pattern and its texts) and returns a ``Plan`` (both in ``base``);
``RECIPES`` maps the family chosen by ``offline.family`` to its recipe.
"""

from __future__ import annotations

from collections.abc import Callable

from pattern_miner.advise.recipes import code, config, docker, repositories, shell, terraform, workflow
from pattern_miner.advise.recipes.base import Copies, Plan

RECIPES: dict[str, Callable[[Copies], Plan]] = {
    "shell": shell.plan,
    "docker": docker.plan,
    "workflow": workflow.plan,
    "terraform": terraform.plan,
    "code": code.plan,
    "config": config.plan,
    "repositories": repositories.plan,  # a family of near-copy repositories (an opportunity)
}
