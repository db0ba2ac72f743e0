"""The matching core over plain token lists: no tree-sitter, no files.

Similarity (bit-parallel LCS against a brute-force DP), MinHash/LSH candidates, fragment selection,
exact-copy confirmation and the clustering rules, on hand-built ``FileRecord`` and ``Fragment`` objects.
"""

from __future__ import annotations

import random
import subprocess
import sys
from array import array
from collections.abc import Sequence

import numpy as np
import pytest

from pattern_miner.match import cluster, minhash
from pattern_miner.match.candidates import uncommon
from pattern_miner.match.cluster import group_pairs, largest_units
from pattern_miner.match.confirm import ClonePair
from pattern_miner.match.fragments import Fragment, select_fragments
from pattern_miner.match.pairs import PairFinder
from pattern_miner.match.similarity import dice, dice_upper_bound, lcs_length
from pattern_miner.records import SHINGLE, FileRecord, Unit, shingles, spans, token_id

# ----------------------------------------------------------------------------- no parser

_LOADED_PARSERS = (
    "import importlib, pkgutil, sys\n"
    "import pattern_miner.match\n"
    "names = sorted(m.name for m in pkgutil.iter_modules(pattern_miner.match.__path__))\n"
    "for name in names + MORE:\n"
    "    importlib.import_module(name if '.' in name else 'pattern_miner.match.' + name)\n"
    "print(names)\n"
    "print(sorted(m for m in sys.modules if m.split('.')[0] == 'tree_sitter' or m.startswith('tree_sitter_')))\n"
)


