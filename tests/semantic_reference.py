"""The semantic elements of code read token by token: the plain reading that ``semantic.elements`` (which
reads the tokens at once, in numpy, each distinct text once) must give exactly. Tests compare the two."""

from __future__ import annotations

from collections.abc import Sequence

from pattern_miner.semantic.elements import _DEFINES, _KEYWORDS
from pattern_miner.semantic.imports import bound
from pattern_miner.semantic.tokens import (
    _HEADER,
    _KEY,
    _MIME,
    _NAME_WORDS,
    _PATH_WORD,
    _URL,
    ENV,
    HTTP_METHODS,
    STOP_WORDS,
)

_ENV = ENV
_CODE_TOKENS = {**dict.fromkeys(_KEYWORDS, "kw"), "$id": "id", "$str": "str", "$num": "num", "*": "times"}


def find_code(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int]) -> tuple[list[int], str]:
    """A code file's elements: (the token each starts at, the elements joined by a newline)."""
    out = _Out()
    _code(struct, lit, lines, out)
    return out.at, "\n".join(e.replace("\n", " ") for e in out.elements)


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



def imports(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int]) -> dict[str, str]:
    """Local name → what it imports: the statements read by ``semantic.imports.bound`` (unchanged by the numpy
    reading), at the `import` and `require` tokens found one by one."""
    return bound(struct, lit, lines, [i for i, s in enumerate(struct) if s == "import"],
                 [i for i, t in enumerate(lit) if t == "require"])


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
