"""Find and confirm clone pairs between fragments of different repositories: the steps in order.

1. candidates (``candidates``): exact copies share a structural stream; near-miss copies share LSH bands of
   their MinHash signatures over the shingles that are not common;
2. bounds (``bounds``): two exact upper bounds of the similarity rule out most candidates without an LCS;
3. confirmation (``confirm``): the policy decides each remaining pair from what ``Measurer`` measures of
   it: the structural similarity (Dice of the LCS), and for configuration the rare content the two share
   (``rarity``) and the lines they kept.

On a large input the steps are shared by forked processes (``parallel``): exact pairs and common shingles
side by side, signatures by files, LSH by bands, confirmation by interleaved chunks of pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from pattern_miner.match import paircodes
from pattern_miner.match.bounds import within_bounds
from pattern_miner.match.candidates import (
    FIELDS,
    Files,
    Signed,
    common_shingles,
    exact_pairs,
    lsh_fragments,
    signatures,
    split_by_file,
)
from pattern_miner.match.confirm import THRESHOLDS, ClonePair, Thresholds, confirm, floors
from pattern_miner.match.fragments import Fragment
from pattern_miner.match.minhash import BANDS, ROWS, candidate_pairs
from pattern_miner.match.parallel import Workers
from pattern_miner.match.rarity import Rarity, canonical, line_hashes
from pattern_miner.match.similarity import dice, lcs_length, match_masks

# Sharing the matching with forked processes pays off from this many fragments on (below, forking the
# workers costs more than it saves). Set it to 0 to force the forked path (the tests do, on the demo).
PARALLEL_MIN = 5_000
CHUNKS_PER_PROCESS = 4  # confirmation chunks per process: a process that drew big fragments is not waited for


class Measurer:
    """What ``confirm`` measures of two fragments, over their files' records."""

    def __init__(self, files: Files) -> None:
        self.files = files
        self.rarity = Rarity(files)
        self._masks: dict[int, int] = {}
        self._masks_of = -1  # the fragment whose bit-masks `_masks` holds

    def _struct(self, f: Fragment) -> Sequence[int]:
        return self.files[f.file][1].struct[f.start:f.end]

    def structure(self, fa: Fragment, fb: Fragment) -> float:
        """Dice of the structural LCS; the longer side's bit-masks are kept for its next comparison
        (candidates come sorted, so one fragment meets its partners one after another)."""
        if fa.size < fb.size:
            fa, fb = fb, fa
        a = self._struct(fa)
        if self._masks_of != fa.id:
            self._masks, self._masks_of = match_masks(a), fa.id
        return 2.0 * lcs_length(a, self._struct(fb), self._masks) / (fa.size + fb.size)

    def literal(self, fa: Fragment, fb: Fragment, renamed: bool) -> float:
        ra, rb = self.files[fa.file][1], self.files[fb.file][1]
        if renamed:
            return dice(canonical(ra, fa), canonical(rb, fb))
        return dice(ra.lit[fa.start:fa.end], rb.lit[fb.start:fb.end])

    def rare(self, fa: Fragment, fb: Fragment) -> float:
        return self.rarity.overlap(fa, fb)

    def kept_lines(self, fa: Fragment, fb: Fragment) -> float:
        return dice(line_hashes(self.files[fa.file][1], fa), line_hashes(self.files[fb.file][1], fb))


