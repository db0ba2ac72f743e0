"""Semantic elements found at once (numpy over a file's tokens, each distinct name, chain and string read
once) are exactly those of the plain token-by-token reading (``tests/semantic_reference.py``): on real
files, on random token streams that mix every case the reader tells apart, and helper by helper."""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from pattern_miner.parse import tokenize
from pattern_miner.semantic import elements
from pattern_miner.semantic.imports import bound, imports, indexes
from pattern_miner.semantic.profiles import traits
from pattern_miner.semantic.tokens import name_words, string_elements, strip_quotes
from tests import semantic_reference as reference

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def same(language: str, struct: list[str], lit: list[str], lines: list[int]) -> None:
    at, joined = elements.find(language, struct, lit, lines)
    want_at, want = reference.find_code(struct, lit, lines)
    assert (list(at), joined) == (want_at, want)


@pytest.mark.parametrize("package", ["json", "urllib", "http", "logging", "email"])
def test_real_files_give_the_elements_of_the_plain_reading(package: str) -> None:
    files = sorted((STDLIB / package).glob("*.py"))
    assert files
    for path in files:
        data = path.read_bytes()
        tok = tokenize(path.name, data)
        same(tok.language, tok.struct, tok.lit, tok.lines)


def test_javascript_gives_the_elements_of_the_plain_reading() -> None:
    text = ("const axios = require('axios');\nconst { get, post } = require(\"http-client\");\n"
            "import x, { a as b } from 'mod';\nfunction f(u) {\n  for (const p of u) { axios.get(p?.url); }\n"
            "  try { b(process.env.HTTP_TIMEOUT * 2); } catch (e) { throw e; }\n"
            "  return x().y.z(post('https://api.github.com/repos/a/contents', 'application/json', 429));\n}\n")
    tok = tokenize("a.js", text.encode())
    same(tok.language, tok.struct, tok.lit, tok.lines)


# every struct token the reader tells apart, and texts that make each kind of element
STRUCT = ["$id"] * 12 + [".", "?.", "(", ")", "$str", "$num", "*", "**", "*=", "<<", "=", ",", "import", "from",
                         "as", "for", "while", "try", "except", "catch", "raise", "throw", "def", "class",
                         "function", "async", "return", ";", "{", "}", "$var"]
NAMES = ["requests", "get", "os", "path", "join", "time", "sleep", "process", "env", "HTTP_TIMEOUT", "self",
         "retry_after", "retryAfter", "x", "require", "a", "b", "URLError", "json", "loads", "this", "cls", "_"]
STRINGS = ["'https://api.github.com/repos/x/contents'", '"application/json"', "'Retry-After'", "'GITHUB_TOKEN'",
           "'next_page_token'", "f'{x}'", "rb'x'", "'''a docstring with words'''", '"GET"', "'a/b c'", "''",
           "'m'", "`t`", "'x y/z'"]
NUMBERS = ["2", "429", "500", "200", "1", "600", "3.5"]


def random_stream(rng: random.Random, n: int) -> tuple[list[str], list[str], list[int]]:
    struct: list[str] = []
    lit: list[str] = []
    lines: list[int] = []
    line = 1
    for _ in range(n):
        s = rng.choice(STRUCT)
        text = {"$id": rng.choice(NAMES), "$str": rng.choice(STRINGS), "$num": rng.choice(NUMBERS),
                "$var": "VAR"}.get(s, s)
        struct.append(s)
        lit.append(text)
        line += rng.random() < 0.15
        lines.append(line)
    return struct, lit, lines


@pytest.mark.parametrize("seed", range(40))
def test_random_token_streams_give_the_elements_of_the_plain_reading(seed: int) -> None:
    rng = random.Random(seed)
    struct, lit, lines = random_stream(rng, rng.choice([0, 1, 2, 3, 5, 40, 400]))
    same(rng.choice(["python", "javascript", "go"]), struct, lit, lines)


def test_an_element_holding_the_separator_is_joined_with_a_space() -> None:
    struct = ["$id", "=", "$id", "(", "$str", ")", "$id", ".", "$id", "(", ")"]
    lit = ["m", "=", "require", "(", "`a\nb`", ")", "m", ".", "get", "(", ")"]
    same("javascript", struct, lit, [1] * len(struct))
    assert "api:a b.get" in elements.find("javascript", struct, lit, [1] * len(struct))[1].split("\n")


