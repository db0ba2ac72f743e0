"""Gitignore-style globs over POSIX paths relative to a repository root.

- A pattern without "/" matches the basename at any depth: ``deploy*.sh`` matches ``deploy.sh`` and
  ``scripts/deploy-gcp.sh``.
- A pattern containing "/" (or starting with "/") is anchored at the repository root:
  ``.github/workflows/*.yml`` matches ``.github/workflows/ci.yml`` but not ``x/.github/workflows/ci.yml``.
- ``**`` as a whole segment matches zero or more whole directories (``**/Dockerfile``,
  ``infra/**/*.tf``); a trailing ``/**`` matches everything inside (``a/**``).
- ``*`` and ``?`` never cross "/"; ``[abc]`` / ``[!abc]`` are classes; ``{a,b}`` are brace sets (expanded
  before anchoring is decided, so ``{src,lib}/x.py`` is anchored); ``\\`` escapes the next character.
- A trailing "/" means "this directory": the glob matches every path inside it.
- In a ``GlobSet``, a leading "!" negates; the last pattern that matches decides.

Each pattern is compiled to one regular expression, once. Matching is case-sensitive, like git, and
takes time linear in the path for each star: no star backtracks into another (see ``_translate``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pattern_miner.errors import PatternMinerError

MAX_BRACE_EXPANSIONS = 256  # "{a,b}{c,d}..." multiplies; a config glob never needs more than this


class GlobError(PatternMinerError, ValueError):
    """A glob pattern that cannot be compiled (unclosed "[" or "{", empty, ...)."""


def _split_alternatives(body: str) -> list[str]:
    """Split the inside of "{...}" on top-level commas."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts


def _find_close(pattern: str, open_at: int, opener: str, closer: str) -> int:
    depth, i = 0, open_at
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def expand_braces(pattern: str) -> list[str]:
    """``"*.{yml,yaml}"`` -> ``["*.yml", "*.yaml"]``; nested sets expand too."""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # braces inside a class are literal
            end = _class_end(pattern, i)
            i = end + 1 if end > 0 else i + 1
            continue
        if c == "{":
            close = _find_close(pattern, i, "{", "}")
            if close < 0:
                raise GlobError(f"unclosed '{{' in glob {pattern!r}")
            head, tail = pattern[:i], pattern[close + 1 :]
            out: list[str] = []
            for alt in _split_alternatives(pattern[i + 1 : close]):
                out.extend(expand_braces(head + alt + tail))
                if len(out) > MAX_BRACE_EXPANSIONS:
                    raise GlobError(f"too many brace alternatives in glob {pattern!r}")
            return out
        if c == "}":
            raise GlobError(f"unmatched '}}' in glob {pattern!r}")
        i += 1
    return [pattern]


def _class_end(pattern: str, start: int) -> int:
    """Index of the "]" closing the class opened at ``start``, or -1."""
    i = start + 1
    if i < len(pattern) and pattern[i] in "!^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":  # "[]abc]": a leading "]" is literal
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "]":
            return i
        i += 1
    return -1


