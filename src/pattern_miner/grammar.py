"""Running a grammar safely on untrusted text: one parser per language, a time budget per parse, and the
nesting check for grammars whose scanners overflow (``LanguageSpec.max_indent``)."""

from __future__ import annotations

import re
import time
import warnings

import tree_sitter

from pattern_miner.languages import LanguageSpec

_PARSERS: dict[str, tree_sitter.Parser] = {}


def parser_for(spec: LanguageSpec) -> tree_sitter.Parser:
    parser = _PARSERS.get(spec.name)
    if parser is None:
        with warnings.catch_warnings():
            # a grammar that still hands over its language as an int pointer (tree-sitter-dockerfile 0.2)
            warnings.filterwarnings("ignore", "int argument support is deprecated", DeprecationWarning)
            language = tree_sitter.Language(spec.loader())
        parser = _PARSERS[spec.name] = tree_sitter.Parser(language)
    return parser


# A parse's time budget: some grammars take time that grows with the cube of pathological input (20,000
# nested `/*` in Kotlin or Swift, thousands of indentation levels in Kotlin or CSS: minutes); past the budget
# the file is lexed line by line. A normal file takes ~0.1 s a megabyte: the budget is tens of times that.
PARSE_SECONDS = 3.0
PARSE_SECONDS_PER_MB = 5.0
_CHUNK = 1 << 16


def parse_within_budget(parser: tree_sitter.Parser, src: bytes) -> tree_sitter.Tree | None:
    """``parser.parse(src)``, cancelled (None) once it runs past its time budget."""
    deadline = time.monotonic() + PARSE_SECONDS + PARSE_SECONDS_PER_MB * len(src) / 1e6

    def read(offset: int, _point: tuple[int, int]) -> bytes:
        return src[offset:offset + _CHUNK]

    def cancel(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline

    try:
        tree = parser.parse(read, progress_callback=cancel)
    except ValueError:  # "Parsing failed": cancelled
        tree = None
    if tree is None:
        parser.reset()  # a cancelled parse would otherwise resume on the next call
    return tree


_DEEP: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def too_deep(text: str, limit: int) -> bool:
    """True when some line is indented (compact YAML indicators included) more than ``limit`` characters."""
    found = _DEEP.get(limit)
    if found is None:
        # more than `limit` indentation characters after a newline (found fast: a literal); the first
        # pattern, a run of characters that could be indentation, is five times as fast and true whenever
        # the exact one is: only a text it finds is searched again
        n = str(limit + 1)
        found = _DEEP[limit] = (re.compile(r"\n[ \t?:-]{" + n + "}"),
                                re.compile(r"\n(?:[ \t]|[-?:](?=[ \t])){" + n + "}"))
    head = "\n" + text[:limit + 2]
    return all(p.search(text) is not None or p.match(head) is not None for p in found)  # in order: fast first
