"""What code does, as elements: found once per file at parse time, picked for any unit without parsing again.

A *profile* element names one thing a unit does, the same whoever wrote it and however they named their
variables, as ``kind:text``:

- ``api:requests.request``: a name from an import, qualified by it (``from urllib.request import urlopen``
  makes ``urlopen(`` ``api:urllib.request.urlopen``; ``const x = require("y")`` makes ``x.z`` ``api:y.z``);
  ``call:setTimeout`` a bare call of another name, ``meth:raise_for_status`` a method of an unknown receiver,
  ``mod:structlog.processors.JSONRenderer`` a dotted name of three or more (a module path, or a variable's);
- ``cmd:gcloud secrets versions add`` a shell command with its subcommands (and each shorter prefix),
  ``verb:secrets`` its first subcommand whatever the tool (``docker push``, ``podman push``),
  ``flag:gcloud --data-file`` its flags;
- ``env:DATABASE_URL`` an environment variable or secret name (a string in capitals, ``$NAME`` in a script,
  ``process.env.NAME``), ``hdr:retry-after`` an HTTP header, ``http:429`` a status code, ``host:api.github.com``
  and ``path:contents`` a URL's host and fixed path words, ``mime:application/json``, ``key:next_page_token``
  a short string (a JSON field, a dict key);
- ``res:google_cloud_run_service`` a Terraform resource type, ``uses:actions/checkout`` an action;
- ``word:backoff`` a word of a name (``retry_after`` → ``retry``, ``after``), weak evidence on its own;
- ``kw:loop``, ``kw:try``, ``kw:catch``, ``kw:raise``, ``op:grow`` (``**``, ``*=``, ``<<``, ``* 2``): the
  structure that ``profiles.traits`` reads (a loop with a sleep and a growing delay).

``find`` returns them in token order with the token each starts at, like ``pattern_miner.phrases``, so a
``FileRecord`` carries them as one string and an array (``FileRecord.elements``, ``element_at``).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Sequence
from itertools import chain, count, repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from pattern_miner.semantic.imports import bound
from pattern_miner.semantic.tokens import ENV, name_words, number_elements, string_elements, strip_quotes

SEPARATOR = "\n"
MAX_WORDS = 3  # `gcloud secrets versions add`: a command and up to three subcommands
_SUBCOMMAND = re.compile(r"[a-z][a-z0-9-]*")
_FLAG = re.compile(r"--?[A-Za-z][\w-]*")
LOOPS = frozenset({"for", "while", "until", "forEach"})
TRIES = frozenset({"try"})
CATCHES = frozenset({"except", "catch", "rescue", "trap"})
RAISES = frozenset({"raise", "throw", "exit"})
# tokens after which a shell word is a command's name
_COMMAND_START = frozenset({"|", "||", "&&", ";", "(", "$(", "`", "then", "do", "else", "{", "!", "time", "exec",
                            "sudo", "xargs", "env", "if", "while", "until"})
_NOT_COMMANDS = frozenset({"then", "do", "done", "fi", "else", "elif", "esac", "in", "local", "export", "return",
                           "function", "set", "if", "case", "for", "while", "until", "declare", "readonly"})
_DEFINES = frozenset({"def", "function", "class", "fn", "func", "async"})

Ints = npt.NDArray[np.int64]


class _Out:
    def __init__(self) -> None:
        self.at: list[int] = []
        self.elements: list[str] = []

    def add(self, k: int, *elements: str) -> None:
        for element in elements:
            self.at.append(k)
            self.elements.append(element)


def find(language: str, struct: Sequence[str], lit: Sequence[str], lines: Sequence[int]) -> tuple[array[int], str]:
    """The elements of a whole file in token order: (the token each starts at, the elements joined by
    SEPARATOR)."""
    if language in ("bash", "dockerfile", "yaml", "text") or language == "hcl":
        out = _Out()
        if language == "hcl":
            _terraform(struct, lit, out)
        else:
            _script(struct, lit, lines, out)
        # in token order (`unit_refs` looks a unit's elements up by bisection): a command's longer prefixes
        # are found after its flags and arguments
        order = sorted(range(len(out.at)), key=out.at.__getitem__)
        at, table, entries = array("I", [out.at[i] for i in order]), [tuple(out.elements[i] for i in order)], [0]
    else:
        at, table, entries = _code(struct, lit, lines)
    texts = list(map(SEPARATOR.join, table))
    joined = SEPARATOR.join(map(texts.__getitem__, entries))
    if joined.count(SEPARATOR) != max(0, len(at) - 1):  # an element holds the separator: rare
        joined = SEPARATOR.join(e.replace(SEPARATOR, " ") for e in chain.from_iterable(map(table.__getitem__, entries)))
    return at, joined


# ----------------------------------------------------------------------------- code
# what a code token can start, as small codes (0: any other token, most of them: punctuation, keywords)
_KEYWORDS = {**dict.fromkeys(LOOPS, "kw:loop"), **dict.fromkeys(TRIES, "kw:try"),
             **dict.fromkeys(CATCHES, "kw:catch"), **dict.fromkeys(RAISES, "kw:raise"),
             **dict.fromkeys(("**", "*=", "<<", "**="), "op:grow")}
_KEYWORD_ELEMENTS = tuple(dict.fromkeys(_KEYWORDS.values()))  # code 1 + i: the i-th of these
_CODES = {token: 1 + _KEYWORD_ELEMENTS.index(element) for token, element in _KEYWORDS.items()}
_ID, _DOT, _OPEN, _STR, _NUM, _TIMES, _DEFINE, _IMPORT = range(len(_KEYWORD_ELEMENTS) + 1,
                                                               len(_KEYWORD_ELEMENTS) + 9)
_CODES.update({"$id": _ID, ".": _DOT, "?.": _DOT, "(": _OPEN, "$str": _STR, "$num": _NUM, "*": _TIMES,
               "import": _IMPORT, **dict.fromkeys(_DEFINES, _DEFINE)})
_GROW = _KEYWORD_ELEMENTS.index("op:grow")


def _code(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int]
          ) -> tuple[array[int], list[tuple[str, ...]], list[int]]:
    """A code file's elements, in token order: the token each starts at, a table of element tuples, and the
    entry of each token that starts some. The tokens are classified at once (numpy over their codes); what
    a token says is worked out once per distinct text in the file, so the work per token is done in C."""
    n = len(struct)
    codes = np.frombuffer(bytes(map(_CODES.get, struct, repeat(0))), dtype=np.uint8)
    table: list[tuple[str, ...]] = [(element,) for element in _KEYWORD_ELEMENTS]
    places: list[Ints] = []  # the tokens that start elements ...
    entries: list[Ints] = []  # ... and the entry of the table that holds them
    keywords = np.flatnonzero((codes > 0) & (codes <= len(_KEYWORD_ELEMENTS)))
    places.append(keywords)
    entries.append(codes[keywords].astype(np.int64) - 1)
    for code, read in ((_STR, string_elements), (_NUM, number_elements)):
        found = np.flatnonzero(codes == code)
        places.append(found)
        entries.append(_by_text(lit, found, read, table))
    # `2 ** attempt`, `delay *= 2`, `1 << n`, `delay * 2`
    times = [k for k in np.flatnonzero(codes == _TIMES).tolist()
             if "2" in (lit[k - 1] if k else "", lit[k + 1] if k + 1 < n else "")]
    places.append(np.array(times, dtype=np.int64))
    entries.append(np.full(len(times), _GROW, dtype=np.int64))
    _names(struct, codes, lit, lines, table, places, entries)
    place, entry = np.concatenate(places), np.concatenate(entries)
    sizes = np.fromiter(map(len, table), dtype=np.int64, count=len(table))
    kept = sizes[entry] > 0
    place, entry = place[kept], entry[kept]
    order = np.argsort(place, kind="stable")  # a token starts the elements of one entry at most
    place, entry = place[order], entry[order]
    at = array("I")
    at.frombytes(np.repeat(place, sizes[entry]).astype(np.uint32).tobytes())
    return at, table, entry.tolist()


def _by_text(lit: Sequence[str], at: Ints, read: Callable[[str], tuple[str, ...]],
             table: list[tuple[str, ...]]) -> Ints:
    """The table entry of each token ``at``: ``read(its text)``, called once per distinct text."""
    if not len(at):
        return at
    texts = list(map(lit.__getitem__, at.tolist()))
    where, number = _distinct(texts)
    base = len(table)
    table.extend(map(read, map(texts.__getitem__, where.tolist())))
    return base + number


def _distinct(*columns: list[Any]) -> tuple[Ints, Ints]:
    """Rows told apart (a dict lookup each, in C): where each distinct row is first seen, and the number
    of each row's distinct row (numbered in the order they are first seen)."""
    first: dict[Any, int] = {}
    keys = columns[0] if len(columns) == 1 else zip(*columns, strict=True)
    seen = np.array(list(map(first.setdefault, keys, count())), dtype=np.int64)  # where each is first seen
    where = np.array(list(first.values()), dtype=np.int64)  # ascending
    return where, np.searchsorted(where, seen)


