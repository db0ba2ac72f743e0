"""A unit's profile: what it does (its elements and traits), and how rare each of those is across the scan.

The units are the comparable units the parser found (functions, classes, shell functions, workflow jobs,
Terraform blocks), outermost first: a class is one unit unless it is too long to be one job, then its
methods are. A script or configuration file without units is one unit itself. Units that are part of a
clone pattern stay: a copy of one variant is no other variant (``copy_pairs`` says which pairs are copies).

Rarity is IDF over units: ``log(units / units holding the element)``, scaled to [0, 1]. An element held by many units (a
logger, ``json.loads``, ``echo``) weighs almost nothing; one held by a handful (``http:429``,
``cmd:gcloud secrets versions add``) weighs a lot.
"""

from __future__ import annotations

import builtins
import hashlib
import math
import sys
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from itertools import chain

from pattern_miner.model import Pattern
from pattern_miner.records import FileRecord, Shard
from pattern_miner.semantic.elements import SEPARATOR

MIN_CODE_LINES = 6  # shorter units (a getter, a one-line wrapper) do too little to be a job worth sharing
MAX_LINES = 150  # longer units do several jobs: their inner units are looked at instead
MAX_FILE_LINES = 250  # a script or config file without units is one unit up to this length
UNIT_KINDS = frozenset({"function", "class", "method", "job", "block", "file"})
CODE_LANGUAGES = frozenset({"python", "javascript", "typescript", "tsx", "go", "java", "ruby", "rust", "php"})
# how much one shared element of a kind counts, against its rarity: a word of a name is weak evidence
KIND_WEIGHT = {"word": 0.3, "key": 0.5, "meth": 0.6, "call": 0.7, "verb": 0.5, "kw": 0.0, "op": 0.0}
COMMON_WEIGHT = 0.4  # a standard library call, a coreutils command, a JavaScript global: everyone's vocabulary
# commands every shell script uses: what they do is plumbing, whoever wrote it
CORE_COMMANDS = frozenset(str.split(
    "awk basename cat cd chmod chown continue break cp cut date dirname echo eval exec exit expr false find getopts "
    "grep egrep head kill ln ls mkdir mktemp mv printf pwd read readlink rm rmdir sed shift sleep sort tail tee test "
    "touch tr trap true uname uniq wc which xargs"))
# JavaScript's globals and built-in constructors
JS_GLOBALS = frozenset(str.split(
    "Array Boolean Buffer Date Error JSON Map Math Number Object Promise Proxy Reflect RegExp Set String Symbol "
    "TypeError RangeError WeakMap WeakSet parseInt parseFloat isNaN require console"))
SLEEPS = ("sleep", "setTimeout", "delay", "backoff")
PAGE_WORDS = ("page", "cursor", "next", "offset", "continuation", "link")


@dataclass(frozen=True)
class UnitRef:
    """One unit of one file of one repository, and what it does."""

    repo: int  # index of its shard
    file: int  # index of its file in the shard
    kind: str
    name: str
    start: int  # tokens [start, end)
    end: int
    start_line: int
    end_line: int
    elements: frozenset[str]  # its elements and traits (``kw:`` and ``op:`` left out: they only make traits)
    digest: str  # hash of its text: the judge's cache key

    @property
    def lines(self) -> int:
        return self.end_line - self.start_line + 1


def _last_name(element: str) -> str:
    """`api:time.sleep` → sleep, `cmd:sleep 5` → sleep."""
    return element.partition(":")[2].rsplit(".", 1)[-1].split(" ", 1)[0]


class _Says(dict[str, bool]):
    """Whether an element says something, decided once per distinct element (a dict lookup after that, in C)."""

    def __init__(self, says: Callable[[str], bool]) -> None:
        super().__init__()
        self.says = says

    def __missing__(self, element: str) -> bool:
        if len(self) >= _SAYS_MAX:  # bounded: the HTTP service scans again and again in one process
            self.clear()
        value = self[element] = self.says(element)
        return value


_SAYS_MAX = 500_000

# a call of a sleep (`api:time.sleep`, `call:setTimeout`, `cmd:sleep 5`); a page token's key, word or header
_SLEEP = _Says(lambda e: e.split(":", 1)[0] in ("api", "meth", "call", "cmd") and _last_name(e) in SLEEPS)
_PAGE = _Says(lambda e: e.split(":", 1)[0] in ("key", "word", "hdr") and any(w in e for w in PAGE_WORDS))


def traits(sequence: Sequence[str], own_name: str = "", distinct: Set[str] | None = None) -> set[str]:
    """Structural traits of a unit from its elements in order (``distinct``: the set of them, if the caller
    has it): a loop that sleeps (and grows its delay), a try around a call, a loop that follows a page
    token, a call of itself."""
    has = set(sequence) if distinct is None else distinct
    out: set[str] = set()
    loop_at = sequence.index("kw:loop") if "kw:loop" in has else None
    calls_self = bool(own_name) and f"call:{own_name}" in has
    if calls_self:
        out.add("trait:recursion")
    repeats = loop_at is not None or calls_self
    # a sleep anywhere in a unit that calls itself, or after the start of its first loop
    if repeats and any(map(_SLEEP.__getitem__, has if calls_self or loop_at is None else sequence[loop_at + 1:])):
        out.add("trait:sleep-in-loop")
        if "op:grow" in has:
            out.add("trait:growing-delay")
        if any(e.startswith("http:") and e >= "http:429" for e in has):
            out.add("trait:retry-on-status")
    if "kw:try" in has and "kw:catch" in has:
        out.add("trait:try-catch")
        if "kw:raise" in has:
            out.add("trait:catch-and-raise")
    if repeats and any(map(_PAGE.__getitem__, has)):
        out.add("trait:pagination")
    return out


