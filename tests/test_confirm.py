"""The confirmation policy on its own: a pure function of two fragments, their measures and the thresholds.

The measures are fixed numbers here (no tokens, no files), and the test sees which of them the policy
asked for: the expensive ones only when the decision needs them.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from pattern_miner.match.confirm import THRESHOLDS, ClonePair, Thresholds, confirm, floor, floors
from pattern_miner.match.fragments import Fragment


class Fixed:
    """Measures that answer fixed numbers and remember what was asked."""

    def __init__(self, structure: float = 1.0, literal: float = 1.0, rare: float = 1.0, lines: float = 1.0) -> None:
        self.values = {"structure": structure, "literal": literal, "rare": rare, "kept_lines": lines}
        self.asked: list[str] = []

    def _ask(self, name: str) -> float:
        self.asked.append(name)
        return self.values[name]

    def structure(self, fa: Fragment, fb: Fragment) -> float:
        return self._ask("structure")

    def literal(self, fa: Fragment, fb: Fragment, renamed: bool) -> float:
        return self._ask("literal")

    def rare(self, fa: Fragment, fb: Fragment) -> float:
        return self._ask("rare")

    def kept_lines(self, fa: Fragment, fb: Fragment) -> float:
        return self._ask("kept_lines")


class Renaming(Fixed):
    """Remembers whether the literal streams were compared alpha-renamed."""

    def __init__(self) -> None:
        super().__init__()
        self.renamed: list[bool] = []

    def literal(self, fa: Fragment, fb: Fragment, renamed: bool) -> float:
        self.renamed.append(renamed)
        return super().literal(fa, fb, renamed)


def frag(fid: int, *, size: int = 100, kind: str = "file", language: str = "python", lines: int = 30,
         threshold: float = 0.8) -> Fragment:
    return Fragment(fid, fid, fid, kind, "", 0, size, 1, lines, language, "code", threshold, lines)


def test_a_pair_that_cannot_reach_its_floor_by_size_is_rejected_before_any_measure() -> None:
    measures = Fixed()
    assert confirm(frag(0, size=100), frag(1, size=40), measures) == "rejected_size"
    assert measures.asked == []
    # an exact copy is never measured at all
    assert confirm(frag(3), frag(2), measures, exact=True) == ClonePair(2, 3, 1.0, 1.0)
    assert measures.asked == []


def test_code_is_confirmed_on_structure_alone() -> None:
    assert confirm(frag(0), frag(1), Fixed(structure=0.79)) == "rejected_similarity"
    measures = Fixed(structure=0.8, rare=0.0, lines=0.0)
    assert confirm(frag(0), frag(1), measures) == ClonePair(0, 1, 0.8, 1.0, strong=True)
    assert measures.asked == ["structure"]


def test_small_code_must_be_a_near_literal_copy() -> None:
    small = THRESHOLDS.small_code_lines - 1
    a, b = frag(0, lines=small, kind="function"), frag(1, lines=small, kind="method")
    assert confirm(a, b, Fixed(structure=THRESHOLDS.small_code_shape - 0.01)) == "rejected_small"
    assert confirm(a, b, Fixed(literal=THRESHOLDS.small_code_literal - 0.01)) == "rejected_small"
    assert isinstance(confirm(a, b, Fixed(literal=THRESHOLDS.small_code_literal)), ClonePair)
    # a function's names may be consistently renamed; a class is its names
    measures = Renaming()
    confirm(a, b, measures)
    confirm(frag(0, lines=small, kind="class"), frag(1, lines=small, kind="class"), measures)
    assert measures.renamed == [True, False]
    # at the size threshold, none of it applies
    big = THRESHOLDS.small_code_lines
    measures = Fixed(structure=0.9, literal=0.0)
    assert isinstance(confirm(frag(0, lines=big), frag(1, lines=big), measures), ClonePair)
    assert measures.asked == ["structure"]


def test_configuration_needs_rare_content_and_kept_lines_to_be_strong() -> None:
    a, b = frag(0, language="yaml", threshold=0.75), frag(1, language="yaml", threshold=0.75)
    t = THRESHOLDS
    # shared rare content buys the structure some slack below the type's threshold
    strong = confirm(a, b, Fixed(structure=0.75 - t.rare_strong_slack, rare=t.rare_strong, lines=t.lines_strong))
    assert strong == ClonePair(0, 1, 0.75 - t.rare_strong_slack, t.rare_strong, strong=True)
    assert confirm(a, b, Fixed(structure=0.75 - t.rare_strong_slack - 0.01)) == "rejected_similarity"
    # almost no rare content: rejected before the lines are compared
    measures = Fixed(structure=0.9, rare=t.rare_lines_alone - 0.01)
    assert confirm(a, b, measures) == "rejected_rare"
    assert measures.asked == ["structure", "rare"]
    # little rare content (every distinctive value changed): only most of the lines kept, in order, make it weak
    measures = Fixed(structure=0.9, rare=t.rare_weak - 0.01, lines=t.lines_alone - 0.01)
    assert confirm(a, b, measures) == "rejected_rare"
    assert measures.asked == ["structure", "rare", "kept_lines"]
    assert confirm(a, b, Fixed(structure=0.9, rare=t.rare_lines_alone, lines=t.lines_alone)) == ClonePair(
        0, 1, 0.9, t.rare_lines_alone, strong=False)
    # ... for whole files only: a job with its values changed is a convention
    ja, jb = frag(0, kind="job", language="yaml", threshold=0.75), frag(1, kind="job", language="yaml", threshold=0.75)
    assert confirm(ja, jb, Fixed(structure=0.9, rare=t.rare_weak - 0.01, lines=1.0)) == "rejected_rare"
    # rare content but no kept line: files that share a vocabulary, not text
    assert confirm(a, b, Fixed(structure=0.9, rare=0.9, lines=t.lines_strong - 0.01)) == "rejected_rare"


def test_a_borderline_pair_of_whole_files_is_weak_and_a_unit_needs_more() -> None:
    t = THRESHOLDS
    a, b = frag(0, language="yaml", threshold=0.75), frag(1, language="yaml", threshold=0.75)
    weak = confirm(a, b, Fixed(structure=0.8, rare=t.rare_weak, lines=t.lines_weak))
    assert weak == ClonePair(0, 1, 0.8, t.rare_weak, strong=False)
    assert confirm(a, b, Fixed(structure=0.8, rare=t.rare_weak, lines=t.lines_weak - 0.01)) == "rejected_rare"
    # a weak pair must reach the type's own threshold, not the slack below it, unless it kept most lines
    assert confirm(a, b, Fixed(structure=0.74, rare=t.rare_weak, lines=t.lines_alone - 0.01)) == "rejected_rare"
    assert confirm(a, b, Fixed(structure=0.74, rare=t.rare_weak, lines=t.lines_alone)) == ClonePair(
        0, 1, 0.74, t.rare_weak, strong=False)
    assert confirm(a, b, Fixed(structure=0.75 - t.rare_strong_slack - 0.01, rare=t.rare_weak, lines=1.0)) == \
        "rejected_similarity"
    # jobs, steps, blocks: only plenty of rare content counts, and never weakly
    ja, jb = frag(0, kind="job", language="yaml", threshold=0.75), frag(1, kind="job", language="yaml", threshold=0.75)
    assert confirm(ja, jb, Fixed(structure=0.9, rare=t.rare_strong, lines=0.9)) == "rejected_rare"
    assert confirm(ja, jb, Fixed(structure=0.9, rare=t.rare_strong_unit, lines=0.9)) == ClonePair(
        0, 1, 0.9, t.rare_strong_unit, strong=True)


def test_an_identical_shape_needs_little_rare_content_but_stays_weak() -> None:
    t = THRESHOLDS
    a, b = frag(0, language="dockerfile", threshold=0.75), frag(1, language="dockerfile", threshold=0.75)
    shape = Fixed(structure=t.identical_shape, rare=t.rare_identical_shape, lines=t.lines_weak)
    assert confirm(a, b, shape) == ClonePair(0, 1, t.identical_shape, t.rare_identical_shape, strong=False)
    assert confirm(a, b, Fixed(structure=t.identical_shape, rare=t.rare_identical_shape - 0.01,
                               lines=0.9)) == "rejected_rare"


def test_thresholds_are_a_frozen_record_and_can_be_handed_in() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        THRESHOLDS.rare_strong = 0.1  # type: ignore[misc]
    a, b = frag(0, language="yaml", threshold=0.75), frag(1, language="yaml", threshold=0.75)
    measures = Fixed(structure=0.9, rare=0.45, lines=0.9)
    assert confirm(a, b, measures) == ClonePair(0, 1, 0.9, 0.45, strong=False)
    looser = dataclasses.replace(THRESHOLDS, rare_strong=0.4)
    assert confirm(a, b, measures, t=looser) == ClonePair(0, 1, 0.9, 0.45, strong=True)
    assert Thresholds() == THRESHOLDS


def test_floors_are_the_floor_of_every_pair() -> None:
    rng = random.Random(5)
    fragments = [frag(i, language=rng.choice(["python", "yaml", "bash"]), threshold=rng.choice([0.7, 0.75, 0.8, 0.85]))
                 for i in range(40)]
    a = np.array([rng.randrange(40) for _ in range(200)])
    b = np.array([rng.randrange(40) for _ in range(200)])
    assert floors(fragments, a, b).tolist() == [floor(fragments[i], fragments[j]) for i, j in zip(a, b, strict=True)]