def _names(struct: Sequence[str], codes: npt.NDArray[np.uint8], lit: Sequence[str], lines: Sequence[int],
           table: list[tuple[str, ...]], places: list[Ints], entries: list[Ints]) -> None:
    """Names and dotted chains (`a.b.c`, read at their last name): an API, a call, a method, an env
    variable, a module path (at the chain's first token); the last name's words (at it). Worked out on
    the names alone (not every token), each distinct name and each distinct chain once."""
    at = np.flatnonzero(codes == _ID)  # the tokens that are names
    if not len(at):
        return
    texts = list(map(lit.__getitem__, at.tolist()))
    where, text = _distinct(texts)  # each name's text, numbered
    distinct = list(map(texts.__getitem__, where.tolist()))
    padded = np.concatenate(([0], codes, [0]))
    before, after = padded[at], padded[at + 2]  # the codes of the tokens around each name
    # a name continues a chain when a dot and another name are just before it
    link = before == _DOT
    link[1:] &= at[:-1] == at[1:] - 2
    first = np.maximum.accumulate(np.where(link, 0, np.arange(len(at))))  # the name each chain starts at
    # a chain is read at its last name, unless its receiver is a call (`x().y`)
    ends = np.flatnonzero((after != _DOT) & (padded[at[first]] != _DOT))
    starts = first[ends]
    called = after[ends] == _OPEN
    require = at[text == distinct.index("require")] if "require" in distinct else at[:0]
    names = bound(struct, lit, lines, np.flatnonzero(codes == _IMPORT).tolist(), require.tolist())
    imported = np.fromiter(map(names.__contains__, distinct), dtype=bool, count=len(distinct))[text[starts]]
    alone = starts == ends
    # the last name's words, every distinct name's once: at a chain, and at a name alone that is not called
    # or imported
    words = len(table)
    table.extend(map(name_words, distinct))
    plain = ~alone | ~(called | imported)
    places.append(at[ends[plain]])
    entries.append(words + text[ends[plain]])
    # a name alone and called: a call and its words (only its words where it is defined), or an API
    chosen = ends[alone & called]
    defined = (before[chosen] == _DEFINE).astype(np.int64)
    where, number = _distinct((2 * text[chosen] + defined).tolist())
    callees = list(map(distinct.__getitem__, text[chosen[where]].tolist()))
    places.append(at[chosen])
    entries.append(len(table) + number)
    table.extend(map(_name, callees, (2 + defined[where]).tolist(), map(names.get, callees)))
    # what a chain is, at its first name: an API, env variable, module path or method (not a plain `a.b`)
    size = ends - starts + 1
    chains = np.flatnonzero(~alone & (called | imported | (size > 2)))
    sizes = size[chains]
    for n_names in sorted(set(sizes.tolist())):
        chosen = chains[sizes == n_names]
        rows = [text[starts[chosen] + j] for j in range(n_names)]
        calls = called[chosen]
        if len(distinct) ** n_names < 2**61:  # the names' numbers and the flag as one int
            where, number = _distinct(_row_key(rows, calls, len(distinct)).tolist())
        else:
            where, number = _distinct(*[row.tolist() for row in rows], calls.tolist())
        parts = list(zip(*[map(distinct.__getitem__, row[where].tolist()) for row in rows], strict=True))
        places.append(at[starts[chosen]])
        entries.append(len(table) + number)
        table.extend(map(_first, parts, calls[where].tolist(), map(names.get, (p[0] for p in parts))))


