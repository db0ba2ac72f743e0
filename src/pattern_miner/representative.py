"""The two copies that best show a pattern, for the issue's excerpt and for Claude's prompt alike:

- the medoid: of the first ``MAX_COMPARED`` copies that have text, the one most like all the others
  (mean line similarity);
- its partner: the closest copy of another repository that differs from it (a small diff reads best);
  failing that, the closest copy of another repository; failing that, the next closest copy.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from pattern_miner.model import Occurrence

MAX_COMPARED = 12  # copies compared pairwise: keep it small
COMPARED_LINES = 400  # lines of each copy compared (difflib is quadratic at worst)


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")[:COMPARED_LINES]


def representative_pair(occurrences: Sequence[Occurrence]) -> tuple[int, int | None]:
    """Indexes (into ``occurrences``) of the medoid and its partner (None when there is only one copy)."""
    candidates = [i for i, o in enumerate(occurrences[:MAX_COMPARED]) if o.text.strip()]
    if not candidates:
        return 0, (1 if len(occurrences) > 1 else None)
    if len(candidates) == 1:
        return candidates[0], None
    lines = {i: _lines(occurrences[i].text) for i in candidates}
    sims: dict[tuple[int, int], float] = {}
    for i in candidates:
        for j in candidates:
            if i < j:
                sims[i, j] = difflib.SequenceMatcher(None, lines[i], lines[j], autojunk=False).ratio()

    def sim(i: int, j: int) -> float:
        return sims[min(i, j), max(i, j)]

    first = max(candidates, key=lambda i: (sum(sim(i, j) for j in candidates if j != i), -i))
    others = [j for j in candidates if j != first]
    elsewhere = [j for j in others if occurrences[j].repo != occurrences[first].repo]
    differing = [j for j in elsewhere if occurrences[j].text != occurrences[first].text]
    partner = max(differing or elsewhere or others, key=lambda j: (sim(first, j), -j))
    return first, partner
