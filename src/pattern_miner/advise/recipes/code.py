"""Copied Python / JavaScript / TypeScript / Go code → a package exporting the shared function."""

from __future__ import annotations

import re

from pattern_miner.advise import signals
from pattern_miner.advise.naming import camel, is_generic, package_name, pascal, path_stem, snake, words
from pattern_miner.advise.recipes.base import Copies, Plan, listing
from pattern_miner.representative import representative_pair

_REGISTRY = {"python": "PyPI (or your internal index)", "javascript": "npm (or GitHub Packages)",
             "typescript": "npm (or GitHub Packages)", "go": "a Go module tag"}
_LABEL = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "go": "Go"}


def _primary(c: Copies, functions: list[str], classes: list[str]) -> tuple[str, bool]:
    """The unit the package is named after and exports, and whether it is a class."""
    if c.pattern.kind in ("function", "method", "class"):
        unit = signals.most_common(o.name.split(".")[-1] for o in c.pattern.occurrences)
        if unit and not is_generic(unit):
            return unit, c.pattern.kind == "class"
    for name in classes:
        if not is_generic(name):
            return name, True
    for name in functions:
        if not is_generic(name) and not name.startswith("_"):
            return name, False
    return "", False


def renamed_class(per_copy_classes: list[list[str]]) -> tuple[list[str], list[str]] | None:
    """A class each copy defines under its own name (``PaymentsClient``, ``LedgerClient``): the copies' classes
    taken in order, the first that is no exception class and whose names share words. Returns its name in
    each copy and the words the names share (``client``); None when the copies' classes do not line up."""
    counts = {len(names) for names in per_copy_classes}
    if len(per_copy_classes) < 2 or len(counts) != 1 or 0 in counts:
        return None
    for names in zip(*per_copy_classes, strict=True):
        if len(set(names)) == 1 or names[0].endswith(("Error", "Exception")):
            continue  # a class of one name is shared (found as such); an exception class names no library
        common = set(words(names[0])).intersection(*(words(n) for n in names[1:]))
        shared_words = [w for w in words(names[0]) if w in common and not is_generic(w)]
        if shared_words:
            return list(names), shared_words
    return None


def _signature(c: Copies, top: int, name: str) -> tuple[list[str], bool, bool]:
    """(parameters, is_async, returns_error) of ``name`` in the representative copy."""
    text = c.texts[top] if c.texts else ""
    for fname, params, is_async in signals.functions(text, c.language):
        if fname.lower() == name.lower():
            returns_error = bool(re.search(rf"func\s+(?:\([^)]*\)\s*)?{re.escape(fname)}\s*\([^)]*\)[^{{\n]*error", text))
            return params, is_async, returns_error
    if name and c.language == "python":  # a class: its __init__ parameters
        at = re.search(rf"^(\s*)class\s+{re.escape(name)}\b", text, re.M)
        body = text
        if at:  # the class's own body: up to the next line indented no deeper than its `class`
            after = re.compile(rf"^{at.group(1)}(?=\S)", re.M).search(text, at.end())
            body = text[at.start():after.start() if after else len(text)]
        for fname, params, _ in signals.functions(body, c.language):
            if fname == "__init__":
                return params, False, False
    return [], False, False


def _usage(c: Copies, lib: str, unit: str, is_class: bool, params: list[str], is_async: bool, err: bool) -> str:
    args = ", ".join(params[:6])
    owner_url = f"github.com/{c.owner}/{lib}"
    if c.language == "python":
        module = snake(lib)
        call = f"{snake(unit)} = {unit}({args})" if is_class else f"result = {unit}({args})"
        return f"# pip install {lib}   (built from {owner_url})\nfrom {module} import {unit}\n\n{call}\n"
    if c.language in ("javascript", "typescript"):
        call = (f"const {camel(unit)} = new {unit}({args});" if is_class
                else f"const result = {'await ' if is_async else ''}{unit}({args});")
        return f'// npm install {lib}   (built from {owner_url})\nimport {{ {unit} }} from "{lib}";\n\n{call}\n'
    package = re.sub(r"[^a-z0-9]", "", lib.lower()) or "shared"
    exported = unit[:1].upper() + unit[1:] if unit else "Run"
    call = (f"result, err := {package}.{exported}({args})\nif err != nil {{\n\treturn err\n}}" if err
            else f"result := {package}.{exported}({args})")
    return f'import {package} "{owner_url}"\n\n{call}\n'


