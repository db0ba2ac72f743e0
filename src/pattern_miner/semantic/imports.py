"""Local names bound by imports: Python `import`/`from`, JavaScript `import` and `require`, so that a call
of `urlopen` reads as `urllib.request.urlopen` (``elements``' ``api:`` elements)."""

from __future__ import annotations

from collections.abc import Sequence

from pattern_miner.semantic.tokens import strip_quotes


def indexes(tokens: Sequence[str], value: str) -> list[int]:
    """Every index of ``value`` in ``tokens``, in order (``list.index`` runs in C: a rare value costs
    little more than one pass of comparisons)."""
    found: list[int] = []
    at = -1
    try:
        while True:
            at = tokens.index(value, at + 1)
            found.append(at)
    except ValueError:
        return found


def imports(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int]) -> dict[str, str]:
    """Local name → what it imports, from Python `import`/`from` and JavaScript `import`/`require`."""
    return bound(struct, lit, lines, indexes(struct, "import"), indexes(lit, "require"))


def bound(struct: Sequence[str], lit: Sequence[str], lines: Sequence[int], import_at: Sequence[int],
          require_at: Sequence[int]) -> dict[str, str]:
    """``imports``, given where the tokens `import` (struct) and `require` (lit) are, in order."""
    names: dict[str, str] = {}
    n = len(struct)
    done = -1
    for k in import_at:
        if k >= done and (k == 0 or lines[k - 1] != lines[k] or struct[k - 1] in ("$id", ".", ";")):
            done = _import_statement(struct, lit, lines, k, names)
    for k in require_at:
        if struct[k] == "$id" and k + 2 < n and struct[k + 1] == "(" and struct[k + 2] == "$str":
            module = strip_quotes(lit[k + 2])
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
        module = strip_quotes(lit[at_from[-1] + 1])  # JavaScript `import x from "m"`, `import {a as b} from "m"`
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
