"""What one token says on its own: a string literal (a URL, a MIME type, a header, an env name, a key), the
words of an identifier, an HTTP status code. Element strings as ``elements`` describes them."""

from __future__ import annotations

import re
from functools import lru_cache

ENV = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}")  # DATABASE_URL, PORT
_HEADER = re.compile(r"(?:[A-Z][a-z0-9]*-)+[A-Z][A-Za-z0-9]*|Authorization|Accept|Cookie|Location|Host")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{1,39}")
_URL = re.compile(r"(?:https?|wss?)://([A-Za-z0-9.-]+\.[A-Za-z]{2,})(?::\d+)?(/[^\s?#\"'`]*)?")
_MIME = re.compile(r"(?:application|text|image|multipart)/[a-z0-9.+-]+")
_PATH_WORD = re.compile(r"[a-z][a-z0-9_-]{1,30}")
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_PREFIXES = frozenset({"f", "r", "b", "rb", "br", "fr", "rf", "u"})  # f"", rb"", u"" ...
_QUOTES = {"\"": ('"""', '"'), "'": ("'''", "'"), "`": ("`",)}  # by the first character, longest first
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# words too short or too common to say anything about a unit's job
STOP_WORDS = frozenset(str.split(
    "a an and as at be by do for from get has if in is it of on or set the to with self cls this args kwargs "
    "value values data item items result results name names key keys obj out res ret tmp val var err error "
    "new old len str int num list dict none true false"))


def strip_quotes(text: str) -> str:
    """A string literal's body: `f"x"`, `rb'x'`, `'''x'''`, `` `x` `` → x."""
    text = text.strip()
    head = text[:1]
    if head not in _QUOTES:
        # a prefix of one or two letters before the quote (at most one size can be followed by a quote)
        for size in (1, 2):
            if len(text) > size and text[size] in "\"'" and text[:size].lower() in _PREFIXES:
                text = text[size:]
                head = text[:1]
                break
        else:
            return text
    for quote in _QUOTES[head]:
        if len(text) >= 2 * len(quote) and text.startswith(quote) and text.endswith(quote):
            return text[len(quote): -len(quote)]
    return text


@lru_cache(maxsize=65536)
def string_elements(text: str) -> tuple[str, ...]:
    """What a string literal says: a URL's host and path words, a MIME type, a header, a variable or key."""
    if "/" not in text and " " in text.strip():
        return ()  # a sentence (most strings): no URL or MIME type, and a space is in no header, name or key
    body = strip_quotes(text)
    out: list[str] = []
    if "/" in body:  # a regular expression searches slowly: most strings hold no URL and no MIME type
        if "://" in body:
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
    elif ENV.fullmatch(body):
        out.append(f"env:{body}")
    elif _KEY.fullmatch(body) and not body.isdigit():
        out.append(f"key:{body.lower()}")
    return tuple(out)


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """The words of an identifier (`retryAfter`, `retry_after` → retry, after), stop words left out."""
    if name.islower() and name.isascii() and name.replace("_", "").isalpha():
        found = name.split("_")  # snake_case (most names): the words are what the underscores part
    else:
        found = _NAME_WORDS.findall(name)
    words = dict.fromkeys(map(str.lower, found))
    return tuple([f"word:{w}" for w in words if len(w) > 2 and w not in STOP_WORDS])


def number_elements(text: str) -> tuple[str, ...]:
    """A number literal that is an HTTP status code (200-599): `http:429`."""
    if not (len(text) == 3 and text.isdigit()):
        return ()
    value = int(text)
    return (f"http:{value}",) if 200 <= value <= 599 else ()