def copy_pairs(units: Sequence[UnitRef], shards: Sequence[Shard], patterns: Sequence[Pattern]) -> set[tuple[int, int]]:
    """Pairs of units that are occurrences of one clone pattern (overlapping half of each): copies."""
    where: dict[tuple[str, str], list[int]] = {}
    for i, u in enumerate(units):
        where.setdefault((shards[u.repo].repo.name, shards[u.repo].files[u.file].path), []).append(i)
    out: set[tuple[int, int]] = set()
    for p in patterns:
        members: list[int] = []
        for o in p.occurrences:
            for i in where.get((o.repo, o.path), ()):
                u = units[i]
                inside = max(0, min(u.end_line, o.end_line) - max(u.start_line, o.start_line) + 1)
                if inside >= 0.5 * u.lines:
                    members.append(i)
        out.update((a, b) for a in members for b in members if a < b)
    return out


def _unit_spans(rec: FileRecord) -> list[tuple[str, str, int, int, int, int, int]]:
    """The units of a file worth profiling: the outermost of a good size, or the inner ones of a long one."""
    inner = [s for s in rec.spans[1:] if s[0] in UNIT_KINDS]
    if not inner:
        whole = rec.spans[0]
        code_like = rec.language in CODE_LANGUAGES
        longest = MAX_LINES if code_like else MAX_FILE_LINES  # a code file of one function is that function
        return [] if whole[5] > longest or whole[6] < MIN_CODE_LINES else [whole]
    chosen: list[tuple[str, str, int, int, int, int, int]] = []
    inner.sort(key=lambda s: (s[2], -s[3]))
    taken_end = -1
    for span in inner:
        if span[2] < taken_end:
            continue  # inside a unit already chosen
        lines = span[5] - span[4] + 1
        if lines > MAX_LINES:
            continue  # too long to be one job: its inner units are looked at instead
        if span[6] >= MIN_CODE_LINES:
            chosen.append(span)
        taken_end = span[3]
    return chosen


def unit_refs(shards: Sequence[Shard]) -> list[UnitRef]:
    """Every unit worth profiling, with its elements, in shard and file order."""
    out: list[UnitRef] = []
    for r, shard in enumerate(shards):
        for f, rec in enumerate(shard.files):
            spans = _unit_spans(rec) if rec.elements else []
            if not spans:
                continue
            elements = rec.elements.split(SEPARATOR)
            text_lines: list[str] | None = None  # split when a unit of the file is kept
            for kind, name, start, end, start_line, end_line, _code in spans:
                lo, hi = bisect_left(rec.element_at, start), bisect_left(rec.element_at, end)
                sequence = elements[lo:hi]
                found = set(sequence)
                structure = traits(sequence, name, found)
                found.difference_update([e for e in found if e.startswith(("kw:", "op:"))])
                found |= structure
                if len(found) < 3:
                    continue
                if text_lines is None:
                    text_lines = rec.text.splitlines()
                text = "\n".join(text_lines[start_line - 1:end_line])
                digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]
                out.append(UnitRef(r, f, kind, name, start, end, start_line, end_line, frozenset(found), digest))
    return out


class Rarity:
    """IDF of every element over the units, and an element's weight: its IDF times its kind's weight."""

    def __init__(self, units: Sequence[UnitRef]) -> None:
        self.units = max(1, len(units))
        self.df: Counter[str] = Counter(chain.from_iterable(u.elements for u in units))
        self._weights: dict[str, float] = {}  # asked for every element of every unit: computed once each

    def idf(self, element: str) -> float:
        """``log(units / units holding it)`` over its largest value, ``log(units)``: 1 for an element one unit
        holds, 0 for one all hold, whatever the size of the scan (so thresholds need no rescaling)."""
        return math.log(self.units / max(1, self.df[element])) / math.log(max(2, self.units))

    def weight(self, element: str) -> float:
        weight = self._weights.get(element)
        if weight is None:
            kind, _, text = element.partition(":")
            weight = self.idf(element) * KIND_WEIGHT.get(kind, 1.0)
            weight = self._weights[element] = weight * COMMON_WEIGHT if is_common(kind, text) else weight
        return weight


_BUILTINS = frozenset(dir(builtins))


def is_common(kind: str, text: str) -> bool:
    """Whether an element is everyone's vocabulary: the standard library, coreutils, JavaScript's globals."""
    if kind in ("api", "mod"):
        return text.split(".", 1)[0] in sys.stdlib_module_names
    if kind in ("cmd", "flag"):
        return text.split(" ", 1)[0] in CORE_COMMANDS
    if kind == "call":
        return text in JS_GLOBALS or text in _BUILTINS
    return False
