"""Semantic patterns, the steps in order: units and their profiles → candidate groups → verdicts → opportunities.

    find(shards, patterns, judge=judge)   # -> tuple[Opportunity, ...], kind "semantic"

With a judge (Claude), each candidate group, best first, is one request; the units Claude says do one job
become one opportunity, confidence High (with the copies of each, when a variant was copied too). A group
is not asked about when a unit of its pair is taken already, or when Claude saw its pair together in an
earlier group and did not choose both (the answer would be the same); a group that Claude split is asked
about again through the groups of its other pairs, without the units it chose (a request that failed
counts as not asked). Without one, only groups whose evidence is overwhelming are reported, confidence
Medium: the group's pair and the units whose link to one of the two scores at least ``OFFLINE_MIN_PAIR``
(many rare elements, mostly what each does). Ids are made distinct within a run. A unit is reported in one semantic
opportunity at most, and never with a copy of itself (copies are clone patterns, reported as such).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from pattern_miner.model import Opportunity, Pattern
from pattern_miner.records import Shard
from pattern_miner.semantic.candidates import Candidate, find_candidates
from pattern_miner.semantic.profiles import Rarity, UnitRef, copy_pairs, unit_refs
from pattern_miner.semantic.prompt import UnitText
from pattern_miner.semantic.report import opportunity, with_copies

if TYPE_CHECKING:
    from pattern_miner.semantic.judge import Judge

# below, a candidate group is not worth a model call (a simulation of bench/semantic.py's careful judge: seeds 1-5,
# 1.2 makes 2.7 calls per true group and finds 18/30, 1.3 2.2 and 16/30, 1.4 and 1.1 fewer / more calls;
# fresh seeds 21-23: 1.2 makes 3.5 and finds 12/18, 1.3 2.9 and 12/18)
MIN_GROUP_SCORE = 1.3
MAX_GROUPS = 40  # candidate groups per run at most, best first (the judge's max_calls bounds them too)
OFFLINE_MIN_PAIR = 4.0  # without Claude, a unit is reported only with a partner it shares this much with
_LABELS = {"api": "{}", "cmd": "`{}`", "call": "{}", "env": "${}", "http": "status {}", "hdr": "header {}",
           "host": "{}", "res": "{}", "uses": "{}"}
_TRAITS = {"trait:sleep-in-loop": "a loop that sleeps", "trait:growing-delay": "a growing delay",
           "trait:retry-on-status": "retries on error statuses", "trait:pagination": "pagination"}


def unit_text(unit: UnitRef, shards: Sequence[Shard]) -> UnitText:
    shard = shards[unit.repo]
    rec = shard.files[unit.file]
    text = "\n".join(rec.text.splitlines()[unit.start_line - 1:unit.end_line])
    name = f" ({unit.kind} {unit.name})" if unit.name else f" ({unit.kind})"
    return UnitText(f"{shard.repo.name} {rec.path}:{unit.start_line}-{unit.end_line}{name}", rec.language, text)


def offline_name(shared: Sequence[str]) -> str:
    """A name for a group no model named: what its units share, in words."""
    words: list[str] = [_TRAITS[e] for e in shared if e in _TRAITS]
    for element in shared:
        kind, _, text = element.partition(":")
        if kind in _LABELS and len(words) < 4:
            words.append(_LABELS[kind].format(text))
    return "code that shares " + ", ".join(words[:4]) if words else "code that does the same things"


def find(shards: Sequence[Shard], patterns: Sequence[Pattern] = (), *, judge: Judge | None = None,
         limit: int = MAX_GROUPS) -> tuple[Opportunity, ...]:
    """The semantic opportunities of a scan, best first."""
    units = unit_refs(shards)
    if len(units) < 2:
        return ()
    rarity = Rarity(units)
    copies = copy_pairs(units, shards, patterns)
    candidates = find_candidates(shards, units, rarity, copies, min_score=MIN_GROUP_SCORE, limit=limit)
    copies_of: dict[int, set[int]] = {}
    for a, b in copies:
        copies_of.setdefault(a, set()).add(b)
        copies_of.setdefault(b, set()).add(a)
    claimed: set[int] = set()
    asked: dict[int, set[int]] = {}  # unit -> the groups (by number) Claude was asked about with it
    out: list[Opportunity] = []
    for number, candidate in enumerate(candidates):
        members = [i for i in candidate.units if i not in claimed]
        if len(members) < 2:
            continue
        if judge is not None:
            a, b = candidate.units[:2]
            if a in claimed or b in claimed or asked.get(a, set()) & asked.get(b, set()):
                continue  # its pair is taken, or Claude saw the two together and did not choose both
            answered, found = _judged(candidate, members, units, shards, rarity, judge)
            if answered:  # a request that failed says nothing: the pair may be asked about again
                for i in members:
                    asked.setdefault(i, set()).add(number)
        else:
            found = _offline(candidate, members, units, shards, rarity)
        if found is not None:
            chosen, opp = found
            copied = sorted({c for i in chosen for c in copies_of.get(i, ())} - set(chosen) - claimed)
            if copied:  # a variant copied to other repositories: the copies are occurrences too
                opp = with_copies(opp, [units[i] for i in copied], shards)
            claimed.update(chosen, copied)
            out.append(opp)
    return _distinct_ids(out)


def _distinct_ids(opportunities: list[Opportunity]) -> tuple[Opportunity, ...]:
    """Two groups whose anchors collide (rare: they share their telling elements) get distinct ids, in order."""
    seen: dict[str, int] = {}
    out = []
    for opp in opportunities:
        n = seen[opp.id] = seen.get(opp.id, 0) + 1
        out.append(opp if n == 1 else replace(opp, id=f"{opp.id}-{n}"))
    return tuple(out)


def _judged(candidate: Candidate, members: list[int], units: Sequence[UnitRef], shards: Sequence[Shard],
            rarity: Rarity, judge: Judge) -> tuple[bool, tuple[list[int], Opportunity] | None]:
    """(whether Claude answered, the opportunity it confirmed if any)."""
    order = sorted(members, key=lambda i: (units[i].digest, i))  # the same group asks the same question
    verdict = judge.judge([unit_text(units[i], shards) for i in order], [units[i].digest for i in order],
                          candidate.shared)
    if verdict is None:  # not asked (budget), the request failed, or no valid answer
        return False, None
    chosen = [order[k] for k in verdict.chosen(len(order))]
    if len({units[i].repo for i in chosen}) < 2:
        return True, None
    return True, (chosen, opportunity([units[i] for i in chosen], shards, rarity, verdict.job, confidence="High",
                                      reason=verdict.reason))


def _offline(candidate: Candidate, members: list[int], units: Sequence[UnitRef], shards: Sequence[Shard],
             rarity: Rarity) -> tuple[list[int], Opportunity] | None:
    if candidate.units[0] not in members:
        return None
    chosen = [candidate.units[0]] + [i for i, score in zip(candidate.units[1:], candidate.scores, strict=True)
                                     if score >= OFFLINE_MIN_PAIR and i in members]
    if len(chosen) < 2:
        return None
    return chosen, opportunity([units[i] for i in chosen], shards, rarity, offline_name(candidate.shared),
                               confidence="Medium")