def _row_key(rows: list[Ints], flags: npt.NDArray[np.bool_], base: int) -> Ints:
    """Rows of numbers below ``base`` and a flag, as one int each (the caller checks it fits in 63 bits)."""
    key = np.zeros(len(flags), dtype=np.int64)
    for row in rows:
        key = key * base + row
    return 2 * key + flags


def _name(text: str, variant: int, imported: str | None) -> tuple[str, ...]:
    """A name alone, called (``variant`` 2, or 3 where it is defined; ``imported``: what an import bound it
    to): the API it names, or the call and its words."""
    if imported is not None:
        return (f"api:{imported}",)
    return (f"call:{text}", *name_words(text)) if variant == 2 else name_words(text)


def _first(parts: tuple[str, ...], called: bool, imported: str | None) -> tuple[str, ...]:
    """What a dotted chain of names is (``imported``: what an import bound its first name to): an API, an
    env variable, a module path, a method called."""
    head = parts[0]
    if imported is not None:
        return (f"api:{'.'.join([imported, *parts[1:]])}",)
    if head == "process" and len(parts) == 3 and parts[1] == "env":
        return (f"env:{parts[2]}",)
    if len(parts) >= 3 and head not in ("self", "this", "cls"):
        return (f"mod:{'.'.join(parts)}",)  # `structlog.processors.JSONRenderer`: a module path, maybe
    return (f"meth:{parts[-1]}",) if called else ()


