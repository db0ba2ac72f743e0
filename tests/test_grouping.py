"""Grouping rules beyond union-find: groups that their weak pairs tie as a whole, and configuration snippets that
are one template's instances rather than copies."""

from __future__ import annotations

from pattern_miner.match import cluster
from pattern_miner.match.cluster import grouping
from pattern_miner.match.confirm import ClonePair
from pattern_miner.match.fragments import Fragment


def frag(fid: int, repo: int, kind: str = "file", language: str = "yaml") -> Fragment:
    return Fragment(fid, repo, fid, kind, "", 0, 100, 1, 30, language, "code", 0.75, 30)


def weak(a: int, b: int) -> ClonePair:
    return ClonePair(a, b, 0.9, 0.4, strong=False)


def strong(a: int, b: int, sim: float = 0.9, rare: float = 0.8) -> ClonePair:
    return ClonePair(a, b, sim, rare, strong=True)


def test_two_groups_tied_by_most_of_their_pairs_are_one() -> None:
    frags = [frag(i, i) for i in range(4)]
    found = grouping([strong(0, 1), strong(2, 3), weak(0, 2), weak(1, 3)], frags, min_repos=2, total_repos=4)
    assert [g.members for g in found.groups] == [(0, 1, 2, 3)]
    assert {(p.a, p.b) for p in found.groups[0].pairs} == {(0, 1), (2, 3), (0, 2), (1, 3)}
    # one tie of four is a borderline match: the groups stay apart
    found = grouping([strong(0, 1), strong(2, 3), weak(0, 2)], frags, min_repos=2, total_repos=4)
    assert sorted(g.members for g in found.groups) == [(0, 1), (2, 3)]


def test_two_large_groups_need_half_of_their_pairs() -> None:
    frags = [frag(i, i) for i in range(6)]
    pairs = [strong(0, 1), strong(1, 2), strong(3, 4), strong(4, 5)]
    ties = [weak(0, 3), weak(1, 4), weak(2, 5), weak(0, 4)]  # 4 of 9
    assert len(grouping(pairs + ties, frags, min_repos=2, total_repos=20).groups) == 2
    assert len(grouping(pairs + ties + [weak(1, 5)], frags, min_repos=2, total_repos=20).groups) == 1  # 5 of 9


def test_a_snippet_whose_copies_all_differ_is_a_template_instance() -> None:
    n = cluster.TEMPLATE_REPOS
    steps = [frag(i, i, kind="step") for i in range(n)]
    alike = [strong(0, i, sim=1.0, rare=0.8) for i in range(1, n)]  # one value differs in each
    found = grouping(alike, steps, min_repos=2, total_repos=12)
    assert not found.groups and [rule for _, rule in found.dropped] == ["convention"]
    # two of them identical, values too: a copy
    found = grouping(alike + [strong(1, 2, sim=1.0, rare=1.0)], steps, min_repos=2, total_repos=12)
    assert [g.members for g in found.groups] == [tuple(range(n))]
    # in fewer repositories, or as code, or as whole files, it stays a pattern
    assert grouping(alike[:1], steps, min_repos=2, total_repos=12).groups
    code = [frag(i, i, kind="function", language="python") for i in range(n)]
    assert grouping(alike, code, min_repos=2, total_repos=12).groups
    files = [frag(i, i) for i in range(n)]
    assert grouping(alike, files, min_repos=2, total_repos=12).groups
