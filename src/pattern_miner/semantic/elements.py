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
from collections.abc import Sequence
from functools import lru_cache

SEPARATOR = "\n"
MAX_WORDS = 3  # `gcloud secrets versions add`: a command and up to three subcommands
_ENV = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}")  # DATABASE_URL, PORT
_HEADER = re.compile(r"(?:[A-Z][a-z0-9]*-)+[A-Z][A-Za-z0-9]*|Authorization|Accept|Cookie|Location|Host")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{1,39}")
_URL = re.compile(r"(?:https?|wss?)://([A-Za-z0-9.-]+\.[A-Za-z]{2,})(?::\d+)?(/[^\s?#\"'`]*)?")
_MIME = re.compile(r"(?:application|text|image|multipart)/[a-z0-9.+-]+")
_PATH_WORD = re.compile(r"[a-z][a-z0-9_-]{1,30}")
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
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
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# words too short or too common to say anything about a unit's job
STOP_WORDS = frozenset(str.split(
    "a an and as at be by do for from get has if in is it of on or set the to with self cls this args kwargs "
    "value values data item items result results name names key keys obj out res ret tmp val var err error "
    "new old len str int num list dict none true false"))


def _strip_quotes(text: str) -> str:
    text = text.strip()
    for prefix in ("f", "r", "b", "rb", "br", "fr", "rf", "u"):
        if len(text) > len(prefix) and text[: len(prefix)].lower() == prefix and text[len(prefix)] in "\"'":
            text = text[len(prefix):]
            break
    for quote in ('"""', "'''", '"', "'", "`"):
        if len(text) >= 2 * len(quote) and text.startswith(quote) and text.endswith(quote):
            return text[len(quote): -len(quote)]
    return text


@lru_cache(maxsize=65536)
def string_elements(text: str) -> tuple[str, ...]:
    """What a string literal says: a URL's host and path words, a MIME type, a header, a variable or key."""
    body = _strip_quotes(text)
    out: list[str] = []
    for url in _URL.finditer(body):
        out.append(f"host:{url.group(1).lower()}")
        for part in (url.group(2) or "").split("/"):
            if _PATH_WORD.fullmatch(part):
                out.append(f"path:{part}")
    out += [f"mime:{m.group(0)}" for m in _MIME.finditer(body)]
    if body in HTTP_METHODS:
        out.append(f"method:{body}")
    elif _HEADER.fullmatch(body):
        out.append(f"hdr:{body.lower()}")
    elif _ENV.fullmatch(body):
        out.append(f"env:{body}")
    elif _KEY.fullmatch(body) and not body.isdigit():
        out.append(f"key:{body.lower()}")
    return tuple(out)


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """The words of an identifier (`retryAfter`, `retry_after` → retry, after), stop words left out."""
    words = dict.fromkeys(w.lower() for w in _NAME_WORDS.findall(name))
    return tuple(f"word:{w}" for w in words if len(w) > 2 and w not in STOP_WORDS)


def _number(text: str) -> tuple[str, ...]:
    if not (len(text) == 3 and text.isdigit()):
        return ()
    value = int(text)
    return (f"http:{value}",) if 200 <= value <= 599 else ()


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
    out = _Out()
    if language in ("bash", "dockerfile", "yaml", "text"):
        _script(struct, lit, lines, out)
    elif language == "hcl":
        _terraform(struct, lit, out)
    else:
        _code(struct, lit, lines, out)
    return array("I", out.at), SEPARATOR.join(e.replace(SEPARATOR, " ") for e in out.elements)


# ----------------------------------------------------------------------------- code