def _segment_regex(segment: str, whole: str) -> str:
    """One path segment (no "/"; "**" inside a segment acts like "*") to a regex.

    Every "*" but the last commits to the leftmost place where the fixed-width text after it matches
    (an atomic group): the classic wildcard algorithm, so ``*a*a*a*b`` takes time linear in the segment
    for each star instead of trying every way to split the segment between the stars."""
    pieces: list[list[str]] = [[]]  # the fixed-width runs between stars
    out = pieces[0]
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "\\":
            if i + 1 >= len(segment):
                raise GlobError(f"trailing backslash in glob {whole!r}")
            out.append(re.escape(segment[i + 1]))
            i += 2
        elif c == "*":
            while i < len(segment) and segment[i] == "*":
                i += 1
            out = []
            pieces.append(out)
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = _class_end(segment, i)
            if end < 0:
                raise GlobError(f"unclosed '[' in glob {whole!r}")
            body = segment[i + 1 : end]
            negate = body[:1] in ("!", "^")
            if negate:
                body = body[1:]
            if not body:
                raise GlobError(f"empty character class in glob {whole!r}")
            chars = _class_chars(body)
            out.append(f"[^/{chars}]" if negate else f"(?!/)[{chars}]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    if len(pieces) == 1:
        return "".join(out)
    first, *middle, last = ["".join(p) for p in pieces]
    return first + "".join(f"(?>[^/]*?{m})" for m in middle) + "[^/]*" + last


def _class_chars(body: str) -> str:
    """The inside of a glob class as regex class text: ranges kept, backslash escapes honoured."""
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(re.escape(body[i + 1]))
            i += 2
            continue
        out.append(c if c == "-" else re.escape(c))
        i += 1
    return "".join(out)


def _translate(pattern: str, whole: str) -> str:
    """One brace-free pattern to a full-match regex.

    The segments between two "**" are a fixed number of segments: each such run is searched for from
    where the one before it matched and committed to at its leftmost match (an atomic group), like a
    "*" inside a segment. A "**" never backtracks into another (consecutive ones are one), so a match
    takes time linear in the path for each "**" rather than exponential in their number."""
    dir_only = pattern.endswith("/")
    body = pattern.rstrip("/")
    anchored = "/" in body
    body = body.lstrip("/")
    if not body:
        raise GlobError(f"glob {whole!r} matches nothing")
    segments = body.split("/")
    if "" in segments:
        raise GlobError(f"empty path segment in glob {whole!r}")
    items = [seg for n, seg in enumerate(segments) if seg != "**" or n == 0 or segments[n - 1] != "**"]
    if not anchored and items[0] != "**":
        items.insert(0, "**")  # a basename at any depth
    if items == ["**"]:
        return ".*"
    # A glob naming a directory ("build/", or a trailing "**") matches what is inside it.
    inside = dir_only
    if items[-1] == "**":
        items.pop()
        inside = True
    runs: list[list[str]] = [[]]  # the segments before the first "**", then those after each one
    for seg in items:
        if seg == "**":
            runs.append([])
        else:
            runs[-1].append(_segment_regex(seg, whole))
    if len(runs) == 1:
        return "/".join(runs[0]) + ("/.+" if inside else "")
    regex = "".join(seg + "/" for seg in runs[0])
    for run in runs[1:-1]:  # zero or more whole directories, then the run, up to the "/" after it
        regex += f"(?>(?:[^/]*/)*?{'/'.join(run)}/)"
    if inside:
        return regex + f"(?>(?:[^/]*/)*?{'/'.join(runs[-1])}/).+"
    # the last run ends the path: tried from the right, once per "/" (the usual case: "**/Dockerfile")
    return regex + "(?:.*/)?" + "/".join(runs[-1])


class Glob:
    """One gitignore-style glob; ``match`` takes a POSIX path relative to the repository root."""

    __slots__ = ("pattern", "negated", "_regex")

    def __init__(self, pattern: str, *, allow_negation: bool = False) -> None:
        if not isinstance(pattern, str) or not pattern.strip():
            raise GlobError("empty glob pattern")
        self.pattern = pattern
        self.negated = False
        text = pattern.strip()
        if text.startswith("!"):
            if not allow_negation:
                raise GlobError(f"negated glob {pattern!r} is only allowed in a list")
            self.negated = True
            text = text[1:]
        if not text:
            raise GlobError(f"glob {pattern!r} matches nothing")
        alternatives = [_translate(p, pattern) for p in expand_braces(text)]
        try:
            self._regex = re.compile("(?:" + "|".join(alternatives) + ")", re.DOTALL)
        except re.error as exc:  # e.g. a reversed range "[z-a]"
            raise GlobError(f"invalid glob {pattern!r}: {exc.msg}") from None

    @property
    def regex(self) -> str:
        return self._regex.pattern

    def match(self, path: str) -> bool:
        return self._regex.fullmatch(_clean(path)) is not None

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"


class GlobSet:
    """Several globs: a path matches when the last glob that matches it is not negated ("!")."""

    __slots__ = ("patterns", "_globs", "_combined")

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._globs = tuple(Glob(p, allow_negation=True) for p in self.patterns)
        # Without negations one combined regex answers in a single pass.
        self._combined = (
            re.compile("|".join(g.regex for g in self._globs), re.DOTALL)
            if self._globs and not any(g.negated for g in self._globs)
            else None
        )

    def match(self, path: str) -> bool:
        path = _clean(path)
        if self._combined is not None:
            return self._combined.fullmatch(path) is not None
        result = False
        for g in self._globs:
            if g._regex.fullmatch(path) is not None:
                result = not g.negated
        return result

    def match_within(self, path: str) -> bool:
        """True when ``path`` or any directory containing it matches (how an exclude list applies)."""
        path = _clean(path)
        parts = path.split("/")
        return any(self.match("/".join(parts[: n + 1])) for n in range(len(parts)))

    def __bool__(self) -> bool:
        return bool(self._globs)

    def __repr__(self) -> str:
        return f"GlobSet({list(self.patterns)!r})"


def _clean(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")
