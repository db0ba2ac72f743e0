"""A JSON document checked against a schema declared as data: the nodes (``Str``, ``Obj``, ``ListOf``, ...)
and the one ``Checker`` that walks them. Every error is one ``ConfigError`` naming the file, the JSON
path and what was expected::

    config/repositories.json: at repositories[1].scan_patterns[0]: expected one of deployment, ... but got 'dockr'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NoReturn

from pattern_miner.console import Console
from pattern_miner.errors import ConfigError
from pattern_miner.globs import Glob, GlobError


@dataclass(frozen=True)
class Str:
    what: str = "a string"
    regex: str | None = None  # must match in full


@dataclass(frozen=True)
class GlobStr:
    what: str = "a glob pattern"


@dataclass(frozen=True)
class OneOf:
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Num:
    integer: bool = False
    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True)
class Bool:
    pass


@dataclass(frozen=True)
class ListOf:
    item: Any
    non_empty: bool = False


@dataclass(frozen=True)
class Obj:
    fields: dict[str, Any]
    required: tuple[str, ...] = ()
    shorthand: str | None = None  # a plain string stands for {shorthand: string}


@dataclass(frozen=True)
class MapOf:
    key: Str
    value: Any


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


class Checker:
    """Walks a parsed JSON document against the schema: returns it, raises on the first error."""

    def __init__(self, file: str, console: Console | None) -> None:
        self.file = file
        self.console = console

    def fail(self, path: str, message: str) -> NoReturn:
        raise ConfigError(f"{self.file}: at {path or 'top level'}: {message}")

    def expected(self, path: str, what: str, value: Any) -> NoReturn:
        self.fail(path, f"expected {what} but got {_describe(value)}")

    def check(self, value: Any, spec: Any, path: str) -> Any:
        if isinstance(spec, Obj):
            if spec.shorthand and isinstance(value, str):
                return self.check({spec.shorthand: value}, spec, path)
            if not isinstance(value, dict):
                shorthand = f" or a string ({spec.shorthand})" if spec.shorthand else ""
                self.expected(path, f"an object{shorthand}", value)
            for key in spec.required:
                if key not in value:
                    self.fail(path, f'missing required key "{key}"')
            out = {}
            for key, item in value.items():
                if key in spec.fields:
                    out[key] = self.check(item, spec.fields[key], join_path(path, key))
                else:
                    self.warn(join_path(path, key), "unknown key (ignored)")
            return out
        if isinstance(spec, MapOf):
            if not isinstance(value, dict):
                self.expected(path, "an object", value)
            for key in value:
                self.check(key, spec.key, join_path(path, key))
            return {k: self.check(v, spec.value, join_path(path, k)) for k, v in value.items()}
        if isinstance(spec, ListOf):
            if not isinstance(value, list):
                self.expected(path, "a list", value)
            if spec.non_empty and not value:
                self.fail(path, "expected a non-empty list but got an empty one")
            return [self.check(v, spec.item, join_path(path, i)) for i, v in enumerate(value)]
        if isinstance(spec, Str):
            if not isinstance(value, str) or (spec.regex and not re.fullmatch(spec.regex, value)):
                self.expected(path, spec.what, value)
            return value
        if isinstance(spec, GlobStr):
            if not isinstance(value, str):
                self.expected(path, spec.what, value)
            try:
                Glob(value, allow_negation=True)
            except GlobError as exc:
                self.fail(path, f"expected {spec.what} but got {_describe(value)} ({exc})")
            return value
        if isinstance(spec, OneOf):
            if not isinstance(value, str) or value not in spec.choices:
                self.expected(path, "one of " + ", ".join(spec.choices), value)
            return value
        if isinstance(spec, Num):
            return self._number(value, spec, path)
        if isinstance(spec, Bool):
            if not isinstance(value, bool):
                self.expected(path, "true or false", value)
            return value
        raise TypeError(f"unknown schema node {spec!r}")

    def _number(self, value: Any, spec: Num, path: str) -> Any:
        kind = "an integer" if spec.integer else "a number"
        ok_type = isinstance(value, int) if spec.integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type:
            self.expected(path, kind, value)
        if spec.lo is not None and spec.hi is not None and not spec.lo <= value <= spec.hi:
            self.expected(path, f"{kind} from {spec.lo:g} to {spec.hi:g}", value)
        if spec.lo is not None and value < spec.lo:
            self.expected(path, f"{kind} of at least {spec.lo:g}", value)
        return value

    def warn(self, path: str, message: str) -> None:
        if self.console is not None:
            self.console.warn(f"{self.file}: at {path}: {message}")
