"""The confirmation policy: is a candidate pair a copy, a weak match, or neither? A pure function.

``confirm`` decides from the two fragments, what is measured of them (``Measures``: asked lazily, the
cheap measures first, so most pairs are decided before the expensive ones) and a frozen ``Thresholds``
record. It changes nothing and returns either a ``ClonePair`` or the reason of the rejection, which the
caller counts.

- Code must reach the pattern type's similarity threshold (Dice of the structural LCS); small code must
  also be a near-literal copy.
- Configuration (``CONFIG_LANGUAGES``) must also share RARE literal content: two Dockerfiles or workflows
  written from the same skeleton share the skeleton's common tokens, but a copy also carries the
  idiosyncratic values (names, paths, arguments) of the file it was copied from, and keeps whole lines.
  A pair with plenty of shared rare content is *strong*; a borderline pair is *weak* and may later only
  attach a fragment that has no other partner to its best match (``cluster.group_pairs``): it can never
  join two groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from pattern_miner.match.fragments import Fragment
from pattern_miner.match.similarity import dice_upper_bound
from pattern_miner.records import CONFIG_LANGUAGES


@dataclass(frozen=True)
class Thresholds:
    """What a candidate pair must reach, beyond its pattern type's similarity threshold. Each field says
    what it protects against, and what moving it one step does ("measured"): ``bench/thresholds.py`` on
    seeds 1-5 of the synthetic benchmark, each field alone one step looser and one step stricter, counted
    in pairs of copies against the corpora's truth: truth pairs *found*, reported pairs *true* or *false*,
    and *hard negatives* (reported pairs of generated look-alike files that are not copies). With today's
    values: 1,802 found, 1,801 true, 57 false, 0 hard negatives."""

    # --- configuration: a strong pair on rare content alone
    # IDF-weighted Jaccard of the literal tokens (names left out) that makes a pair of configuration files
    # strong: files written from one template share their common tokens, a copy also its rare values.
    # Protects against: grouping every Dockerfile or workflow built from the same skeleton.
    # Measured: 0.40 finds 2 more; 0.60 finds 12 fewer.
    rare_strong: float = 0.50
    # ... provided some whole lines were kept as they were (Dice of alpha-renamed lines): a copy keeps
    # lines; files written from one template share values here and there but seldom whole lines.
    # Protects against: files that share a vocabulary of values (a project's names) but no text.
    # Measured: 0.20 finds 2 more; 0.40 changes nothing.
    lines_strong: float = 0.30
    # A job, step, service, block or stage is small and written from conventions: between files that are
    # not copies of each other it takes more shared rare content to be a copy of its own.
    # Protects against: the standard checkout/setup step or database service paired across unrelated files.
    # Measured: 0.50 reports 13 hard negatives (and finds none more); 0.70 reports 3 fewer true pairs.
    rare_strong_unit: float = 0.60
    # With shared rare content required, the structure may fall this much below the pattern type's threshold.
    # Protects against: missing an edited copy of a config file whose values say it is one.
    # Measured: 0.10 changes nothing; 0 reports 3 more true pairs (and finds none more).
    rare_strong_slack: float = 0.05

    # --- configuration: weak pairs (only attach a fragment that has no other partner)
    # Near-identical structure (renamed ids and swapped values only: a Type-2 copy) of two whole files
    # needs little rare content — but such a pair is only weak: two groups written from one template can
    # share a shape. Protects against: losing Type-2 copies whose every value was changed.
    # Measured: identical_shape 0.90 finds 1 more, 0.99 finds 8 fewer; rare_identical_shape at 0.06 or
    # 0.18 changes nothing.
    identical_shape: float = 0.95
    rare_identical_shape: float = 0.12
    # Below rare_strong but at least this: a weak pair (whole files only) — provided copy-paste left its
    # usual trace, whole lines kept as they were: at least lines_weak Dice of identical lines.
    # Protects against: two files of one template, of one shape and some shared values, merging groups.
    # Measured: rare_weak 0.20 finds 6 more and reports 1 hard negative, 0.30 finds 1 fewer; lines_weak
    # 0.35 reports 11 hard negatives, 0.55 finds 8 fewer.
    rare_weak: float = 0.25
    lines_weak: float = 0.45
    # Below rare_weak, a whole file whose values were swapped and names renamed (a Type-2 or Type-3 copy of a
    # template-heavy file: a Cloud Build or compose file) still kept most of its lines, in order, once its
    # names are alpha-renamed: at least lines_alone Dice, with at least rare_lines_alone rare content, is a
    # weak pair, whose structure may fall rare_strong_slack below the threshold, as with rare content. Files
    # written from one template share some lines, seldom half of them in order.
    # Protects against: losing edited copies whose every distinctive value was changed.
    # Measured (seeds 1-5, 11, 12): the hard negatives' kept lines reach 0.50 at most (of 7,892 pairs), the
    # 40 copies rejected for rare content 0.64; lines_alone 0.55 confirms 19 of them and no negative.
    lines_alone: float = 0.55
    rare_lines_alone: float = 0.12

    # --- small code
    # Code this small (a getter, an exception class, a three-line helper) has look-alikes everywhere: it
    # counts only as a near-literal copy (its structure at least small_code_shape alike, and its literal
    # stream at least small_code_literal): a small function may have its names consistently renamed
    # (compared alpha-renamed), a small class (mostly declarations) not even that.
    # Protects against: independent three-line helpers and exception classes reported as copies.
    # Measured: small_code_lines 5 reports 65 more false pairs, 9 finds 38 fewer; small_code_shape 0.90
    # and small_code_literal 0.80 report 3 and 8 more false pairs; at 0.99 each reports 12 fewer false
    # pairs and finds as many.
    small_code_lines: int = 7
    small_code_shape: float = 0.95
    small_code_literal: float = 0.90


THRESHOLDS = Thresholds()

# Small code of these kinds is compared with its names alpha-renamed: a function's logic survives a
# consistent renaming; a class (mostly declarations, e.g. an exception type) is its names.
RENAMABLE = frozenset({"function", "method"})

Rejection = Literal["rejected_size", "rejected_similarity", "rejected_small", "rejected_rare"]


@dataclass(frozen=True, slots=True)
class ClonePair:
    a: int  # fragment ids, a < b
    b: int
    similarity: float  # structural Dice(LCS)
    rare: float  # IDF-weighted Jaccard of the literal tokens (1.0 for code, where it is not used)
    strong: bool = True  # False: may only attach an unpaired fragment to its best match

    @property
    def evidence(self) -> float:
        return self.similarity + self.rare


class Measures(Protocol):
    """What ``confirm`` measures of two fragments; each is asked for only when the decision needs it."""

    def structure(self, fa: Fragment, fb: Fragment) -> float:
        """Dice of the LCS of the two structural streams."""
        ...

    def literal(self, fa: Fragment, fb: Fragment, renamed: bool) -> float:
        """Dice of the LCS of the two literal streams (with names alpha-renamed when ``renamed``)."""
        ...

    def rare(self, fa: Fragment, fb: Fragment) -> float:
        """IDF-weighted Jaccard of the literal tokens, names left out (``rarity.Rarity.overlap``)."""
        ...

    def kept_lines(self, fa: Fragment, fb: Fragment) -> float:
        """Dice of the two sequences of alpha-renamed source lines (``rarity.line_hashes``)."""
        ...


def floor(fa: Fragment, fb: Fragment, t: Thresholds = THRESHOLDS) -> float:
    """The structural similarity a pair must reach: the lower threshold of the two, less the slack that
    shared rare content buys configuration."""
    limit = min(fa.threshold, fb.threshold)
    return limit - t.rare_strong_slack if fa.language in CONFIG_LANGUAGES else limit


def floors(fragments: Sequence[Fragment], a: np.ndarray, b: np.ndarray, t: Thresholds = THRESHOLDS) -> np.ndarray:
    """``floor`` of every pair (a[k], b[k]) at once."""
    thresholds = np.array([f.threshold for f in fragments])
    config = np.array([f.language in CONFIG_LANGUAGES for f in fragments])
    found: np.ndarray = np.minimum(thresholds[a], thresholds[b]) - np.where(config[a], t.rare_strong_slack, 0.0)
    return found


def confirm(fa: Fragment, fb: Fragment, measures: Measures, *, exact: bool = False,
            t: Thresholds = THRESHOLDS) -> ClonePair | Rejection:
    """The verdict on one candidate pair (``exact``: the structural streams are known to be identical)."""
    limit = min(fa.threshold, fb.threshold)
    low = floor(fa, fb, t)
    if not exact and dice_upper_bound(fa.size, fb.size) < low:
        return "rejected_size"
    sim = 1.0 if exact else measures.structure(fa, fb)
    if sim < low:
        return "rejected_similarity"
    a, b = min(fa.id, fb.id), max(fa.id, fb.id)
    if fa.language not in CONFIG_LANGUAGES:
        if min(fa.code_lines, fb.code_lines) < t.small_code_lines and (
            sim < t.small_code_shape
            or measures.literal(fa, fb, renamed=fa.kind in RENAMABLE and fb.kind in RENAMABLE) < t.small_code_literal
        ):
            return "rejected_small"
        return ClonePair(a, b, sim, 1.0)
    rare = measures.rare(fa, fb)
    whole_files = fa.kind == "file" and fb.kind == "file"
    identical_shape = whole_files and sim >= t.identical_shape and rare >= t.rare_identical_shape
    lines_alone = whole_files and rare >= t.rare_lines_alone  # may still have kept its lines
    if rare < t.rare_weak and not identical_shape and not lines_alone:
        return "rejected_rare"
    lines = measures.kept_lines(fa, fb)
    if rare >= (t.rare_strong if whole_files else t.rare_strong_unit) and lines >= t.lines_strong:
        return ClonePair(a, b, sim, rare, strong=True)
    # a job, service, step or stage is small and conventional: only plenty of rare content counts;
    # two files of one shape (a Type-2 copy, or two files from one template) only attach
    if whole_files and (sim >= limit and lines >= t.lines_weak and (rare >= t.rare_weak or identical_shape)
                        or lines >= t.lines_alone):
        return ClonePair(a, b, sim, rare, strong=False)
    return "rejected_rare"
