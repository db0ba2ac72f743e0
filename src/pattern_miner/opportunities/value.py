"""What extracting an opportunity is worth, and how sure we are of it.

Value is what one extraction saves, adjusted for what a platform lead cares about:
    copies beyond the first × duplicated lines × KIND_WEIGHT[category] × activity × TEST_ONLY × TEMPLATE
- copies are counted per independent repository: a family (near-forks) counts once;
- activity: a repository pushed to recently counts more, a stale one less, an archived one least
  (the mean over the opportunity's repositories; unknown activity is neutral);
- copies that all lie in tests are worth less; stock templates least of all (they rank last anyway).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from pattern_miner.model import Occurrence, Pattern, RepoInfo

# The categories a platform team extracts first: how an environment is changed and built, then the code
# that talks to other services and reads settings, then plain code.
KIND_WEIGHT = {
    "deployment": 1.6, "infrastructure": 1.5, "ci_workflow": 1.4, "container": 1.4,
    "api_client": 1.3, "configuration": 1.2, "code": 1.0,
}
RECENT = timedelta(days=90)  # pushed to within this: the copies are being worked on
STALE = timedelta(days=730)  # nothing pushed for two years: the copies are unlikely to be touched again
ACTIVITY = {"recent": 1.25, "active": 1.0, "stale": 0.5, "archived": 0.2}
TEST_ONLY = 0.4  # every copy is in a test: duplication in tests is cheaper, and often on purpose
TEMPLATE = 0.05  # stock files a tool generates: adopting a template saves little

_TEST_PATH = re.compile(r"(?:^|/)(?:tests?|__tests__|spec|specs|testing|fixtures)/|(?:^|/)test_[^/]*$|"
                        r"_test\.(?:py|go)$|\.(?:test|spec)\.[jt]sx?$|(?:^|/)conftest\.py$")


def activity(info: RepoInfo | None, now: datetime) -> str:
    """recent, active, stale or archived (unknown: active)."""
    if info is None:
        return "active"
    if info.archived:
        return "archived"
    if info.pushed_at is None:
        return "active"
    pushed = info.pushed_at if info.pushed_at.tzinfo else info.pushed_at.replace(tzinfo=UTC)
    age = now - pushed
    return "recent" if age <= RECENT else "stale" if age >= STALE else "active"


def activity_factor(repos: Iterable[str], infos: Mapping[str, RepoInfo], now: datetime) -> float:
    factors = [ACTIVITY[activity(infos.get(r), now)] for r in repos]
    return sum(factors) / len(factors) if factors else 1.0


def is_test(path: str) -> bool:
    return _TEST_PATH.search(path) is not None or posixpath.basename(path).startswith("test_")


def test_only(occurrences: Iterable[Occurrence]) -> bool:
    paths = [o.path for o in occurrences]
    return bool(paths) and all(is_test(p) for p in paths)


def saved_lines(pattern: Pattern, cluster: Mapping[str, str]) -> int:
    """Duplicated lines one extraction of ``pattern`` removes: its lines in every independent repository
    (a family is one) beyond the first."""
    independent = {cluster.get(r, r) for r in pattern.repos}
    return max(0, len(independent) - 1) * pattern.lines


def value(lines: float, category: str, repos: Iterable[str], infos: Mapping[str, RepoInfo], now: datetime, *,
          tests: bool = False, template: bool = False) -> float:
    v = lines * KIND_WEIGHT.get(category, 1.0) * activity_factor(repos, infos, now)
    if tests:
        v *= TEST_ONLY
    if template:
        v *= TEMPLATE
    return v


def confidence(levels: Iterable[tuple[str, float]]) -> str:
    """A group's confidence: the level that holds most of its lines (components weighed by their lines)."""
    weight = {"High": 0.0, "Medium": 0.0, "Low": 0.0}
    for level, lines in levels:
        weight[level] = weight.get(level, 0.0) + lines
    if weight["High"] >= weight["Medium"] + weight["Low"]:
        return "High"
    return "Medium" if weight["High"] + weight["Medium"] > 0 else "Low"