def imports(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int]) -> dict[str, str]:
    """Local name → what it imports, from Python `import`/`from` and JavaScript `import`/`require`."""
    names: dict[str, str] = {}
    n = len(struct)
    done = -1
    for k in [i for i, s in enumerate(struct) if s == "import"]:
        if k >= done and (k == 0 or lines[k - 1] != lines[k] or struct[k - 1] in ("$id", ".", ";")):
            done = _import_statement(struct, lit, lines, k, names)
    for k in [i for i, t in enumerate(lit) if t == "require"]:
        if struct[k] == "$id" and k + 2 < n and struct[k + 1] == "(" and struct[k + 2] == "$str":
            module = _strip_quotes(lit[k + 2])
            if k >= 2 and struct[k - 1] == "=" and struct[k - 2] == "$id":
                names[lit[k - 2]] = module
            elif k >= 2 and struct[k - 1] == "=" and struct[k - 2] == "}":  # const { a, b } = require("m")
                j = k - 3
                while j >= 0 and struct[j] != "{":
                    if struct[j] == "$id":
                        names[lit[j]] = f"{module}.{lit[j]}"
                    j -= 1
    return names


def _statement_end(struct: Sequence[str], lines: Sequence[int], k: int) -> int:
    """The token after the statement that starts at k: its line ends it, unless a bracket is open."""
    n = len(struct)
    depth = 0
    i = k + 1
    while i < n and i - k < 200:
        s = struct[i]
        if depth == 0 and (lines[i] != lines[i - 1] or s == ";"):
            break
        if s in ("(", "{", "["):
            depth += 1
        elif s in (")", "}", "]"):
            depth = max(0, depth - 1)
        i += 1
    return i


def _import_statement(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int], k: int,
                      names: dict[str, str]) -> int:
    """Read one import statement starting at token k (`import`); the index after it."""
    end = _statement_end(struct, lines, k)
    # Python `from a.b import c as d`: the `from` part precedes the `import`
    base = ""
    j = k - 1
    dotted: list[str] = []
    while j >= 0 and struct[j] in ("$id", ".") and lines[j] == lines[k]:
        dotted.append(lit[j])
        j -= 1
    if j >= 0 and struct[j] == "from":
        base = "".join(reversed(dotted))
    at_from = [i for i in range(k + 1, end) if struct[i] == "from"]
    if at_from and at_from[-1] + 1 < end and struct[at_from[-1] + 1] == "$str":
        module = _strip_quotes(lit[at_from[-1] + 1])  # JavaScript `import x from "m"`, `import {a as b} from "m"`
        _js_import(struct, lit, k + 1, at_from[-1], module, names)
        return end
    if k + 1 < end and struct[k + 1] == "$str":
        return end  # JavaScript `import "m"`: binds nothing
    parts: list[str] = []
    i = k + 1
    while i < end:
        s = struct[i]
        if s in ("$id", "."):
            parts.append(lit[i])
        elif s == "as" and i + 1 < end:
            target = "".join(parts)
            names[lit[i + 1]] = f"{base}.{target}" if base else target
            parts = []
            i += 2
            continue
        elif s == ",":
            _bind(parts, base, names)
            parts = []
        i += 1
    _bind(parts, base, names)
    return end


def _bind(parts: list[str], base: str, names: dict[str, str]) -> None:
    if not parts or parts[0] == ".":
        return
    target = "".join(parts)
    if base:
        names[parts[-1]] = f"{base}.{target}"
    else:
        names[parts[0]] = parts[0]  # `import os.path` binds `os`


def _js_import(struct: Sequence[str], lit: Sequence[str], start: int, end: int, module: str,
               names: dict[str, str]) -> None:
    braces = False
    i = start
    while i < end:
        s = struct[i]
        if s == "{":
            braces = True
        elif s == "}":
            braces = False
        elif s == "$id":
            if i + 2 < end and struct[i + 1] == "as":
                names[lit[i + 2]] = f"{module}.{lit[i]}" if braces else module
                i += 3
                continue
            names[lit[i]] = f"{module}.{lit[i]}" if braces else module
        i += 1


def _at(tokens: Sequence[str], k: int) -> str:
    return tokens[k] if k < len(tokens) else ""