def test_literal_and_name_helpers_read_as_the_plain_ones() -> None:
    rng = random.Random(7)
    texts = STRINGS + NAMES + ["", "'", '"', "f", "f'", "f''", "Rb'x'", "BR\"x\"", "u'x'", "'''", '""""""',
                               " 'x' ", "x'y'", "fr'a'", "ff'a'", "b'''x'''", "'\"", "İ'a'", "snake_case_name",
                               "__dunder__", "a__b", "HTTPServer", "getURL", "x1y", "ab_12_cd"]
    texts += ["".join(rng.choice("abAB_-/:. '\"`fr2") for _ in range(rng.randrange(12))) for _ in range(3000)]
    for text in texts:
        assert strip_quotes(text) == reference._strip_quotes(text), text
        assert string_elements(text) == reference.string_elements(text), text
        assert name_words(text) == reference.name_words(text), text


def test_indexes_and_bound_imports() -> None:
    assert indexes(["a", "b", "a", "c", "a"], "a") == [0, 2, 4]
    assert indexes(["a"], "z") == []
    tok = tokenize("a.py", b"import os.path\nfrom urllib.request import urlopen as op, Request\nx = 1\n")
    names = imports(tok.struct, tok.lit, tok.lines)
    assert names == {"os": "os", "op": "urllib.request.urlopen", "Request": "urllib.request.Request"}
    assert names == reference.imports(tok.struct, tok.lit, tok.lines)
    assert bound(tok.struct, tok.lit, tok.lines, indexes(tok.struct, "import"), []) == names


def test_distinct_rows_are_numbered_in_the_order_first_seen() -> None:
    where, number = elements._distinct(["b", "a", "b", "c", "a"])
    assert where.tolist() == [0, 1, 3] and number.tolist() == [0, 1, 0, 2, 1]
    where, number = elements._distinct([1, 1, 2, 1], [True, False, True, True])
    assert where.tolist() == [0, 1, 2] and number.tolist() == [0, 1, 2, 0]
    rows = [np.array([3, 0, 3]), np.array([1, 2, 1])]
    keys = elements._row_key(rows, np.array([True, False, False]), 4)
    assert keys.tolist() == [2 * (3 * 4 + 1) + 1, 2 * (0 * 4 + 2), 2 * (3 * 4 + 1)]


@pytest.mark.parametrize("sequence", [
    ["kw:loop", "api:time.sleep", "op:grow", "http:503"], ["api:time.sleep", "kw:loop"], ["call:f", "cmd:sleep 5"],
    ["kw:try", "kw:catch", "kw:raise"], ["kw:loop", "key:next_page_token"], ["kw:loop", "kw:loop", "meth:delay"],
    [], ["word:page"], ["call:f", "word:cursor", "http:429", "api:asyncio.sleep"],
])
def test_traits_read_from_the_set_of_elements_are_the_same(sequence: list[str]) -> None:
    for own in ("", "f"):
        assert traits(sequence, own) == traits(sequence, own, set(sequence)) == reference_traits(sequence, own)


def reference_traits(sequence: list[str], own_name: str) -> set[str]:
    """The traits as first written: a scan of the sequence for each."""
    out: set[str] = set()
    loop_at = next((i for i, e in enumerate(sequence) if e == "kw:loop"), None)
    calls_self = bool(own_name) and f"call:{own_name}" in sequence
    sleeps = [i for i, e in enumerate(sequence) if e.split(":", 1)[0] in ("api", "meth", "call", "cmd")
              and e.partition(":")[2].rsplit(".", 1)[-1].split(" ", 1)[0] in ("sleep", "setTimeout", "delay", "backoff")]
    repeats = loop_at is not None or calls_self
    if calls_self:
        out.add("trait:recursion")
    if sleeps and repeats and (calls_self or any(i > loop_at for i in sleeps if loop_at is not None)):
        out.add("trait:sleep-in-loop")
        if "op:grow" in sequence:
            out.add("trait:growing-delay")
        if any(e.startswith("http:") and e >= "http:429" for e in sequence):
            out.add("trait:retry-on-status")
    if "kw:try" in sequence and "kw:catch" in sequence:
        out.add("trait:try-catch")
        if "kw:raise" in sequence:
            out.add("trait:catch-and-raise")
    if repeats and any(e.split(":", 1)[0] in ("key", "word", "hdr") and any(
            w in e for w in ("page", "cursor", "next", "offset", "continuation", "link")) for e in sequence):
        out.add("trait:pagination")
    return out
