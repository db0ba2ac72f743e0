"""Text without a grammar, token by token: Pygments' lexer for a format it knows, the generic lexer for the rest.

Both make what the walker makes, each token with its line: ``struct`` with names and values abstracted
(``$var``, ``$str``, ``$num``; a shell-like word kept when it reads as a command, ``lexer.classify_word``),
keywords, keys and punctuation kept; ``lit`` with the real text. Comments are dropped. The format of a file
comes from ``languages.formats``; Pygments is imported on the first file that needs it.
"""

from __future__ import annotations

import bisect
import re
import time
from functools import cache
from typing import Any

from pattern_miner.languages.formats import TextFormat
from pattern_miner.lexer import lex_text

# What a Pygments token type becomes, by the most specific listed prefix of its type (`Name.Variable.Global`
# takes "Name.Variable"). KEEP: the text; LEX: split by the text lexer (plain text, template content);
# DROP: nothing; any other value is the placeholder.
KEEP, LEX, DROP = "keep", "lex", "drop"
TOKEN_MODES: dict[str, str] = {
    "Comment": DROP,
    "Comment.Preproc": KEEP,  # Jinja's `{{` and `{%`, a C-like `#include`
    "Comment.PreprocFile": "$str",
    "Keyword": KEEP,  # `if`, `goto`, `set`, an INI `[section]`
    "Name": LEX,  # a Groovy/Gradle call (`implementation`, `plugins`): kept when it reads as a command
    "Name.Attribute": KEEP,  # an INI or properties key: what is set
    "Name.Tag": KEEP,
    "Name.Builtin": KEEP,
    "Name.Function": KEEP,  # a template filter: `| lower`
    "Name.Decorator": KEEP,
    "Name.Variable": "$var",
    "Name.Label": "$id",
    "Name.Class": "$id",
    "Name.Namespace": "$id",
    "Name.Constant": "$id",
    "Name.Other": "$id",
    "Name.Entity": "$str",
    "Literal": "$str",
    "Literal.String": "$str",
    "Literal.Number": "$num",
    "Operator": KEEP,
    "Operator.Word": KEEP,
    "Punctuation": KEEP,
    "Text": LEX,
    "Other": LEX,  # a template's own text
    "Error": LEX,
    "Generic": LEX,
}


_NEWLINE = re.compile("\n")


@cache
def _mode(ttype: Any) -> str:
    name = str(ttype).removeprefix("Token.")
    while name:
        mode = TOKEN_MODES.get(name)
        if mode is not None:
            return mode
        name = name.rpartition(".")[0]
    return LEX


@cache
def _pygments_lexer(alias: str) -> Any:
    from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]  # only when a file needs it

    return get_lexer_by_name(alias, stripnl=False, ensurenl=False)


# A lexer's time budget, as a parse's (``grammar.PARSE_SECONDS``): some of Pygments' lexers take time that
# grows with the square of pathological input (Groovy's strings on 50,000 escaped quotes: minutes).
LEX_SECONDS = 3.0
LEX_SECONDS_PER_MB = 5.0


def lex_pygments(text: str, alias: str, struct: list[str], lit: list[str], lines: list[int]) -> bool:
    """Tokens of ``text`` read by a Pygments lexer; adjacent pieces of one string are one ``$str``. False
    (and nothing added) when the lexer runs past its time budget."""
    deadline = time.monotonic() + LEX_SECONDS + LEX_SECONDS_PER_MB * len(text) / 1e6
    first = len(struct)
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    last_str = -1  # the index just past the previous string token: a string continues there
    for count, (index, ttype, value) in enumerate(_pygments_lexer(alias).get_tokens_unprocessed(text)):
        if count & 255 == 0 and time.monotonic() > deadline:
            del struct[first:], lit[first:], lines[first:]
            return False
        mode = _mode(ttype)
        if mode == DROP or not value.strip():
            continue
        if mode == LEX:  # from the line the value starts on: the text lexer counts its newlines
            lex_text(value, bisect.bisect_left(newlines, index) + 1, struct, lit, lines, comments=())
            continue
        line = bisect.bisect_left(newlines, index + len(value) - len(value.lstrip())) + 1
        if mode == KEEP:
            kept = " ".join(value.split())
            struct.append(kept)
            lit.append(kept)
            lines.append(line)
        elif mode == "$str" and last_str == index and struct and struct[-1] == "$str":
            lit[-1] += value
        else:
            struct.append(mode)
            lit.append(value.strip())
            lines.append(line)
        if mode == "$str":
            last_str = index + len(value)
    return True


def _strip_blocks(text: str, blocks: tuple[tuple[str, str], ...]) -> str:
    """Block comments blanked out (their newlines kept, so lines stay where they were); linear time."""
    for start, end in blocks:
        out, at = [], 0
        while (i := text.find(start, at)) >= 0:
            j = text.find(end, i + len(start))
            stop = len(text) if j < 0 else j + len(end)
            out.append(text[at:i])
            out.append("\n" * text.count("\n", i, stop))
            at = stop
        out.append(text[at:])
        text = "".join(out)
    return text


def _strip_trailing(line: str, comments: tuple[str, ...]) -> str:
    """A line without its trailing comment: from a marker after a blank, outside double quotes."""
    for marker in comments:
        at = line.find(" " + marker)
        while at >= 0:
            if line.count('"', 0, at) % 2 == 0 and line.count("'", 0, at) % 2 == 0:
                line = line[:at]
                break
            at = line.find(" " + marker, at + 1)
    return line


def lex_generic(text: str, fmt: TextFormat | None, struct: list[str], lit: list[str], lines: list[int]) -> None:
    """The generic lexer: the text lexer's words, numbers, strings and marks, with the format's comments
    dropped and, for `KEY=value` formats, the keys kept."""
    if fmt is None:
        lex_text(text, 1, struct, lit, lines)
        return
    if fmt.block_comments:
        text = _strip_blocks(text, fmt.block_comments)
    if fmt.comments:
        text = "\n".join(_strip_trailing(line, fmt.comments) for line in text.split("\n"))
    first = len(struct)
    lex_text(text, 1, struct, lit, lines, comments=fmt.comments)
    if fmt.keys:
        _keep_keys(first, struct, lit, lines)


def _keep_keys(first: int, struct: list[str], lit: list[str], lines: list[int]) -> None:
    """The first word of a line followed by `=` or `:` (after `export`) keeps its text: `DATABASE_URL=`;
    the words of its value are values (`$val`), whatever they look like."""
    i, n = first, len(struct)
    while i < n:
        line = lines[i]
        j = i + 1 if lit[i] == "export" and i + 1 < n and lines[i + 1] == line else i
        value = j + 1 < n and lines[j + 1] == line and lit[j + 1] in ("=", ":")
        if value:
            struct[j] = lit[j]
        i = j + 2 if value else i + 1
        while i < n and lines[i] == line:
            if value and struct[i] == lit[i] and lit[i][:1].isalnum():
                struct[i] = "$val"
            i += 1


def lex_format(text: str, fmt: TextFormat | None, struct: list[str], lit: list[str], lines: list[int]) -> bool:
    """Tokens of a file with no grammar, by its format (``None``: plain text of no known format). False when
    the format's lexer gave up (its time budget) and the text lexer read the file instead."""
    if fmt is not None and fmt.lexer:
        if lex_pygments(text, fmt.lexer, struct, lit, lines):
            return True
        lex_text(text, 1, struct, lit, lines)
        return False
    lex_generic(text, fmt, struct, lit, lines)
    return fmt is not None
