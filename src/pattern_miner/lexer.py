"""Text without a syntax tree: the line lexer, the token count taken before parsing, and decoding.

The lexer splits opaque text into tokens the way the walker's ``LEX`` and ``WORD`` modes need it: a
RUN instruction's shell text, a YAML ``run: |`` script, and whole files that have no grammar or whose
parse is too broken (``parse.tokenize`` falls back to it). ``lexical_items`` bounds the tokens a file
can make before it is parsed at all (``shard.MAX_FILE_TOKENS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 with replacement, BOM dropped, newlines normalized."""
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def count_lines(text: str) -> int:
    """Lines as an editor numbers them: a final newline does not start another line."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


_LEX_TEMPLATE = r"""(?P<var>\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$[0-9@#?*!$-])
      |(?P<str>DOUBLE'[^'\n]*')
      |(?P<flag>--?[A-Za-z][\w-]*)
      |(?P<path>(?:\.{1,2}|~)?/[\w./@:-]*)
      |(?P<word>[A-Za-z_][\w./:@-]*)
      |(?P<num>\d[\w.:-]*)
      |(?P<op>&&|\|\||>>|<<|[^\s\w])"""
_LEX = re.compile(_LEX_TEMPLATE.replace("DOUBLE", r'"(?:[^"\\\n]|\\.)*"|'), re.VERBOSE)
# The same without double-quoted strings: once a `"` opens no string on a line, no later one does (the scan
# that failed went through them all, each escaped), so trying each again would make a line of `"\"\"\"…`
# quadratic.
_LEX_NO_DOUBLE = re.compile(_LEX_TEMPLATE.replace("DOUBLE", ""), re.VERBOSE)
_COMMAND_WORD = re.compile(r"[a-z][a-z-]{0,24}")  # run, deploy, apt-get, install: kept; us-central1, ./x: not


def classify_word(text: str) -> str:
    """A shell word keeps its text when it reads as a command, subcommand or flag."""
    if text.startswith("-"):
        return text.split("=", 1)[0]
    if _COMMAND_WORD.fullmatch(text):
        return text
    return "$word"


def lexemes(line: str) -> Iterator[re.Match[str]]:
    """The text lexer's matches in one line, in time linear in its length: what ``_LEX.finditer`` finds."""
    for m in _LEX.finditer(line):
        yield m
        if m.lastgroup == "op" and m.group() == '"':  # a double quote that opens no string
            yield from _LEX_NO_DOUBLE.finditer(line, m.end())
            return


def lex_text(text: str, first_line: int, struct: list[str], lit: list[str], lines: list[int],
             comments: tuple[str, ...] = ("#", "//")) -> None:
    """Split opaque text (a shell line, an unparsable file) into tokens; a line that starts with one of
    ``comments`` is skipped."""
    for offset, line in enumerate(text.split("\n")):
        stripped = line.lstrip()
        if not stripped or (comments and stripped.startswith(comments)):
            continue
        n = first_line + offset
        for m in lexemes(line):
            kind = m.lastgroup
            value = m.group()
            if kind == "var":
                s = "$var"
            elif kind == "str":
                s = "$str"
            elif kind == "flag":
                s = value.split("=", 1)[0]
            elif kind == "path":
                s = "$path"
            elif kind == "word":
                s = classify_word(value)
            elif kind == "num":
                s = "$num"
            else:
                s = value
            struct.append(s)
            lit.append(value)
            lines.append(n)


# Per byte: 0 whitespace, 1 an ASCII letter, digit or "_" (a run of them is one word), 2 a mark of its own:
# any other ASCII character, and every byte of a non-ASCII one (so that symbols and undecodable bytes,
# each a token of its own to the text lexer, count too).
_ITEM_KIND = np.array([0 if chr(b).isspace() else 1 if chr(b).isalnum() or b == 0x5F else 2 for b in range(128)]
                      + [2] * 128, dtype=np.uint8)
_ITEM_CHUNK = 1 << 20


def lexical_items(data: bytes, stop: int | None = None) -> int:
    """Words plus marks in ``data``: at least the tokens ``tokenize`` makes of it, counted before any
    parse in linear time and bounded memory (by chunks; it stops counting once past ``stop``)."""
    count, after_word = 0, False
    view = memoryview(data)
    for at in range(0, len(data), _ITEM_CHUNK):
        kinds = _ITEM_KIND[np.frombuffer(view[at:at + _ITEM_CHUNK], dtype=np.uint8)]
        word = kinds == 1
        count += int(np.count_nonzero(kinds == 2)) + int(np.count_nonzero(word[1:] & ~word[:-1]))
        count += int(word[0] and not after_word)
        after_word = bool(word[-1])
        if stop is not None and count > stop:
            break
    return count
