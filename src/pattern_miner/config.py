"""``config/repositories.json`` -> a frozen ``Config``.

The schema is declared as data (``_schema``) and checked in one place (``_Checker``). Every error is a
one-line ``ConfigError`` naming the file, the JSON path and what was expected::

    config/repositories.json: at repositories[1].scan_patterns[0]: expected one of deployment, ... but got 'dockr'

Unknown keys are warned about through the console and ignored. Everything but ``repositories`` is
optional, and ``repositories`` may be empty or absent when ``owners`` is given.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pattern_miner.console import Console
from pattern_miner.defaults import BUILTIN_TYPES, DEFAULT_EXCLUDE, PRIORITIES
from pattern_miner.errors import ConfigError
from pattern_miner.globs import GlobSet
from pattern_miner.schema import Bool, Checker, GlobStr, ListOf, MapOf, Num, Obj, OneOf, Str, join_path

__all__ = [
    "BUILTIN_TYPES",
    "DEFAULT_EXCLUDE",
    "PRIORITIES",
    "Config",
    "OwnerSpec",
    "PatternType",
    "RepositorySpec",
    "default_config",
    "load_config",
]


# ---- the schema, as data (checked by ``schema.Checker``) ------------------------------------------

OWNER_RE = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
REPO_RE = OWNER_RE + r"/(?!\.\.?$)[A-Za-z0-9_.-]{1,100}"


def _schema(types: tuple[str, ...]) -> Obj:
    scan = ListOf(OneOf(types))
    return Obj(
        {
            "repositories": ListOf(
                Obj(
                    {"repo": Str('a repository "owner/name"', REPO_RE), "scan_patterns": scan, "path": Str()},
                    required=("repo",),
                    shorthand="repo",
                )
            ),
            "owners": ListOf(
                Obj(
                    {
                        "owner": Str("a GitHub user or organization name", OWNER_RE),
                        "scan_patterns": scan,
                        "include_archived": Bool(),
                        "include_forks": Bool(),
                        "include_private": Bool(),
                        "exclude_repos": ListOf(GlobStr("a glob on repository names")),
                    },
                    required=("owner",),
                    shorthand="owner",
                )
            ),
            "pattern_types": MapOf(
                Str("a pattern type name (letters, digits, _ or -)", r"[A-Za-z][A-Za-z0-9_-]*"),
                Obj(
                    {
                        "description": Str(),
                        "file_patterns": ListOf(GlobStr(), non_empty=True),
                        "similarity_threshold": Num(lo=0.0, hi=1.0),
                        "extraction_priority": OneOf(PRIORITIES),
                    }
                ),
            ),
            "exclude": ListOf(GlobStr()),
            "min_repos": Num(integer=True, lo=2),
            "max_file_bytes": Num(integer=True, lo=1),
            "min_fragment_lines": Num(integer=True, lo=1),
            "min_fragment_tokens": Num(integer=True, lo=1),
            "min_duplicated_lines": Num(integer=True, lo=0),
        }
    )


# ---- the records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatternType:
    name: str
    description: str
    file_patterns: tuple[str, ...]
    similarity_threshold: float  # 0..1: the least token similarity for two copies to count as one pattern
    extraction_priority: str = "medium"  # high | medium | low

    @cached_property
    def matcher(self) -> GlobSet:
        return GlobSet(self.file_patterns)


@dataclass(frozen=True)
class RepositorySpec:
    repo: str  # "owner/name"
    scan_patterns: tuple[str, ...] = ()  # pattern types to scan; empty: all
    path: str | None = None  # a local checkout, resolved relative to the config file's folder


@dataclass(frozen=True)
class OwnerSpec:
    """Every repository of a GitHub organization or user."""

    owner: str
    scan_patterns: tuple[str, ...] = ()
    include_archived: bool = False
    include_forks: bool = False
    include_private: bool = True
    exclude_repos: tuple[str, ...] = ()  # globs on the repository name

    @cached_property
    def excluded(self) -> GlobSet:
        return GlobSet(self.exclude_repos)


def _builtin_types() -> dict[str, PatternType]:
    return {name: PatternType(name=name, **spec) for name, spec in BUILTIN_TYPES.items()}


@dataclass(frozen=True)
class Config:
    repositories: tuple[RepositorySpec, ...] = ()
    owners: tuple[OwnerSpec, ...] = ()
    # in priority order: the config file's types (file order), then built-ins, ``code`` last
    pattern_types: dict[str, PatternType] = field(default_factory=_builtin_types, hash=False)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE  # globs never scanned; a directory glob covers its files
    min_repos: int = 2  # a pattern needs copies in at least this many repositories
    max_file_bytes: int = 1_000_000  # larger files are skipped without being read
    min_fragment_lines: int = 5  # smaller units are not compared
    min_fragment_tokens: int = 20
    # a pattern must remove at least this much duplication: (copies - 1) x code lines per copy
    min_duplicated_lines: int = 10
    source_path: str | None = None  # the file this came from

    @cached_property
    def _excluded(self) -> GlobSet:
        return GlobSet(self.exclude)

    @cached_property
    def _ordered(self) -> tuple[PatternType, ...]:
        types = [t for n, t in self.pattern_types.items() if n != "code"]
        if "code" in self.pattern_types:
            types.append(self.pattern_types["code"])
        return tuple(types)

    def is_excluded(self, path: str) -> bool:
        """True when ``path`` (a file or a directory) or a directory containing it matches ``exclude``."""
        return self._excluded.match_within(path)

    def types_for(self, path: str, scan_patterns: Sequence[str] = ()) -> tuple[str, ...]:
        """The pattern types whose file patterns match ``path``, in priority order; () when excluded."""
        if self.is_excluded(path):
            return ()
        wanted = set(scan_patterns)
        return tuple(
            t.name for t in self._ordered if (not wanted or t.name in wanted) and t.matcher.match(path)
        )

    def threshold(self, pattern_type: str) -> float:
        try:
            return self.pattern_types[pattern_type].similarity_threshold
        except KeyError:
            known = ", ".join(self.pattern_types)
            raise ConfigError(f"unknown pattern type {pattern_type!r} (known: {known})") from None

    def scan_patterns_for(self, repo: str) -> tuple[str, ...]:
        """The scan patterns configured for ``repo`` ("owner/name"); () (all types) when not listed."""
        for spec in self.repositories:
            if spec.repo.lower() == repo.lower():
                return spec.scan_patterns
        owner = repo.split("/", 1)[0].lower()
        for o in self.owners:
            if o.owner.lower() == owner:
                return o.scan_patterns
        return ()


# ---- loading ---------------------------------------------------------------------------------------


def default_config() -> Config:
    """The built-in pattern types and excludes, no repositories."""
    return Config()


def load_config(path: str | os.PathLike[str], console: Console | None = None) -> Config:
    name = os.fspath(path)
    p = Path(name)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{name}: is a directory, expected a JSON file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read ({exc.strerror or exc})") from None
    try:
        raw = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except _TooManyDigits as exc:
        raise ConfigError(f"{name}: not valid JSON: {exc}") from None
    except RecursionError:  # json nests by recursion: a few thousand "[" exhaust the stack
        raise ConfigError(f"{name}: not valid JSON: nested too deeply") from None
    return _build(raw, name, p.resolve().parent, console)


class _TooManyDigits(Exception):
    pass


def _parse_int(text: str) -> int:
    """``int``, but a number longer than Python converts (``sys.get_int_max_str_digits``) is a clear
    error instead of a ValueError from inside the json module."""
    try:
        return int(text)
    except ValueError:
        digits = len(text.lstrip("-"))
        raise _TooManyDigits(f"a number of {digits} digits (at most {sys.get_int_max_str_digits()})") from None


def _build(raw: Any, name: str, base: Path, console: Console | None) -> Config:
    builtins = _builtin_types()
    file_types = raw.get("pattern_types") if isinstance(raw, dict) else None
    file_names = list(file_types) if isinstance(file_types, dict) else []
    known = [n for n in file_names if n != "code"]
    known += [n for n in builtins if n not in known and n != "code"] + ["code"]
    checker = Checker(name, console)
    doc = checker.check(raw, _schema(tuple(known)), "")

    types: dict[str, PatternType] = {}
    for tname, entry in doc.get("pattern_types", {}).items():
        base_type = builtins.get(tname)
        if base_type is None:
            if "file_patterns" not in entry:
                checker.fail(join_path("pattern_types", tname), 'missing required key "file_patterns" (a new pattern type needs them)')
            base_type = PatternType(tname, "", (), 0.75, "medium")
        types[tname] = PatternType(
            name=tname,
            description=entry.get("description", base_type.description),
            file_patterns=tuple(entry.get("file_patterns", base_type.file_patterns)),
            similarity_threshold=float(entry.get("similarity_threshold", base_type.similarity_threshold)),
            extraction_priority=entry.get("extraction_priority", base_type.extraction_priority),
        )
    ordered = {n: types.get(n) or builtins[n] for n in known}

    repositories = tuple(
        RepositorySpec(
            repo=r["repo"],
            scan_patterns=tuple(r.get("scan_patterns", ())),
            path=str((base / r["path"]).resolve()) if r.get("path") else None,
        )
        for r in doc.get("repositories", ())
    )
    seen: dict[str, int] = {}
    for i, r in enumerate(repositories):
        key = r.repo.lower()
        if key in seen:
            checker.fail(f"repositories[{i}].repo", f"duplicate repository {r.repo!r} (also at repositories[{seen[key]}])")
        seen[key] = i
    owners = tuple(
        OwnerSpec(
            owner=o["owner"],
            scan_patterns=tuple(o.get("scan_patterns", ())),
            include_archived=o.get("include_archived", False),
            include_forks=o.get("include_forks", False),
            include_private=o.get("include_private", True),
            exclude_repos=tuple(o.get("exclude_repos", ())),
        )
        for o in doc.get("owners", ())
    )
    if not repositories and not owners:
        where = "repositories" if "repositories" in doc else "top level"
        checker.fail(where, 'expected at least one repository in "repositories" (or an "owners" list)')
    defaults = Config()
    return Config(
        repositories=repositories,
        owners=owners,
        pattern_types=ordered,
        exclude=DEFAULT_EXCLUDE + tuple(doc.get("exclude", ())),
        min_repos=doc.get("min_repos", defaults.min_repos),
        max_file_bytes=doc.get("max_file_bytes", defaults.max_file_bytes),
        min_fragment_lines=doc.get("min_fragment_lines", defaults.min_fragment_lines),
        min_fragment_tokens=doc.get("min_fragment_tokens", defaults.min_fragment_tokens),
        min_duplicated_lines=doc.get("min_duplicated_lines", defaults.min_duplicated_lines),
        source_path=name,
    )