# ----------------------------------------------------------------------------- scripts and configuration


def _script(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int], out: _Out) -> None:
    n = len(struct)
    k = 0
    while k < n:
        s = struct[k]
        word = lit[k]
        starts = k == 0 or lines[k - 1] != lines[k] or struct[k - 1] in _COMMAND_START
        key = k + 1 < n and struct[k + 1] in (":", "=")  # a mapping key says where, not what
        if s == word and starts and not key and len(word) > 1 and _SUBCOMMAND.fullmatch(word) \
                and s not in _NOT_COMMANDS:
            k = _command(struct, lit, lines, k, out)
            continue
        if s == "$var" or (s == "$id" and k and struct[k - 1] == "$"):
            if ENV.fullmatch(word):
                out.add(k, f"env:{word}")
        elif s in ("$str", "$val", "$word"):
            out.add(k, *string_elements(word))
        elif s in ("while", "until", "for"):
            out.add(k, "kw:loop")
        elif s == "trap":
            out.add(k, "kw:catch")
        elif s in ("exit",):
            out.add(k, "kw:raise")
        elif s == "$num":
            out.add(k, *number_elements(word))
        elif "/" in s and "@" in s:  # a kept `uses:` value: actions/checkout@v4
            out.add(k, f"uses:{s.split('@')[0].lower()}")
        k += 1


def _command(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int], k: int, out: _Out) -> int:
    """A command at token k: its name, subcommands (each prefix one element) and flags; the token after."""
    n = len(struct)
    line = lines[k]
    name = lit[k]
    if name in LOOPS or name in ("while", "until"):
        out.add(k, "kw:loop")
        return k + 1
    words = [name]
    out.add(k, f"cmd:{name}")
    i = k + 1
    while i < n and lines[i] == line and struct[i] not in _COMMAND_START:
        s, text = struct[i], lit[i]
        if s.startswith("-") and _FLAG.fullmatch(text.split("=")[0]):  # `--flag=value` keeps `--flag=`
            out.add(i, f"flag:{name} {text.split('=')[0]}")
        elif s == text and len(words) <= MAX_WORDS and _SUBCOMMAND.fullmatch(text) and len(words) == i - k:
            words.append(text)
            out.add(k, f"cmd:{' '.join(words)}")
            if len(words) == 2:
                out.add(i, f"verb:{text}")  # `docker push` and `podman push`: the same step with another tool
        elif s in ("$str", "$val", "$word"):
            out.add(i, *string_elements(text))
        elif s == "$var" and ENV.fullmatch(text):
            out.add(i, f"env:{text}")
        i += 1
    return i


def _terraform(struct: Sequence[str], lit: Sequence[str], out: _Out) -> None:
    n = len(struct)
    for k in range(n):
        s = struct[k]
        if s in ("resource", "data") and k + 1 < n and struct[k + 1] not in ("=", "$str_lit"):
            out.add(k, f"res:{strip_quotes(lit[k + 1])}")
        elif s == "$str_lit" or s.startswith("$"):
            out.add(k, *string_elements(lit[k]))
        elif s in ("for_each", "count", "dynamic"):
            out.add(k, "kw:loop")