def _chain(struct: Sequence[str], lit: Sequence[str], k: int) -> tuple[list[str], int]:
    """The dotted name ending at token k (`a.b.c`), and the token it starts at."""
    parts = [lit[k]]
    start = k
    while start >= 2 and struct[start - 1] in (".", "?.") and struct[start - 2] == "$id":
        start -= 2
        parts.append(lit[start])
    return list(reversed(parts)), start


# what a code token can start: every other token (most of them: punctuation, keywords) is skipped at once
_KEYWORDS = {**dict.fromkeys(LOOPS, "kw:loop"), **dict.fromkeys(TRIES, "kw:try"),
             **dict.fromkeys(CATCHES, "kw:catch"), **dict.fromkeys(RAISES, "kw:raise"),
             **dict.fromkeys(("**", "*=", "<<", "**="), "op:grow")}
_CODE_TOKENS = {**dict.fromkeys(_KEYWORDS, "kw"), "$id": "id", "$str": "str", "$num": "num", "*": "times"}


def _code(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int], out: _Out) -> None:
    names = imports(struct, lit, lines)
    n = len(struct)
    kinds = _CODE_TOKENS
    for k, s in enumerate(struct):
        kind = kinds.get(s)
        if kind is None:
            continue
        if kind == "id":
            nxt = struct[k + 1] if k + 1 < n else ""
            if nxt in (".", "?."):
                continue  # the chain is read at its last name
            _name(struct, lit, k, nxt == "(", names, out)
        elif kind == "str":
            out.add(k, *string_elements(lit[k]))
        elif kind == "num":
            out.add(k, *_number(lit[k]))
        elif kind == "kw":
            out.add(k, _KEYWORDS[s])
        elif "2" in (lit[k - 1] if k else "", _at(lit, k + 1)):
            out.add(k, "op:grow")  # `2 ** attempt`, `delay *= 2`, `1 << n`, `delay * 2`


def _name(struct: Sequence[str], lit: Sequence[str], k: int, called: bool, names: dict[str, str],
          out: _Out) -> None:
    """The name (or dotted chain) ending at token k: an API, a call, a method, an env variable; its words."""
    parts, start = _chain(struct, lit, k)
    if start > 0 and struct[start - 1] in (".", "?."):
        return  # `x().y`: the receiver is a call
    head = parts[0]
    if head in names and (len(parts) > 1 or called):
        out.add(start, f"api:{'.'.join([names[head], *parts[1:]])}")
    elif head == "process" and len(parts) == 3 and parts[1] == "env":
        out.add(start, f"env:{parts[2]}")
    elif len(parts) >= 3 and head not in ("self", "this", "cls"):
        out.add(start, f"mod:{'.'.join(parts)}")  # `structlog.processors.JSONRenderer`: a module path, maybe
    elif called and len(parts) == 1:
        if not (start and struct[start - 1] in _DEFINES):
            out.add(start, f"call:{head}")
    elif called:
        out.add(start, f"meth:{parts[-1]}")
    if not (head in names and len(parts) == 1):
        out.add(k, *name_words(lit[k]))


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
            if _ENV.fullmatch(word):
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
            out.add(k, *_number(word))
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
        elif s == "$var" and _ENV.fullmatch(text):
            out.add(i, f"env:{text}")
        i += 1
    return i


def _terraform(struct: Sequence[str], lit: Sequence[str], out: _Out) -> None:
    n = len(struct)
    for k in range(n):
        s = struct[k]
        if s in ("resource", "data") and k + 1 < n and struct[k + 1] not in ("=", "$str_lit"):
            out.add(k, f"res:{_strip_quotes(lit[k + 1])}")
        elif s == "$str_lit" or s.startswith("$"):
            out.add(k, *string_elements(lit[k]))
        elif s in ("for_each", "count", "dynamic"):
            out.add(k, "kw:loop")
