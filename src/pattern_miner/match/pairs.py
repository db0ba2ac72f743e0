"""Find and confirm clone pairs between fragments of different repositories.

1. exact: fragments with the same structural token stream (Type-1 and Type-2 copies) share a hash;
2. near-miss: MinHash/LSH over shingles that are not boilerplate proposes candidates (Type-3);
3. every pair is confirmed by the token similarity (Dice of the LCS) against the fragment's threshold
   (after two exact bounds that spare most LCS runs: the shorter length, and the token multiset),
   and, for configuration languages, by how much RARE literal content the two share: two Dockerfiles
   or workflows written from the same skeleton share the skeleton's common tokens, but a copy also
   carries the idiosyncratic values (names, paths, arguments) of the file it was copied from.

The rare-content measure is an IDF-weighted Jaccard over the literal tokens, the IDF taken over the
files of the same language and pattern type. A pair with plenty of shared rare content is *strong*; a
borderline pair is *weak* and may later only attach a fragment that has no other partner to its best
match (``cluster.group_pairs``): it can never join two groups.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pattern_miner.match.fragments import Fragment
from pattern_miner.match.minhash import BANDS, ROWS, candidate_pairs, range_signatures
from pattern_miner.match.similarity import dice, dice_upper_bound, lcs_length, match_masks
from pattern_miner.records import CONFIG_LANGUAGES, SHINGLE, FileRecord, token_id
from pattern_miner.workers import die_with_parent

# Placeholders that stand for NAMES (variables, identifiers, labels): a copy may rename them all.
NAME_TOKENS = frozenset(token_id(t) for t in ("$id", "$var"))
NAME_ARRAY = np.array(sorted(NAME_TOKENS), dtype=np.uint32)
# IDF-weighted Jaccard of the literal tokens (names left out) that makes a config pair strong on its
# own; with that much shared rare content, the structure may differ a little more than the pattern
# type's threshold ...
RARE_STRONG = 0.50
# ... provided some whole lines were kept as they were (Dice of alpha-renamed lines): a copy keeps
# lines; files written from one template share values here and there but seldom whole lines.
LINES_STRONG = 0.30
# A job, step, service, block or stage is small and written from conventions: between files that are
# not copies of each other it takes more shared rare content to be a copy of its own.
RARE_STRONG_UNIT = 0.60
RARE_STRONG_SLACK = 0.05
# Near-identical structure (renamed ids and swapped values only: a Type-2 copy) needs little rare
# content — but such a pair is only weak: two groups written from one template can share a shape.
IDENTICAL_SHAPE = 0.95
RARE_STRONG_IDENTICAL_SHAPE = 0.12
# Below RARE_STRONG but at least this: a weak pair (see the module docstring) — provided copy-paste
# left its usual trace, whole lines kept as they were: at least this Dice of identical lines.
RARE_WEAK = 0.25
LINES_WEAK = 0.45
# Code this small (a getter, an exception class, a three-line helper) has look-alikes everywhere:
# it counts only as a near-literal copy: a small function may have its names consistently renamed
# (compared alpha-renamed), a small class (mostly declarations) not even that.
SMALL_CODE_LINES = 7
SMALL_CODE_SHAPE = 0.95
SMALL_CODE_LITERAL = 0.90
# A shingle found in more files than this share (and at least COMMON_FLOOR files) is an idiom, not a copy.
COMMON_SHARE = 0.02
COMMON_FLOOR = 12
# Buckets of structural tokens counted for the multiset bound: a language has about a hundred
# keywords, operators and placeholders, so few of them share a bucket.
BUCKETS = 256
_SLOT_MULT = np.uint64(0x9E3779B97F4A7C15)  # multiplicative hashing of shingles into the common table


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


class PairFinder:
    def __init__(self, files: Sequence[tuple[int, FileRecord]], fragments: Sequence[Fragment]) -> None:
        self.files = files
        self.fragments = fragments
        self.stats: dict[str, int] = defaultdict(int)
        self._masks: dict[int, int] = {}
        self._masks_of = -1
        self._common: dict[str, np.ndarray] = {}  # per shingle field: the common shingles (sorted)

    def struct(self, f: Fragment) -> Sequence[int]:
        return self.files[f.file][1].struct[f.start:f.end]

    def lit(self, f: Fragment) -> Sequence[int]:
        return self.files[f.file][1].lit[f.start:f.end]

    def canonical(self, f: Fragment) -> list[int]:
        """The literal stream with every NAME replaced by the order of its first appearance in the
        fragment (alpha-renaming): a consistently renamed copy reads the same, values still differ."""
        rec = self.files[f.file][1]
        names: dict[int, int] = {}
        out: list[int] = []
        for k in range(f.start, f.end):
            if rec.struct[k] in NAME_TOKENS:
                out.append(-1 - names.setdefault(rec.lit[k], len(names)))
            else:
                out.append(rec.lit[k])
        return out

    def lines(self, f: Fragment) -> list[int]:
        """One hash per source line of the fragment, from its alpha-renamed literal tokens."""
        rec = self.files[f.file][1]
        canon = self.canonical(f)
        out: list[int] = []
        current = -1
        row: list[int] = []
        for k, token in zip(range(f.start, f.end), canon, strict=True):
            if rec.lines[k] != current and row:
                out.append(hash(tuple(row)))
                row = []
            current = rec.lines[k]
            row.append(token)
        if row:
            out.append(hash(tuple(row)))
        return out

    # ------------------------------------------------------------------ candidates

    def exact_groups(self) -> list[list[int]]:
        """Fragments with identical structural streams, by language, across repositories. Only
        fragments that agree on language, length and the sum of their shingle hashes (prefix sums
        over each file: one numpy pass) are compared token by token."""
        if not self.fragments:
            return []
        shingled = [np.frombuffer(rec.shingles, dtype=np.uint64) for _, rec in self.files]
        offsets = np.concatenate(([0], np.cumsum([len(a) for a in shingled])))
        with np.errstate(over="ignore"):
            prefix = np.concatenate((np.zeros(1, dtype=np.uint64), np.cumsum(np.concatenate(shingled),
                                                                            dtype=np.uint64)))
        file = np.array([f.file for f in self.fragments], dtype=np.int64)
        start = np.array([f.start for f in self.fragments], dtype=np.int64)
        size = np.array([f.end - f.start for f in self.fragments], dtype=np.int64)
        windows = offsets[file + 1] - offsets[file]  # shingles of the fragment's file
        low = np.minimum(start, windows)
        high = np.clip(start + size - SHINGLE + 1, low, windows)  # windows inside the fragment
        with np.errstate(over="ignore"):
            total = prefix[offsets[file] + high] - prefix[offsets[file] + low]
        codes: dict[str, int] = {}
        language = np.array([codes.setdefault(f.language, len(codes)) for f in self.fragments], dtype=np.int64)
        order = np.lexsort((total, size, language))
        same = (language[order][1:] == language[order][:-1]) & (size[order][1:] == size[order][:-1]) & (
            total[order][1:] == total[order][:-1])
        groups: list[list[int]] = []
        run: list[int] = [int(order[0])]
        for k, i in enumerate(order[1:].tolist()):
            if same[k]:
                run.append(i)
                continue
            groups += self._identical(run)
            run = [i]
        groups += self._identical(run)
        return groups

    def _identical(self, ids: list[int]) -> list[list[int]]:
        """The candidates ``ids`` split by their exact structural streams; groups in one repository go."""
        if len(ids) < 2:
            return []
        by_stream: dict[bytes, list[int]] = defaultdict(list)
        for i in ids:
            by_stream[self.struct(self.fragments[i]).tobytes()].append(i)  # type: ignore[attr-defined]
        return [sorted(group) for group in by_stream.values()
                if len({self.fragments[i].repo for i in group}) > 1]

    def exact_pairs(self) -> np.ndarray:
        """(a, b) rows, a < b, of fragments of different repositories with identical structural streams."""
        rows = [(i, j) for ids in self.exact_groups() for x, i in enumerate(ids) for j in ids[x + 1:]
                if self.fragments[i].repo != self.fragments[j].repo]
        return np.array(rows, dtype=np.int64).reshape(-1, 2)

    def common_shingles(self, field: str) -> np.ndarray:
        """Shingles present in too many files to say anything about copying (sorted)."""
        distinct_field = "distinct" if field == "shingles" else "lit_distinct"
        per_file = [np.frombuffer(getattr(rec, distinct_field), dtype=np.int64) for _, rec in self.files]
        per_file = [a for a in per_file if len(a)]
        if not per_file:
            return np.empty(0, dtype=np.int64)
        values, counts = np.unique(np.concatenate(per_file), return_counts=True)
        limit = max(COMMON_FLOOR, int(COMMON_SHARE * len(self.files)))
        return values[counts > limit]

    @staticmethod
    def _uncommon(values: np.ndarray, common: np.ndarray) -> np.ndarray:
        """Which of ``values`` are not in the sorted ``common`` (a few thousand shingles), through a
        hash table eight times its size: a value whose slot holds one common shingle is compared with
        it; only values whose slot is shared by several common shingles are looked up by binary search."""
        keep = np.ones(len(values), dtype=bool)
        if not len(common) or not len(values):
            return keep
        bits = max(10, int(len(common)).bit_length() + 3)
        with np.errstate(over="ignore"):
            slots = (common.view(np.uint64) * _SLOT_MULT) >> np.uint64(64 - bits)
        used, count = np.unique(slots, return_counts=True)
        state = np.zeros(1 << bits, dtype=np.int8)  # 0: no common shingle, 1: one, 2: several
        state[used] = np.minimum(count, 2)
        table = np.zeros(1 << bits, dtype=np.int64)
        table[slots] = common  # right wherever the slot holds one
        with np.errstate(over="ignore"):
            at = (values.view(np.uint64) * _SLOT_MULT) >> np.uint64(64 - bits)
        held = state[at]
        keep &= ~((held == 1) & (table[at] == values))
        shared = np.flatnonzero(held == 2)
        found = np.minimum(np.searchsorted(common, values[shared]), len(common) - 1)
        keep[shared] = common[found] != values[shared]
        return keep

    def lsh_fragments(self, field: str) -> list[Fragment]:
        """The fragments LSH signs over ``field``: "shingles" (structure) takes every fragment;
        "lit_shingles" (literal text) the configuration languages', whose template-heavy files share
        mostly common structure with each other but their values' shingles with their copies."""
        return [f for f in self.fragments if field == "shingles" or f.language in CONFIG_LANGUAGES]

    def signatures(self, field: str, ids: Sequence[int]) -> _Signed:
        """The MinHash signatures of the fragments ``ids`` (whole files of them) over their shingles
        of ``field`` that are not common. Every file's kept shingles are hashed once for all of its
        fragments (``range_signatures``)."""
        chosen = [self.fragments[i] for i in ids]
        slot = {file: k for k, file in enumerate(sorted({f.file for f in chosen}))}
        arrays = [np.frombuffer(getattr(self.files[file][1], field), dtype=np.int64) for file in slot]
        sizes = np.array([len(a) for a in arrays], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(sizes)))
        values = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int64)
        keep = self._uncommon(values, self._common[field])
        kept_before = np.concatenate(([0], np.cumsum(keep)))  # kept shingles before each position
        # a fragment's shingles are those that start inside it and end inside it
        k = np.array([slot[f.file] for f in chosen], dtype=np.int64)
        start = np.array([f.start for f in chosen], dtype=np.int64)
        stop = np.minimum(sizes[k], np.maximum(start, np.array([f.end for f in chosen], dtype=np.int64) - SHINGLE + 1))
        start = np.minimum(start, stop)
        # ranges into the one array of every kept shingle (each fragment within its file's part)
        first, last = kept_before[offsets[k] + start], kept_before[offsets[k] + stop]
        file_kept = kept_before[offsets]
        local = file_kept[k]
        ranges = list(zip(k.tolist(), (first - local).tolist(), (last - local).tolist(), strict=True))
        return _Signed(
            ids=np.array(ids, dtype=np.int64),
            sigs=range_signatures(np.split(values[keep], file_kept[1:-1]), ranges),
            keys=[f.language if b > a else None for f, a, b in zip(chosen, first.tolist(), last.tolist(), strict=True)],
            repos=[f.repo for f in chosen],
        )

    # ------------------------------------------------------------------ bounds

    def _floors(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The structural similarity each pair must reach (``confirm``'s ``floor``)."""
        thresholds = np.array([f.threshold for f in self.fragments])
        config = np.array([f.language in CONFIG_LANGUAGES for f in self.fragments])
        floors: np.ndarray = np.minimum(thresholds[a], thresholds[b]) - np.where(config[a], RARE_STRONG_SLACK, 0.0)
        return floors

    def _token_counts(self, ids: np.ndarray) -> np.ndarray:
        """Per fragment of ``ids``: how many of its structural tokens fall in each of BUCKETS buckets
        (by their id's low bits). Tokens that share a bucket can only raise the sum of the minimum
        counts, so it stays an upper bound of the multiset intersection."""
        out = np.empty((len(ids), BUCKETS), dtype=np.int32)
        coded: dict[int, np.ndarray] = {}
        for row, i in enumerate(ids.tolist()):
            f = self.fragments[i]
            codes = coded.get(f.file)
            if codes is None:
                codes = coded[f.file] = np.frombuffer(self.files[f.file][1].struct, dtype=np.uint32) % BUCKETS
            out[row] = np.bincount(codes[f.start:f.end], minlength=BUCKETS)
        return out

    def within_bounds(self, a: np.ndarray, b: np.ndarray, exact: np.ndarray) -> np.ndarray:
        """Which candidate pairs can still reach their floor: the LCS is at most the shorter stream,
        and at most the tokens the two have in common counted as a multiset. Both bounds are exact,
        so a pair they rule out is one that ``confirm`` would reject; only the LCS is spared."""
        if not len(a):
            return np.ones(0, dtype=bool)
        size = np.array([f.size for f in self.fragments], dtype=np.int64)
        total = size[a] + size[b]
        floor = self._floors(a, b)
        ok = exact | (2.0 * np.minimum(size[a], size[b]) / total >= floor)
        self.stats["rejected_size"] += int((~ok).sum())
        test = np.flatnonzero(ok & ~exact)
        if len(test):
            ids, rows = np.unique(np.concatenate((a[test], b[test])), return_inverse=True)
            counts = self._token_counts(ids)
            ra, rb = rows[:len(test)], rows[len(test):]
            shared = np.concatenate([np.minimum(counts[ra[k:k + 8192]], counts[rb[k:k + 8192]]).sum(axis=1)
                                     for k in range(0, len(test), 8192)])
            bounded = 2.0 * shared / total[test] >= floor[test]
            ok[test] = bounded
            self.stats["rejected_bound"] += int((~bounded).sum())
        result: np.ndarray = ok
        return result

    # ------------------------------------------------------------------ rare content

    def _idf(self) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray, float]]:
        """Per config language and pattern type (workflows apart from compose files): sorted literal
        token ids and their IDF weights, so a convention shared by files of one kind weighs little."""
        per_language: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)
        for _, rec in self.files:
            if rec.language in CONFIG_LANGUAGES:
                key = (rec.language, rec.pattern_types[0] if rec.pattern_types else "")
                per_language[key].append(np.unique(np.frombuffer(rec.lit, dtype=np.uint32)))
        out = {}
        for language, arrays in per_language.items():
            ids, counts = np.unique(np.concatenate(arrays), return_counts=True)
            out[language] = (ids, np.log((len(arrays) + 1) / (counts + 0.5)), float(np.log((len(arrays) + 1) / 0.5)))
        return out

    def _values(self, f: Fragment) -> np.ndarray:
        """The fragment's literal tokens that are not names (names are free to be renamed)."""
        rec = self.files[f.file][1]
        lit = np.frombuffer(rec.lit, dtype=np.uint32)[f.start:f.end]
        struct = np.frombuffer(rec.struct, dtype=np.uint32)[f.start:f.end]
        return lit[~np.isin(struct, NAME_ARRAY)]

    def _weights(self, f: Fragment, tokens: np.ndarray) -> np.ndarray:
        """IDF of each token in the fragment's own table (language and pattern type); a token the
        table has never seen is as rare as can be."""
        rec = self.files[f.file][1]
        ids, weights, top = self.idf[(rec.language, rec.pattern_types[0] if rec.pattern_types else "")]
        at = np.minimum(np.searchsorted(ids, tokens), len(ids) - 1)
        return np.where(ids[at] == tokens, weights[at], top)

    def rare_overlap(self, fa: Fragment, fb: Fragment) -> float:
        """IDF-weighted Jaccard of the two fragments' literal token multisets, names left out."""
        ua, ca = np.unique(self._values(fa), return_counts=True)
        ub, cb = np.unique(self._values(fb), return_counts=True)
        wa = self._weights(fa, ua)
        wb = self._weights(fb, ub)
        _, ia, ib = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
        shared = np.minimum(ca[ia], cb[ib])
        inter = float(shared @ np.minimum(wa[ia], wb[ib]))
        union = float(ca @ wa + cb @ wb) - inter
        return inter / union if union > 0 else 0.0

    # ------------------------------------------------------------------ confirmation

    def _small_streams(self, fa: Fragment, fb: Fragment) -> tuple[Sequence[int], Sequence[int]]:
        """What small code must share: a function's logic with its names consistently renamed at most;
        a class (mostly declarations, e.g. an exception type) its very names."""
        if fa.kind in ("function", "method") and fb.kind in ("function", "method"):
            return self.canonical(fa), self.canonical(fb)
        return self.lit(fa), self.lit(fb)

    def _struct_dice(self, fa: Fragment, fb: Fragment) -> float:
        """Dice of the structural LCS; the longer side's bit-masks are kept for its next comparison
        (candidates come sorted, so one fragment meets its partners one after another)."""
        if fa.size < fb.size:
            fa, fb = fb, fa
        a = self.struct(fa)
        if self._masks_of != fa.id:
            self._masks, self._masks_of = match_masks(a), fa.id
        return 2.0 * lcs_length(a, self.struct(fb), self._masks) / (fa.size + fb.size)

    def confirm(self, i: int, j: int, exact: bool = False) -> ClonePair | None:
        fa, fb = self.fragments[i], self.fragments[j]
        limit = min(fa.threshold, fb.threshold)
        config = fa.language in CONFIG_LANGUAGES
        floor = limit - RARE_STRONG_SLACK if config else limit
        if not exact and dice_upper_bound(fa.size, fb.size) < floor:
            self.stats["rejected_size"] += 1
            return None
        sim = 1.0 if exact else self._struct_dice(fa, fb)
        if sim < floor:
            self.stats["rejected_similarity"] += 1
            return None
        if not config:
            if sim < limit:
                self.stats["rejected_similarity"] += 1
                return None
            if min(fa.code_lines, fb.code_lines) < SMALL_CODE_LINES and (
                sim < SMALL_CODE_SHAPE or dice(*self._small_streams(fa, fb)) < SMALL_CODE_LITERAL
            ):
                self.stats["rejected_small"] += 1
                return None
            return ClonePair(min(i, j), max(i, j), sim, 1.0)
        rare = self.rare_overlap(fa, fb)
        whole_files = fa.kind == "file" and fb.kind == "file"
        identical_shape = whole_files and sim >= IDENTICAL_SHAPE and rare >= RARE_STRONG_IDENTICAL_SHAPE
        if rare < RARE_WEAK and not identical_shape:
            self.stats["rejected_rare"] += 1
            return None
        lines = dice(self.lines(fa), self.lines(fb))
        if rare >= (RARE_STRONG if whole_files else RARE_STRONG_UNIT) and lines >= LINES_STRONG:
            return ClonePair(min(i, j), max(i, j), sim, rare, strong=True)
        # a job, service, step or stage is small and conventional: only plenty of rare content counts;
        # two files of one shape (a Type-2 copy, or two files from one template) only attach
        if whole_files and sim >= limit and lines >= LINES_WEAK:
            return ClonePair(min(i, j), max(i, j), sim, rare, strong=False)
        self.stats["rejected_rare"] += 1
        return None

    def find(self, jobs: int = 1) -> list[ClonePair]:
        """Every confirmed pair. With ``jobs`` > 1 and a large input, forked processes share the work:
        signatures by files, LSH by bands, confirmation by pairs."""
        self.idf = self._idf()
        n = max(1, len(self.fragments))
        fields = ("shingles", "lit_shingles")
        parallel = jobs > 1 and len(self.fragments) >= PARALLEL_MIN and "fork" in multiprocessing.get_all_start_methods()
        parts = jobs if parallel else 1
        global _FINDER
        _FINDER = self
        pool = multiprocessing.get_context("fork").Pool(
            jobs, initializer=die_with_parent, initargs=(os.getpid(),)) if parallel else None
        run = pool.map if pool else lambda f, tasks: [f(t) for t in tasks]
        try:
            exact, *common = run(_prepare_task, ["exact", *fields])  # independent of each other
            exact_codes = np.unique(exact[:, 0] * n + exact[:, 1])
            self._common.update(zip(fields, common, strict=True))
            tasks = [(field, ids, self._common[field]) for field in fields
                     for ids in self._split_by_file(self.lsh_fragments(field), parts)]
            signed = run(_sign_task, tasks) if tasks else []
            wholes = [_Signed.join([s for (f, _, _), s in zip(tasks, signed, strict=True) if f == field])
                      for field in fields if any(f == field for f, _, _ in tasks)]
            cuts = [part * BANDS // parts * ROWS for part in range(parts + 1)]  # whole bands to each process
            bands = [(whole, whole.sigs[:, cuts[p]:cuts[p + 1]]) for whole in wholes for p in range(parts)]
            found = run(_band_task, [(sigs, whole.keys, whole.repos) for whole, sigs in bands]) if bands else []
            near = [_pairs_of(whole, local) for (whole, _), local in zip(bands, found, strict=True)]
            codes = np.unique(np.concatenate([exact_codes] + [p[:, 0] * n + p[:, 1] for p in near]))
            is_exact = np.isin(codes, exact_codes)
            self.stats["exact_candidates"] = len(exact_codes)
            self.stats["near_candidates"] = len(codes) - len(exact_codes)
            a, b = codes // n, codes % n
            keep = self.within_bounds(a, b, is_exact)
            work = list(zip(zip(a[keep].tolist(), b[keep].tolist(), strict=True), is_exact[keep].tolist(),
                            strict=True))
            # interleaved, so that the big fragments are spread over the processes
            results = run(_confirm_chunk, [work[k::parts * 4] for k in range(parts * 4)])
        finally:
            _FINDER = None
            if pool:
                pool.terminate()
        pairs = [p for found, _ in results for p in found]
        for _, stats in results:
            for key, value in stats.items():
                self.stats[key] += value
        pairs.sort(key=lambda p: (p.a, p.b))
        self.stats["confirmed_strong"] = sum(p.strong for p in pairs)
        self.stats["confirmed_weak"] = len(pairs) - self.stats["confirmed_strong"]
        return pairs

    def _split_by_file(self, fragments: list[Fragment], parts: int) -> list[list[int]]:
        """The fragments' ids in ``parts`` lists of about the same number of tokens, a file's together."""
        by_file: dict[int, list[int]] = defaultdict(list)
        for f in fragments:
            by_file[f.file].append(f.id)
        load = [0] * parts
        out: list[list[int]] = [[] for _ in range(parts)]
        for file in sorted(by_file, key=lambda i: -len(self.files[i][1].struct)):
            part = load.index(min(load))
            out[part] += by_file[file]
            load[part] += len(self.files[file][1].struct)
        return [ids for ids in out if ids]


@dataclass(frozen=True)
class _Signed:
    """MinHash signatures of some fragments, with what LSH needs to know of each."""

    ids: np.ndarray  # fragment ids, one per row
    sigs: np.ndarray
    keys: list[str | None]  # the fragment's language; None when no shingle was left to sign
    repos: list[int]

    @staticmethod
    def join(parts: list[_Signed]) -> _Signed:
        return _Signed(np.concatenate([p.ids for p in parts]), np.concatenate([p.sigs for p in parts]),
                       [k for p in parts for k in p.keys], [r for p in parts for r in p.repos])


def _pairs_of(signed: _Signed, local: np.ndarray) -> np.ndarray:
    """Rows of ``signed`` to (a, b) fragment ids, a < b."""
    return np.sort(signed.ids[local].reshape(-1, 2), axis=1)


# Sharing the matching with forked processes pays off from this many fragments on.
PARALLEL_MIN = 5_000
_FINDER: PairFinder | None = None  # the finder a forked worker inherits


def _prepare_task(what: str) -> np.ndarray:
    """The exact pairs ("exact"), or the common shingles of a shingle field."""
    finder = _FINDER
    assert finder is not None
    return finder.exact_pairs() if what == "exact" else finder.common_shingles(what)


def _sign_task(task: tuple[str, list[int], np.ndarray]) -> _Signed:
    finder = _FINDER
    assert finder is not None
    field, ids, common = task
    finder._common[field] = common  # found after this process was forked
    return finder.signatures(field, ids)


def _band_task(task: tuple[np.ndarray, list[str | None], list[int]]) -> np.ndarray:
    return candidate_pairs(*task)


def _confirm_chunk(chunk: list[tuple[tuple[int, int], bool]]) -> tuple[list[ClonePair], dict[str, int]]:
    finder = _FINDER
    assert finder is not None
    before = dict(finder.stats)
    found = [p for (i, j), exact in chunk if (p := finder.confirm(i, j, exact)) is not None]
    counted = {key: value - before.get(key, 0) for key, value in finder.stats.items()}
    finder.stats.clear()  # the caller adds what this chunk counted, in this process or another
    finder.stats.update(before)
    return found, counted
