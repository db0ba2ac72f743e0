"""Salient phrases: the few words that say what a copy does (a pattern's ``features``).

Code: the names it calls (``session.get``, ``json.dumps``, ``fetch_orders``). Scripts and configuration:
runs of kept words on one line, three at most (``gcloud run deploy``, ``RUN pip install``,
``actions/checkout@v4``), mapping keys left out (``steps:``, ``name =`` say where, not what). The rule is
the language's ``LanguageSpec.phrases``.

``find`` runs once per file, at parse time: the phrases need the tokens' text, which a ``FileRecord`` keeps
only as ids. Each phrase is recorded with the token it starts at, so ``features`` can later pick those of
any span (the file, a function, a job) without parsing anything again.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

import numpy as np

from pattern_miner.languages import CALLS, by_name
from pattern_miner.languages.formats import by_name as format_by_name
from pattern_miner.records import FileRecord, token_id

SEPARATOR = "\n"  # between the phrases of ``FileRecord.phrases``: no name or kept word holds one
WORDS_PER_PHRASE = 3  # `gcloud run deploy`: a command and its subcommands; the rest of the line is arguments
_WORD = re.compile(r"[A-Za-z][\w./@:-]*")  # a kept word that reads as one: `deploy`, `actions/checkout@v4`
_ID, _OPEN = token_id("$id"), token_id("(")


def find(language: str, struct: Sequence[str], lit: Sequence[str], lines: Sequence[int],
         struct_ids: array[int]) -> tuple[array[int], str]:
    """The phrases of a whole file, in token order: (the token each starts at, the phrases joined by
    SEPARATOR). ``struct_ids`` are the ids of ``struct`` (they find the calls in numpy)."""
    spec = by_name(language)
    if spec is not None and spec.phrases == CALLS:
        at, phrases = _calls(struct, lit, struct_ids)
    else:
        fmt = format_by_name(language) if spec is None else None
        key_marks = spec.key_marks if spec is not None else fmt.key_marks if fmt is not None else frozenset()
        at, phrases = _words(struct, lit, lines, key_marks)
    return array("I", at), SEPARATOR.join(phrases)


def _calls(struct: Sequence[str], lit: Sequence[str], struct_ids: array[int]) -> tuple[list[int], list[str]]:
    """Each call of a name (`$id (`), dotted with its receiver when that is a name too (`a.b(`)."""
    ids = np.frombuffer(struct_ids, dtype=np.uint32)
    candidates = np.flatnonzero((ids[:-1] == _ID) & (ids[1:] == _OPEN)).tolist()
    at: list[int] = []
    phrases: list[str] = []
    for k in candidates:
        if struct[k] != "$id" or struct[k + 1] != "(":  # two tokens whose ids collide
            continue
        name = lit[k]
        if k >= 2 and struct[k - 1] == "." and struct[k - 2] == "$id":
            name = f"{lit[k - 2]}.{name}"
        at.append(k)
        phrases.append(name)
    return at, phrases


def _words(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int],
           key_marks: frozenset[str]) -> tuple[list[int], list[str]]:
    """Runs of kept words (a token whose text is its structure, and reads as a word) on one line."""
    at: list[int] = []
    phrases: list[str] = []
    run: list[str] = []
    first = 0
    last_line = -1
    n = len(struct)
    for k in range(n):
        s = struct[k]
        line = lines[k]
        kept = (s == lit[k] and len(s) > 1 and _WORD.fullmatch(s) is not None
                and not (k + 1 < n and struct[k + 1] in key_marks))
        if run and (not kept or line != last_line):
            at.append(first)
            phrases.append(" ".join(run[:WORDS_PER_PHRASE]))
            run = []
        if kept:
            if not run:
                first = k
            run.append(s)
        last_line = line
    if run:
        at.append(first)
        phrases.append(" ".join(run[:WORDS_PER_PHRASE]))
    return at, phrases


def features(rec: FileRecord, start: int, end: int, limit: int = 12) -> tuple[str, ...]:
    """The salient phrases of the tokens [start, end) of a file, the most specific first: multi-word
    commands, then by how often they occur, then in order of appearance."""
    lo = bisect_left(rec.phrase_at, start)
    hi = bisect_left(rec.phrase_at, end)
    if lo == hi:
        return ()
    counts = Counter(rec.phrases.split(SEPARATOR)[lo:hi])  # in order of first appearance
    order = {phrase: k for k, phrase in enumerate(counts)}
    ranked = sorted(counts, key=lambda p: (-len(p.split()), -counts[p], order[p]))
    return tuple(ranked[:limit])