def plan(c: Copies) -> Plan:
    lang = c.language
    per_copy_funcs = [[name for name, _, _ in signals.functions(t, lang)] for t in c.texts]
    per_copy_classes = [signals.classes(t, lang) for t in c.texts]
    shared_funcs = signals.shared(per_copy_funcs, minimum=0.5)
    shared_classes = signals.shared(per_copy_classes, minimum=0.5)
    unit, is_class = _primary(c, [f for f, _ in shared_funcs], [k for k, _ in shared_classes])
    renamed = renamed_class(per_copy_classes) if c.pattern.kind == "file" and not shared_classes else None

    service = signals.most_common(s for t in c.texts for s in dict.fromkeys(signals.service_names(t)))
    api_client = c.pattern.pattern_type == "api_client"
    name = package_name(service, "client") if api_client and service else ""
    if renamed is not None:  # the file is one class, renamed in each copy: the library is that class
        if not name:
            # one shared word ("client", "settings") alone is a package name anyone could have taken
            prefix = "api" if api_client else (c.owner if c.owner != "your-org" else "shared")
            name = package_name(*([prefix] if len(renamed[1]) == 1 else []), *renamed[1])
        unit, is_class = pascal(name), True
    elif not name and unit:
        name = package_name(unit)
        if api_client and "client" not in name:
            name = package_name(name, "client")
    elif not name:
        name = package_name(path_stem([o.path for o in c.pattern.occurrences]), fallback="shared-utils")
    if not unit:
        unit = pascal(name) if c.language == "go" else (snake(name) if lang == "python" else name.replace("-", "_"))

    top, _ = representative_pair(c.pattern.occurrences)
    params, is_async, err = _signature(c, top, renamed[0][top] if renamed is not None else unit)
    label = _LABEL.get(lang, lang)
    components: list[tuple[str, str, list[int]]] = []
    for klass, where in shared_classes[:4]:
        components.append((f"`{klass}` class", f"{label} class defined in {len(where)} of the {c.n} copies.", where))
    for func, where in shared_funcs:
        if len(components) >= 8:
            break
        if func.startswith("__") or func in {k for k, _ in shared_classes}:
            continue
        components.append((f"`{func}()`", f"{label} function defined in {len(where)} of the {c.n} copies.", where))
    registry = _REGISTRY.get(lang, "your package registry")
    rep = c.pattern.occurrences[top] if c.pattern.occurrences else None
    steps = [
        f"Create `{c.owner}/{name}` and move `{unit}` into it from the most representative copy"
        + (f" (`{rep.repo}`: `{rep.path}`)" if rep else "") + ".",
        "Write tests that pin down the behaviour the copies agree on, and make each difference between them an "
        "explicit parameter.",
        f"Publish version 1.0.0 to {registry}.",
        f"In each copy ({listing(c)}), add the dependency, import `{unit}` from `{name}` and delete the local copy.",
    ]
    risks = [
        "Callers may rely on small behaviour differences between the copies: run each repository's tests "
        "against the package before deleting its copy.",
        "Follow semantic versioning: a breaking change to the shared API must not reach all repositories at once.",
    ]
    if c.pattern.pattern_type == "api_client":
        risks.append("Keep credentials out of the package: take them from the caller's configuration.")
    kind = "class" if is_class else c.pattern.kind
    what = f"the {label} {kind} `{unit}`"
    if renamed is not None:  # named as in the copy the usage is read from
        shown = renamed[0][top]
        others = ", ".join(f"`{n}`" for n in dict.fromkeys(renamed[0]) if n != shown)
        what = f"the {label} class `{shown}` ({others} in the other copies)"
    return Plan(
        name=name,
        what=what,
        how=f"Publishing it once as `{name}` replaces each copy with an import.",
        usage=_usage(c, name, unit, is_class, params, is_async, err),
        usage_language=lang if lang in _LABEL else "text",
        unit_of_use="one dependency and one import",
        components=components, steps=steps, risks=risks,
    )
