"""The text lexer: tokens and lines of opaque text, words kept as commands, linear time on any line."""

from __future__ import annotations

import random

import pytest

from pattern_miner.lexer import _LEX, classify_word, count_lines, lex_text, lexemes


@pytest.mark.parametrize(
    ("word", "kept"),
    [("deploy", "deploy"), ("apt-get", "apt-get"), ("--region", "--region"), ("--tag=v1", "--tag"),
     ("-y", "-y"), ("us-central1", "$word"), ("./run.sh", "$word"), ("Makefile", "$word"),
     ("a" * 30, "$word")],
)
def test_classify_word(word: str, kept: str) -> None:
    assert classify_word(word) == kept


def test_lex_text_tokens_and_lines() -> None:
    struct: list[str] = []
    lit: list[str] = []
    lines: list[int] = []
    lex_text('# comment\ndocker push "$IMAGE" --all-tags && echo \'ok\' 42\n\n// also a comment\nx=${Y}', 10,
             struct, lit, lines)
    assert struct == ["docker", "push", "$str", "--all-tags", "&&", "echo", "$str", "$num", "x", "=", "$var"]
    assert lit[2] == '"$IMAGE"' and lit[-1] == "${Y}"
    assert lines == [11] * 8 + [14] * 3


@pytest.mark.parametrize(("text", "n"), [("", 0), ("x", 1), ("x\n", 1), ("x\ny", 2), ("x\n\n", 2), ("\n", 1)])
def test_count_lines(text: str, n: int) -> None:
    assert count_lines(text) == n


def test_lexemes_are_the_regex_matches_in_linear_time() -> None:
    """A `"` that opens no string is not tried again later on its line (a line of `"\\"\\"…` was quadratic:
    80,000 characters of it took 113 s); the tokens are exactly what trying every one finds."""
    rng = random.Random(3)
    for _ in range(3000):
        line = "".join(rng.choice(['"', "\\", "'", "a", " ", "$x", "-f", "/p", "1"]) for _ in range(rng.randrange(40)))
        assert [m.group() for m in lexemes(line)] == [m.group() for m in _LEX.finditer(line)], line