class PairFinder:
    """Every confirmed clone pair among ``fragments`` (of ``files``), with statistics of the work."""

    def __init__(self, files: Files, fragments: Sequence[Fragment], thresholds: Thresholds = THRESHOLDS) -> None:
        self.files = files
        self.fragments = fragments
        self.thresholds = thresholds
        self.measures = Measurer(files)
        self.stats: Counter[str] = Counter()
        # the shingles of each field common to too many files to say anything (set by ``find``)
        self.common: dict[str, np.ndarray] = {}

    def confirm(self, i: int, j: int, exact: bool = False) -> ClonePair | None:
        """The pair of fragments i and j if it is confirmed (a rejection is counted in ``stats``)."""
        verdict = confirm(self.fragments[i], self.fragments[j], self.measures, exact=exact, t=self.thresholds)
        if isinstance(verdict, ClonePair):
            return verdict
        self.stats[verdict] += 1
        return None

    def find(self, jobs: int = 1) -> list[ClonePair]:
        """Every confirmed pair. With ``jobs`` > 1 and at least PARALLEL_MIN fragments, forked processes
        share the work."""
        n = max(1, len(self.fragments))
        with Workers(self, jobs if len(self.fragments) >= PARALLEL_MIN else 1) as workers:
            parts = workers.size
            exact, *common = workers.map(_prepare, ["exact", *FIELDS])  # independent of each other
            self.common = dict(zip(FIELDS, common, strict=True))
            exact_codes = np.unique(paircodes.encode(exact[:, 0], exact[:, 1], n))
            tasks = [(field, ids, shingles) for field, shingles in zip(FIELDS, common, strict=True)
                     for ids in split_by_file(self.files, lsh_fragments(self.fragments, field), parts)]
            signed = workers.map(_sign, tasks)
            wholes = [Signed.join([s for (f, _, _), s in zip(tasks, signed, strict=True) if f == field])
                      for field in FIELDS if any(f == field for f, _, _ in tasks)]
            cuts = [part * BANDS // parts * ROWS for part in range(parts + 1)]  # whole bands to each process
            bands = [(whole, whole.sigs[:, cuts[p]:cuts[p + 1]]) for whole in wholes for p in range(parts)]
            found = workers.map(_band, [(sigs, whole.keys, whole.repos) for whole, sigs in bands])
            near = [whole.pairs(rows) for (whole, _), rows in zip(bands, found, strict=True)]
            codes = np.unique(np.concatenate([exact_codes] + [paircodes.encode(p[:, 0], p[:, 1], n) for p in near]))
            is_exact = np.isin(codes, exact_codes)
            self.stats["exact_candidates"] = len(exact_codes)
            self.stats["near_candidates"] = len(codes) - len(exact_codes)
            a, b = paircodes.decode(codes, n)
            bounded = within_bounds(self.files, self.fragments, a, b, is_exact,
                                    floors(self.fragments, a, b, self.thresholds))
            self.stats["rejected_size"] += bounded.rejected_size
            self.stats["rejected_bound"] += bounded.rejected_bound
            keep = bounded.ok
            work = list(zip(zip(a[keep].tolist(), b[keep].tolist(), strict=True), is_exact[keep].tolist(),
                            strict=True))
            # interleaved, so that the big fragments are spread over the processes
            chunks = parts * CHUNKS_PER_PROCESS
            results = workers.map(_confirm, [work[k::chunks] for k in range(chunks)])
        pairs = [p for confirmed, _ in results for p in confirmed]
        for _, rejected in results:
            self.stats.update(rejected)
        pairs.sort(key=lambda p: (p.a, p.b))
        self.stats["confirmed_strong"] = sum(p.strong for p in pairs)
        self.stats["confirmed_weak"] = len(pairs) - self.stats["confirmed_strong"]
        return pairs


# ----------------------------------------------------------------------------- the tasks (any process)


def _prepare(finder: PairFinder, what: str) -> np.ndarray:
    """The exact pairs ("exact"), or the common shingles of a shingle field."""
    if what == "exact":
        return exact_pairs(finder.files, finder.fragments)
    return common_shingles(finder.files, what)


def _sign(finder: PairFinder, task: tuple[str, list[int], np.ndarray]) -> Signed:
    field, ids, common = task
    return signatures(finder.files, finder.fragments, field, ids, common)


def _band(_: PairFinder, task: tuple[np.ndarray, list[str | None], list[int]]) -> np.ndarray:
    return candidate_pairs(*task)


def _confirm(finder: PairFinder, chunk: list[tuple[tuple[int, int], bool]]) -> tuple[list[ClonePair], Counter[str]]:
    """The confirmed pairs of a chunk, and the rejections counted by reason."""
    confirmed: list[ClonePair] = []
    rejected: Counter[str] = Counter()
    fragments, measures, t = finder.fragments, finder.measures, finder.thresholds
    for (i, j), exact in chunk:
        verdict = confirm(fragments[i], fragments[j], measures, exact=exact, t=t)
        if isinstance(verdict, ClonePair):
            confirmed.append(verdict)
        else:
            rejected[verdict] += 1
    return confirmed, rejected
