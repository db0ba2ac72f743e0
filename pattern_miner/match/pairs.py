"""Find and confirm clone pairs between fragments of different repositories.

1. exact: fragments with the same structural token stream (Type-1 and Type-2 copies) share a hash;
2. near-miss: MinHash/LSH over shingles that are not boilerplate proposes candidates (Type-3);
3. every pair is confirmed by the token similarity (Dice of the LCS) against the fragment's threshold,
   and, for configuration languages, by the similarity of the literal text: two Dockerfiles or
   workflows written from the same skeleton are not copies unless their values agree too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pattern_miner.match.fragments import Fragment
from pattern_miner.match.minhash import candidate_pairs, signatures
from pattern_miner.match.similarity import dice, dice_upper_bound
from pattern_miner.shard import SHINGLE, FileRecord

# Languages whose names and values ARE the content: a copy keeps most of its literal text.
CONFIG_LANGUAGES = frozenset({"yaml", "dockerfile", "hcl", "bash", "json", "text"})
# Share of the literal token stream a config copy must keep (renamed ids and swapped values lower it;
# unrelated files from the same template barely reach it).
LITERAL_MIN = 0.55
# A shingle found in more files than this share (and at least COMMON_FLOOR files) is an idiom, not a copy.
COMMON_SHARE = 0.02
COMMON_FLOOR = 12


@dataclass(frozen=True, slots=True)
class ClonePair:
    a: int  # fragment ids, a < b
    b: int
    similarity: float  # structural Dice(LCS)
    literal: float  # literal Dice(LCS)


class PairFinder:
    def __init__(self, files: Sequence[tuple[int, FileRecord]], fragments: Sequence[Fragment]) -> None:
        self.files = files
        self.fragments = fragments
        self.stats: dict[str, int] = defaultdict(int)

    def struct(self, f: Fragment) -> Sequence[int]:
        return self.files[f.file][1].struct[f.start:f.end]

    def lit(self, f: Fragment) -> Sequence[int]:
        return self.files[f.file][1].lit[f.start:f.end]

    # ------------------------------------------------------------------ candidates

    def exact_groups(self) -> list[list[int]]:
        """Fragments with identical structural streams, by language."""
        groups: dict[tuple[str, bytes], list[int]] = defaultdict(list)
        for f in self.fragments:
            groups[(f.language, self.struct(f).tobytes())].append(f.id)  # type: ignore[attr-defined]
        return [ids for ids in groups.values() if len({self.fragments[i].repo for i in ids}) > 1]

    def common_shingles(self) -> np.ndarray:
        """Shingles present in too many files to say anything about copying (sorted)."""
        per_file = [np.unique(np.frombuffer(rec.shingles, dtype=np.int64)) for _, rec in self.files]
        if not per_file:
            return np.empty(0, dtype=np.int64)
        values, counts = np.unique(np.concatenate(per_file), return_counts=True)
        limit = max(COMMON_FLOOR, int(COMMON_SHARE * len(self.files)))
        return values[counts > limit]

    def near_candidates(self) -> list[tuple[int, int]]:
        common = self.common_shingles()
        sets: list[np.ndarray] = []
        keys: list[object] = []
        for f in self.fragments:
            rec = self.files[f.file][1]
            stop = max(f.start, f.end - SHINGLE + 1)
            values = np.unique(np.frombuffer(rec.shingles, dtype=np.int64)[f.start:stop])
            if len(common):
                values = values[~np.isin(values, common, assume_unique=True)]
            sets.append(values)
            keys.append(f.language if len(values) else None)
        sigs = signatures(sets)
        return list(candidate_pairs(sigs, keys, [f.repo for f in self.fragments]))

    # ------------------------------------------------------------------ confirmation

    def confirm(self, i: int, j: int) -> ClonePair | None:
        fa, fb = self.fragments[i], self.fragments[j]
        limit = min(fa.threshold, fb.threshold)
        if dice_upper_bound(fa.size, fb.size) < limit:
            self.stats["rejected_size"] += 1
            return None
        sim = dice(self.struct(fa), self.struct(fb))
        if sim < limit:
            self.stats["rejected_similarity"] += 1
            return None
        literal = 1.0
        if fa.language in CONFIG_LANGUAGES:
            literal = dice(self.lit(fa), self.lit(fb))
            if literal < LITERAL_MIN:
                self.stats["rejected_literal"] += 1
                return None
        self.stats["confirmed"] += 1
        return ClonePair(min(i, j), max(i, j), sim, literal)

    def find(self) -> list[ClonePair]:
        pairs: dict[tuple[int, int], ClonePair] = {}
        for ids in self.exact_groups():
            for x, i in enumerate(ids):
                for j in ids[x + 1:]:
                    if self.fragments[i].repo != self.fragments[j].repo and (i, j) not in pairs:
                        self.stats["exact_candidates"] += 1
                        pair = self.confirm(i, j)
                        if pair:
                            pairs[(pair.a, pair.b)] = pair
        for i, j in self.near_candidates():
            key = (min(i, j), max(i, j))
            if key in pairs:
                continue
            self.stats["near_candidates"] += 1
            pair = self.confirm(i, j)
            if pair:
                pairs[key] = pair
        return list(pairs.values())
