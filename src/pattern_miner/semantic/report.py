"""A confirmed group as an ``Opportunity`` of kind ``semantic``: the variants side by side, what differs
between them, and which one to converge on.

Each variant is described from its profile: the libraries and tools it uses, how it handles errors, its
limits (status codes it handles, a loop that sleeps and grows its delay, timeouts). The recommendation is
the most used variant (the one other units call most), else the most complete (the one that does the
most of what the variants do between them), else the shortest; the reason is said.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pattern_miner.model import Occurrence, Opportunity
from pattern_miner.records import Shard
from pattern_miner.semantic.profiles import Rarity, UnitRef, is_common

TEXT_MAX_LINES = 200  # lines of a variant's text kept in its occurrence
ID_ANCHORS = 3  # the id is named by this many of the elements the variants share (see `stable_id`)
ANCHOR_SHARE = 0.02  # ... that at most this share of the scan's units hold
_ERRORS = {"trait:try-catch": "catches errors", "trait:catch-and-raise": "re-raises after catching",
           "trait:retry-on-status": "retries on error statuses"}
_LIMITS = {"trait:sleep-in-loop": "waits between attempts", "trait:growing-delay": "grows its delay",
           "trait:recursion": "recurses", "trait:pagination": "follows pages"}
_CATEGORY_HINTS = (  # (element kinds, category): the first whose kinds the group's shared elements hold
    (("env",), "configuration"),
    (("http", "hdr", "host", "method", "mime"), "api_client"),
    (("res",), "infrastructure"),
    (("uses",), "ci_workflow"),
)
_DEPLOY_TOOLS = frozenset({"gcloud", "docker", "podman", "kubectl", "helm", "terraform", "aws", "az", "buildx"})


@dataclass(frozen=True)
class Variant:
    unit: UnitRef
    repo: str
    path: str
    language: str
    tools: tuple[str, ...]  # libraries and commands it uses, most specific first
    errors: tuple[str, ...]
    limits: tuple[str, ...]
    used: int  # other units that call it by name


def _tools(unit: UnitRef) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for element in sorted(unit.elements):
        kind, _, text = element.partition(":")
        if kind == "api":
            out[text.split(".", 1)[0]] = None
        elif kind in ("cmd", "call") and " " not in text and not is_common(kind, text) and text != unit.name \
                and (kind == "cmd" or text[:1].islower()):
            out[text] = None  # a command, or a function that is not a class
    return tuple(out)[:6]


def describe(unit: UnitRef, shard: Shard, rarity: Rarity) -> Variant:
    rec = shard.files[unit.file]
    statuses = sorted(e.split(":", 1)[1] for e in unit.elements if e.startswith("http:") and e >= "http:400")
    limits = [text for trait, text in _LIMITS.items() if trait in unit.elements]
    if statuses:
        limits.append("statuses " + ", ".join(statuses[:6]))
    used = max(0, rarity.df.get(f"call:{unit.name}", 0) + rarity.df.get(f"meth:{unit.name}", 0) - 1) \
        if unit.name else 0
    return Variant(unit, shard.repo.name, rec.path, rec.language, _tools(unit),
                   tuple(text for trait, text in _ERRORS.items() if trait in unit.elements), tuple(limits), used)


def converge_on(variants: Sequence[Variant]) -> tuple[int, str]:
    """The variant to keep, and why: the most used, else the most complete, else the shortest."""
    most_used = max(range(len(variants)), key=lambda i: (variants[i].used, -i))
    if variants[most_used].used > 0:
        return most_used, f"the most used, as {variants[most_used].used} other units call it"
    behaviours = [len(v.errors) + len(v.limits) for v in variants]
    best = max(range(len(variants)), key=lambda i: (behaviours[i], -variants[i].unit.lines, -i))
    if behaviours[best] > min(behaviours):
        return best, "the most complete, as it handles the most: " + \
            "; ".join(variants[best].errors + variants[best].limits)
    shortest = min(range(len(variants)), key=lambda i: (variants[i].unit.lines, i))
    return shortest, "the shortest, as they handle the same cases"


def differences(variants: Sequence[Variant]) -> list[str]:
    """What differs between the variants: library or tool, error handling, limits."""
    out: list[str] = []
    for label, values in (("library", [v.tools for v in variants]), ("error handling", [v.errors for v in variants]),
                          ("limits", [v.limits for v in variants])):
        if len({tuple(x) for x in values}) > 1:
            out.append(f"{label}: " + " vs ".join(", ".join(x) or "none" for x in values))
    return out


def _category(variants: Sequence[Variant]) -> str:
    shared = set.intersection(*(set(v.unit.elements) for v in variants))
    kinds = {e.split(":", 1)[0] for e in shared}
    if any(v.language in ("bash", "dockerfile") for v in variants) and \
            any(t in _DEPLOY_TOOLS for v in variants for t in v.tools):
        return "deployment"
    if any(v.language == "yaml" for v in variants):
        return "ci_workflow"
    if any(v.language == "hcl" for v in variants):
        return "infrastructure"
    for hint, category in _CATEGORY_HINTS:
        if kinds & set(hint):
            return category
    return "code"


def occurrence(unit: UnitRef, shards: Sequence[Shard]) -> Occurrence:
    shard = shards[unit.repo]
    rec = shard.files[unit.file]
    text_lines = rec.text.splitlines()[unit.start_line - 1:unit.end_line]
    return Occurrence(
        repo=shard.repo.name, path=rec.path, start_line=unit.start_line, end_line=unit.end_line, unit=unit.kind,
        name=unit.name, language=rec.language, commit=shard.repo.commit, private=shard.repo.private,
        url=shard.repo.file_url(rec.path, unit.start_line, unit.end_line), text="\n".join(text_lines[:TEXT_MAX_LINES]))


def with_copies(opp: Opportunity, copies: Sequence[UnitRef], shards: Sequence[Shard]) -> Opportunity:
    """The opportunity with copies of its variants (clone-pattern occurrences) as occurrences too."""
    extra = tuple(occurrence(u, shards) for u in copies)
    where = ", ".join(f"{o.repo} {o.path}" for o in extra)
    repos = tuple(sorted({*opp.repos, *(o.repo for o in extra)}))
    return replace(opp, occurrences=opp.occurrences + extra, repos=repos,
                   details=opp.details + (f"copies of these variants: {where}",))


def stable_id(units: Sequence[UnitRef], rarity: Rarity | None = None) -> str:
    """An id that stays when a variant comes or goes: named by the ``ID_ANCHORS`` smallest hashes of the
    elements (not the words of names) that at least half of the variants, and two at least, share. With
    ``rarity``, only elements that say something are anchors (not everyone's vocabulary: a standard library
    call, ``http:200``, ``trait:try-catch``; held by at most ``ANCHOR_SHARE`` of the scan's units), so two
    jobs that share only common vocabulary get different ids. A variant that joins or leaves changes it only
    when it adds or takes the smallest of those; the variants' places, names and number do not count.
    (``find`` still makes the ids of one run distinct.)"""
    counts: Counter[str] = Counter(e for u in units for e in u.elements if not e.startswith("word:"))
    need = max(2, math.ceil(len(units) / 2))
    shared = [e for e, c in counts.items() if c >= need] or list(counts)
    if rarity is not None:
        telling = [e for e in shared if not is_common(*e.partition(":")[::2]) and
                   rarity.df[e] <= max(2, ANCHOR_SHARE * rarity.units)]
        shared = telling or shared
    anchors = sorted(hashlib.blake2b(e.encode(), digest_size=8).hexdigest() for e in shared)[:ID_ANCHORS]
    return "sem-" + hashlib.sha256("|".join(anchors or [u.digest for u in units]).encode()).hexdigest()[:12]


def opportunity(units: Sequence[UnitRef], shards: Sequence[Shard], rarity: Rarity, job: str, *,
                confidence: str, reason: str = "") -> Opportunity:
    """The opportunity of one confirmed group of units (each in another repository)."""
    variants = [describe(u, shards[u.repo], rarity) for u in units]
    keep, why = converge_on(variants)
    occurrences = [occurrence(v.unit, shards) for v in variants]
    kept = variants[keep]
    side_by_side = [f"{v.repo} {v.path}:{v.unit.start_line}-{v.unit.end_line} {v.unit.name or v.unit.kind} "
                    f"({v.language}, {v.unit.lines} lines): uses {', '.join(v.tools) or 'plain code'}; "
                    f"{'; '.join(v.errors + v.limits) or 'no error handling or limits'}" for v in variants]
    details = tuple(side_by_side + ["differs in " + d for d in differences(variants)] + [
        f"converge on {kept.repo} {kept.path} {kept.unit.name or kept.unit.kind}: {why}"])
    repos = tuple(sorted({v.repo for v in variants}))
    name = job or "one job"
    content = hashlib.sha256("\0".join(sorted(u.digest for u in units)).encode()).hexdigest()[:16]
    summary = (f"{name}: written independently {len(variants)} times, in {len(repos)} repositories; "
               f"converge on {kept.repo} {kept.path}, {why}.")
    if reason:
        summary += f" {reason}"
    return Opportunity(
        id=stable_id(units, rarity),
        kind="semantic",
        category=_category(variants),
        title=f"The same job written {len(variants)} times: {name}",
        repos=repos,
        patterns=(),
        occurrences=tuple(occurrences),
        value=float(sum(v.unit.lines for v in variants) - kept.unit.lines),
        confidence=confidence,
        lines=sum(v.unit.lines for v in variants) - kept.unit.lines,
        summary=summary,
        content_hash=content,
        details=details,
    )