def _loaded(*more: str) -> tuple[list[str], list[str]]:
    """In a fresh interpreter: every module of ``pattern_miner.match`` and ``more`` imported, then
    (the match modules, the tree-sitter modules loaded)."""
    out = subprocess.run([sys.executable, "-c", f"MORE = {list(more)!r}\n" + _LOADED_PARSERS],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return eval(out[0]), eval(out[1])


def test_the_matching_core_and_patterns_load_no_parser() -> None:
    """A process that only merges shards (or a test of the core) never loads tree-sitter or a grammar."""
    modules, parsers = _loaded("pattern_miner.patterns", "pattern_miner.records", "pattern_miner.phrases")
    assert {"cluster", "fragments", "minhash", "pairs", "similarity"} <= set(modules)
    assert parsers == []
    _, parsers = _loaded("pattern_miner.shard")  # the half that parses does load it: the check can see it
    assert "tree_sitter" in parsers


# ----------------------------------------------------------------------------- similarity


def lcs_dp(a: Sequence[int], b: Sequence[int]) -> int:
    """The textbook O(n·m) dynamic programme."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


@pytest.mark.parametrize("seed", range(8))
def test_lcs_length_agrees_with_the_dp(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        alphabet = rng.choice([2, 3, 5, 20, 1000])
        a = [rng.randrange(alphabet) for _ in range(rng.randrange(0, 70))]
        b = [rng.randrange(alphabet) for _ in range(rng.randrange(0, 70))]
        expected = lcs_dp(a, b)
        assert lcs_length(a, b) == expected, (a, b)
        assert lcs_length(b, a) == expected


def test_lcs_length_on_long_near_copies() -> None:
    """Sequences longer than a machine word: a copy with edits scattered through it."""
    rng = random.Random(42)
    a = [rng.randrange(50) for _ in range(400)]
    b = list(a)
    for _ in range(30):
        op = rng.randrange(3)
        k = rng.randrange(len(b))
        if op == 0:
            del b[k]
        elif op == 1:
            b.insert(k, rng.randrange(50, 60))
        else:
            b[k] = rng.randrange(50, 60)
    assert lcs_length(a, b) == lcs_dp(a, b)
    assert lcs_length(array("I", a), array("I", b)) == lcs_dp(a, b)  # token arrays as the engine passes them


def test_lcs_edge_cases() -> None:
    assert lcs_length([], []) == 0
    assert lcs_length([1, 2, 3], []) == 0
    assert lcs_length([1, 2, 3], [1, 2, 3]) == 3
    assert lcs_length([1, 2, 3], [3, 2, 1]) == 1
    assert lcs_length([7] * 100, [7] * 3) == 3
    assert lcs_length([2**32 - 1, 0], [0, 2**32 - 1]) == 1  # token ids are unsigned 32-bit


def test_dice_bounds() -> None:
    rng = random.Random(3)
    for _ in range(300):
        a = [rng.randrange(6) for _ in range(rng.randrange(0, 30))]
        b = [rng.randrange(6) for _ in range(rng.randrange(0, 30))]
        d = dice(a, b)
        assert 0.0 <= d <= 1.0
        assert d == dice(b, a)
        assert d <= dice_upper_bound(len(a), len(b)) + 1e-12
        assert dice(a, a) == 1.0
    assert dice([], []) == 1.0
    assert dice([1, 2], []) == 0.0
    assert dice([1, 2, 3], [4, 5, 6]) == 0.0
    assert dice([1, 2, 3, 4], [1, 2, 3, 5]) == pytest.approx(0.75)
    assert dice_upper_bound(0, 0) == 1.0
    assert dice_upper_bound(10, 10) == 1.0
    assert dice_upper_bound(10, 30) == pytest.approx(0.5)


# ----------------------------------------------------------------------------- shingles and MinHash


def test_token_ids_and_shingles_are_stable_across_processes() -> None:
    """Shards built in different processes (or CI jobs) must agree: no per-process hash salt."""
    code = (
        "from array import array\n"
        "from pattern_miner.records import shingles, token_id\n"
        "ids = array('I', map(token_id, ['def', '$id', '(', ')', ':', 'return', '$num', '+', '$id']))\n"
        "print(list(ids), list(shingles(ids)))\n"
    )
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    ids = array("I", map(token_id, ["def", "$id", "(", ")", ":", "return", "$num", "+", "$id"]))
    assert runs.pop().strip() == f"{list(ids)} {list(shingles(ids))}"


def test_shingles_count_and_content() -> None:
    ids = array("I", range(10))
    sh = shingles(ids)
    assert len(sh) == 10 - SHINGLE + 1
    assert len(set(sh)) == len(sh)
    assert shingles(array("I", range(SHINGLE - 1))) == array("q")
    assert shingles(ids)[1:] == shingles(ids[1:])  # a window's hash depends on its tokens, not its position
    assert shingles(array("I", [1, 2, 3, 4, 5, 6])) != shingles(array("I", [1, 2, 3, 4, 6, 5]))
    assert token_id("gcloud") == token_id("gcloud") != token_id("gsutil")


def _set(values: Sequence[int]) -> np.ndarray:
    return np.unique(np.array(values, dtype=np.int64))


def signatures(sets: Sequence[np.ndarray]) -> np.ndarray:
    """One MinHash signature per whole set (all-max when empty)."""
    return minhash.range_signatures(sets, [(i, 0, len(s)) for i, s in enumerate(sets)])


def test_signatures_are_deterministic_and_independent_of_the_batch() -> None:
    rng = random.Random(11)
    sets = [_set([rng.randrange(-(2**62), 2**62) for _ in range(rng.randrange(1, 300))]) for _ in range(20)]
    first = signatures(sets)
    assert first.shape == (20, minhash.PERMUTATIONS) and first.dtype == np.uint64
    assert np.array_equal(first, signatures(sets))
    assert np.array_equal(first[7], signatures([sets[7]])[0])
    assert np.array_equal(first[::-1], signatures(sets[::-1]))


def test_signatures_in_chunks_match_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    sets = [_set([rng.randrange(2**40) for _ in range(50)]) for _ in range(10)]
    whole = signatures(sets)
    monkeypatch.setattr(minhash, "_CHUNK", 60)
    assert np.array_equal(whole, signatures(sets))


def test_signature_of_an_empty_set_is_all_max() -> None:
    sigs = signatures([_set([]), _set([1, 2, 3])])
    assert (sigs[0] == np.iinfo(np.uint64).max).all()
    assert not (sigs[1] == np.iinfo(np.uint64).max).all()


def test_signature_agreement_estimates_jaccard() -> None:
    base = list(range(1000, 1400))
    near = base[:360] + list(range(5000, 5040))  # Jaccard 360/440 ≈ 0.82
    other = list(range(9000, 9400))
    sigs = signatures([_set(base), _set(near), _set(other)])
    assert (sigs[0] == sigs[1]).mean() > 0.6
    assert (sigs[0] == sigs[2]).mean() < 0.1


def test_candidate_pairs_finds_near_duplicates_across_groups_only() -> None:
    base = list(range(1000, 1400))
    near = base[:370] + list(range(5000, 5030))
    other = list(range(9000, 9400))
    sets = [_set(base), _set(near), _set(other), _set(base)]
    sigs = signatures(sets)
    keys = ["python"] * 4
    pairs = set(map(tuple, minhash.candidate_pairs(sigs, keys, [0, 1, 2, 0]).tolist()))
    assert (0, 1) in pairs and (1, 3) in pairs
    assert (0, 3) not in pairs  # identical, but in the same group (repository)
    assert not any(2 in p for p in pairs)
    assert all(i < j for i, j in pairs)


def test_candidate_pairs_respects_keys_and_bucket_limit() -> None:
    s = _set(range(100, 200))
    sigs = signatures([s, s, s])
    assert minhash.candidate_pairs(sigs, ["python", "go", None], [0, 1, 2]).tolist() == []
    assert minhash.candidate_pairs(sigs, ["go", "go", "go"], [0, 1, 2]).tolist() == [[0, 1], [0, 2], [1, 2]]
    assert minhash.candidate_pairs(sigs, ["go", "go", "go"], [0, 1, 2], max_bucket=2).tolist() == []


def test_candidate_pairs_lists_every_pair_of_a_bucket_once() -> None:
    rng = random.Random(3)
    shared = _set([rng.randrange(2**40) for _ in range(80)])
    sets = [shared] * 5 + [_set([rng.randrange(2**40) for _ in range(80)]) for _ in range(3)]
    pairs = minhash.candidate_pairs(signatures(sets), ["go"] * 8, [0, 0, 1, 2, 3, 4, 5, 6])
    assert pairs.tolist() == [[a, b] for a in range(5) for b in range(a + 1, 5) if (a, b) != (0, 1)]


def test_range_signatures_equal_the_signatures_of_the_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(8)
    arrays = [np.array([rng.randrange(-(2**62), 2**62) for _ in range(rng.randrange(0, 120))], dtype=np.int64)
              for _ in range(12)]
    ranges = []
    for a, values in enumerate(arrays):  # the whole array and nested, overlapping and empty ranges in it
        ranges.append((a, 0, len(values)))
        for _ in range(6):
            start = rng.randrange(0, len(values) + 1)
            ranges.append((a, start, rng.randrange(start, len(values) + 1)))
    rng.shuffle(ranges)
    top = np.iinfo(np.uint64).max
    expected = np.array([minhash._hash(arrays[a][start:stop].view(np.uint64)).min(axis=0) if stop > start
                         else np.full(minhash.PERMUTATIONS, top, dtype=np.uint64) for a, start, stop in ranges])
    assert np.array_equal(minhash.range_signatures(arrays, ranges), expected)
    monkeypatch.setattr(minhash, "_CHUNK", 50)  # batches that end anywhere
    assert np.array_equal(minhash.range_signatures(arrays, ranges), expected)


# ----------------------------------------------------------------------------- records and fragments


def record(
    path: str,
    tokens: Sequence[int],
    *,
    lit: Sequence[int] | None = None,
    per_line: int = 4,
    language: str = "python",
    types: tuple[str, ...] = ("code",),
    units: Sequence[Unit] = (),
) -> FileRecord:
    """A FileRecord from token ids, ``per_line`` tokens to a source line."""
    struct = array("I", tokens)
    lit_ids = array("I", lit if lit is not None else tokens)
    lines = array("I", [1 + i // per_line for i in range(len(tokens))])
    return FileRecord(
        path=path, language=language, pattern_types=types, n_lines=lines[-1] if lines else 0, fallback=False,
        struct=struct, lit=lit_ids, lines=lines, shingles=shingles(struct), lit_shingles=array("q"),
        spans=spans(lines, lines[-1] if lines else 0, units),
        text="\n".join(f"line {i}" for i in range(1, (lines[-1] if lines else 0) + 1)),
    )


def unit(kind: str, name: str, start: int, end: int, per_line: int = 4) -> Unit:
    return Unit(kind, name, start, end, 1 + start // per_line, 1 + (end - 1) // per_line)


def test_code_lines_counts_distinct_lines() -> None:
    lines = array("I", [1, 1, 2, 5, 5, 5])
    assert [span[-1] for span in spans(lines, 5, [Unit("function", "f", 2, 4, 2, 5)])] == [3, 2]


def test_spans_are_the_file_and_its_units_with_their_code_lines() -> None:
    lines = array("I", [1, 1, 2, 2, 2, 5, 5, 6])
    units = [Unit("class", "Whole", 0, 8, 1, 6), Unit("function", "f", 1, 5, 1, 2), Unit("class", "C", 5, 8, 5, 6)]
    assert spans(lines, 7, units) == [
        ("file", "", 0, 8, 1, 7, 4),
        ("function", "f", 1, 5, 1, 2, 2),  # starts inside line 1: that line counts
        ("class", "C", 5, 8, 5, 6, 2),
    ]  # the class that is the whole file is the file
    assert spans(array("I"), 0, []) == [("file", "", 0, 0, 1, 1, 0)]


def test_select_fragments_sizes_types_and_whole_file_units() -> None:
    rng = random.Random(1)
    big = [rng.randrange(1000) for _ in range(80)]
    files = [
        (0, record("a.py", big, units=[unit("function", "f", 0, 40), unit("function", "tiny", 40, 44),
                                       unit("class", "Whole", 0, 80)], types=("api_client", "code"))),
        (1, record("b.py", big[:10])),
        (1, record("c.py", big, types=())),
    ]
    thresholds = {"api_client": 0.9, "code": 0.8}
    frags = select_fragments(files, min_tokens=20, min_lines=5, threshold=thresholds.__getitem__)
    got = [(f.file, f.kind, f.name, f.start, f.end, f.pattern_type, f.threshold, f.repo) for f in frags]
    assert got == [
        (0, "file", "", 0, 80, "api_client", 0.9, 0),  # the class spanning the whole file IS the file
        (0, "function", "f", 0, 40, "api_client", 0.9, 0),
        (2, "file", "", 0, 80, "code", 0.8, 1),  # no pattern type: the default
    ]
    assert [f.id for f in frags] == [0, 1, 2]
    assert frags[0].start_line == 1 and frags[0].end_line == 20 and frags[0].code_lines == 20
    assert frags[1].end_line == 10 and frags[1].size == 40


def _finder(files: list[tuple[int, FileRecord]], threshold: float = 0.8) -> tuple[PairFinder, list[Fragment]]:
    frags = select_fragments(files, min_tokens=20, min_lines=5, threshold=lambda _: threshold)
    return PairFinder(files, frags), frags


def test_exact_code_copies_across_repositories_pair_and_same_repo_copies_do_not() -> None:
    rng = random.Random(2)
    body = [rng.randrange(10_000) for _ in range(120)]
    unrelated = [rng.randrange(10_000) for _ in range(120)]
    files = [(0, record("a.py", body)), (0, record("a_copy.py", body)), (1, record("b.py", body)),
             (2, record("c.py", unrelated))]
    finder, frags = _finder(files)
    pairs = finder.find()
    by_files = {(frags[p.a].file, frags[p.b].file): p for p in pairs}
    assert set(by_files) == {(0, 2), (1, 2)}
    assert all(p.similarity == 1.0 and p.strong for p in pairs)
    assert finder.stats["exact_candidates"] == 2


def test_near_miss_code_copy_is_confirmed_and_a_distant_one_is_not() -> None:
    rng = random.Random(4)
    body = [rng.randrange(10_000) for _ in range(300)]
    near = list(body)
    for k in (40, 120, 200, 260):  # four statements changed
        near[k:k + 3] = [rng.randrange(10_000, 20_000) for _ in range(3)]
    far = body[:100] + [rng.randrange(20_000, 30_000) for _ in range(200)]
    files = [(0, record("a.py", body)), (1, record("b.py", near)), (2, record("c.py", far))]
    finder, frags = _finder(files, threshold=0.85)
    pairs = finder.find()
    assert [(frags[p.a].file, frags[p.b].file) for p in pairs] == [(0, 1)]
    assert pairs[0].similarity == pytest.approx(dice(body, near))


def test_confirm_rejects_pairs_that_cannot_reach_the_threshold_by_size() -> None:
    rng = random.Random(6)
    body = [rng.randrange(10_000) for _ in range(200)]
    files = [(0, record("a.py", body)), (1, record("b.py", body[:60]))]
    finder, frags = _finder(files)
    assert finder.confirm(0, 1) is None
    assert finder.stats["rejected_size"] == 1


# ----------------------------------------------------------------------------- clustering


def frag(fid: int, repo: int, file: int, start: int = 0, end: int = 100, kind: str = "file", lines: int = 30) -> Fragment:
    return Fragment(fid, repo, file, kind, "", start, end, 1 + start // 4, 1 + end // 4, "python", "code", 0.8, lines)


def pair(a: int, b: int, sim: float = 0.9, strong: bool = True, rare: float = 1.0) -> ClonePair:
    return ClonePair(min(a, b), max(a, b), sim, rare, strong)


def members(groups: list[cluster.Group]) -> list[tuple[int, ...]]:
    return sorted(g.members for g in groups)


def test_largest_unit_wins_a_copied_file_is_reported_once() -> None:
    frags = [
        frag(0, 0, 0), frag(1, 0, 0, 10, 40, "function"), frag(2, 0, 0, 50, 90, "function"),
        frag(3, 1, 1), frag(4, 1, 1, 10, 40, "function"), frag(5, 1, 1, 50, 90, "function"),
        frag(6, 2, 2, 0, 30, "function"),
    ]
    pairs = [pair(1, 4), pair(2, 5), pair(0, 3), pair(2, 4, 0.85), pair(1, 6, 0.95)]
    kept = largest_units(pairs, frags)
    assert [(p.a, p.b) for p in kept] == [(0, 3), (1, 6)]  # the function copied into a third file stays
    groups, _ = group_pairs(pairs, frags, min_repos=2, total_repos=3)
    assert members(groups) == [(0, 3), (1, 6)]


def test_largest_unit_rule_holds_whichever_side_is_first() -> None:
    frags = [frag(0, 0, 0, 0, 40, "function"), frag(1, 1, 1), frag(2, 1, 1, 0, 40, "function"), frag(3, 0, 0, 0, 100)]
    kept = largest_units([pair(0, 2), pair(3, 1)], frags)
    assert [(p.a, p.b) for p in kept] == [(1, 3)]


def test_union_find_builds_n_way_groups() -> None:
    frags = [frag(i, i, i) for i in range(6)]
    pairs = [pair(0, 1), pair(1, 2), pair(3, 4), pair(2, 0)]
    groups, boilerplate = group_pairs(pairs, frags, min_repos=2, total_repos=6)
    assert members(groups) == [(0, 1, 2), (3, 4)] and boilerplate == 0
    assert {(p.a, p.b) for p in next(g for g in groups if 0 in g.members).pairs} == {(0, 1), (1, 2), (0, 2)}


def test_a_weak_pair_attaches_a_singleton_to_its_best_match() -> None:
    frags = [frag(i, i, i) for i in range(5)]
    pairs = [pair(0, 1), pair(2, 3), pair(4, 0, 0.8, strong=False, rare=0.3),
             pair(4, 2, 0.85, strong=False, rare=0.35)]
    groups, _ = group_pairs(pairs, frags, min_repos=2, total_repos=5)
    assert members(groups) == [(0, 1), (2, 3, 4)]


def test_a_weak_pair_never_merges_two_groups() -> None:
    frags = [frag(i, i, i) for i in range(4)]
    pairs = [pair(0, 1), pair(2, 3), pair(1, 2, 0.95, strong=False, rare=0.4)]
    groups, _ = group_pairs(pairs, frags, min_repos=2, total_repos=4)
    assert members(groups) == [(0, 1), (2, 3)]
    assert all(p.strong for g in groups for p in g.pairs)


def test_a_chain_of_weak_pairs_attaches_each_singleton_to_its_best_match() -> None:
    frags = [frag(i, i, i) for i in range(4)]
    weak = [pair(0, 1, 0.8, strong=False, rare=0.3), pair(1, 2, 0.9, strong=False, rare=0.4),
            pair(3, 0, 0.75, strong=False, rare=0.26), pair(3, 2, 0.76, strong=False, rare=0.27)]
    groups, _ = group_pairs(weak, frags, min_repos=2, total_repos=4)
    assert members(groups) == [(0, 1, 2, 3)]
    assert {(p.a, p.b) for p in groups[0].pairs} == {(1, 2), (0, 1), (2, 3)}  # 3 joins by its best match


def test_min_repos() -> None:
    frags = [frag(0, 0, 0), frag(1, 1, 1), frag(2, 0, 2), frag(3, 1, 3), frag(4, 2, 4)]
    pairs = [pair(0, 1), pair(2, 3), pair(3, 4)]
    groups, _ = group_pairs(pairs, frags, min_repos=3, total_repos=3)
    assert members(groups) == [(2, 3, 4)]
    groups, _ = group_pairs(pairs, frags, min_repos=2, total_repos=3)
    assert members(groups) == [(0, 1), (2, 3, 4)]


def test_a_group_in_too_many_repositories_is_boilerplate() -> None:
    total = max(cluster.BOILERPLATE_MIN_REPOS, 10)
    everywhere = int(cluster.BOILERPLATE_SHARE * total) + 1
    frags = [frag(i, i, i) for i in range(total)] + [frag(total, 0, total), frag(total + 1, 1, total + 1)]
    pairs = [pair(0, i) for i in range(1, everywhere)] + [pair(total, total + 1)]
    groups, boilerplate = group_pairs(pairs, frags, min_repos=2, total_repos=total)
    assert members(groups) == [(total, total + 1)] and boilerplate == 1
    # with few repositories, "most of them" is just a few: not boilerplate
    few = cluster.BOILERPLATE_MIN_REPOS - 1
    groups, boilerplate = group_pairs([pair(0, i) for i in range(1, few)], frags, min_repos=2, total_repos=few)
    assert members(groups) == [tuple(range(few))] and boilerplate == 0


def test_one_fragment_per_file_in_a_group() -> None:
    # file 0 takes part twice: as a whole (paired with file 1) and by a function (paired with file 2)
    frags = [frag(0, 0, 0, 0, 100), frag(1, 0, 0, 0, 40, "function"), frag(2, 1, 1, 0, 100),
             frag(3, 2, 2, 0, 40, "function")]
    pairs = [pair(0, 2, 0.95), pair(1, 3, 0.9), pair(2, 3, 0.9)]
    groups, _ = group_pairs(pairs, frags, min_repos=2, total_repos=3)
    assert members(groups) == [(0, 2, 3)]  # of file 0, the copy most tied to the rest of the group


@pytest.mark.parametrize("n", [1, 7, 5_000, 60_000])  # from an empty table to many shared slots
def test_uncommon_is_not_in_common(n: int) -> None:
    rng = np.random.default_rng(n)
    common = np.unique(rng.integers(-(2**63), 2**63 - 1, n, dtype=np.int64))
    values = np.concatenate([rng.choice(common, 4000), rng.integers(-(2**63), 2**63 - 1, 4000, dtype=np.int64)])
    assert np.array_equal(uncommon(values, common), ~np.isin(values, common))
    assert uncommon(values, common[:0]).all()
