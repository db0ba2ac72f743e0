"""Per-language normalization rules, as data.

One generic walker (``pattern_miner.parse``) reads a ``LanguageSpec``: which node kinds are dropped
(comments), which collapse to a placeholder (names and literals, so renamed copies match), which keep
their text because it carries meaning (YAML keys, shell command names, Terraform block types), and which
nodes are comparable units (functions, jobs, blocks); ``pattern_miner.phrases`` reads which phrases say
what a copy does. Nothing here runs code; the modules only declare.
"""

from __future__ import annotations

import fnmatch
import importlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

# Node modes: what the walker does with a node of a given kind (and skips its subtree unless "descend").
DROP = "drop"  # emit nothing: comments
ATOM = "atom"  # one placeholder token in the structural stream, the text in the literal stream
KEEP = "keep"  # the text itself, in both streams: it carries meaning
WORD = "word"  # KEEP when it looks like a command/subcommand/flag, ATOM otherwise (shell words)
LEX = "lex"  # opaque text (a RUN line, a YAML run: block): split by the text lexer, words as WORD
TEXT = "text"  # ATOM, but nothing at all when the text is blank (XML/HTML character data between tags)

# Salient phrases (``pattern_miner.phrases``): what says what a copy does.
CALLS = "calls"  # the names code calls: `session.get`, `json.dumps`
WORDS = "words"  # runs of kept words on one line: `gcloud run deploy`, `RUN pip install`


@dataclass(frozen=True)
class Kind:
    """What a file or unit is for, told by its name or by a mark in its text: hints for the category
    classifier (the walker ignores them). A Maven ``pom.xml`` is build configuration, a Spring
    ``@Configuration`` class is configuration, a class holding an ``SqsClient`` is an API client."""

    category: str  # one of ``model.CATEGORIES``: "configuration", "api_client", ...
    what: str = ""  # a finer label for people: "build", "logging", "environment"
    files: tuple[str, ...] = ()  # fnmatch patterns on the basename: "pom.xml", "build.gradle*"
    marks: tuple[str, ...] = ()  # regular expressions searched in a file's or unit's text: r"@Configuration\b"


@dataclass(frozen=True)
class LanguageSpec:
    """How to turn one language's syntax tree into a token stream."""

    name: str
    grammar: tuple[str, str]  # (module, function) returning the tree-sitter language pointer
    extensions: tuple[str, ...] = ()  # ".py"
    filenames: tuple[str, ...] = ()  # fnmatch patterns on the basename: "Dockerfile", "Dockerfile.*"
    # node kind -> mode (see above); kinds not listed are descended into, leaves emit their kind
    modes: dict[str, str] = field(default_factory=dict)
    # (parent kind, field name) -> mode: e.g. a YAML mapping key keeps its text
    field_modes: dict[tuple[str, str], str] = field(default_factory=dict)
    # placeholder emitted for an ATOM of this kind (default: "$" + kind); several kinds may share one
    placeholders: dict[str, str] = field(default_factory=dict)
    # node kind -> unit kind: these nodes are comparable units of their own (functions, jobs, blocks)
    units: dict[str, str] = field(default_factory=dict)
    # for units: where the unit's name is (default "name"): steps separated by "/", each a field name or the
    # kind of a named child, "|" between alternatives: "declarator" (followed down nested declarators, C),
    # "STag|EmptyElemTag/Name" (an XML element's tag name)
    name_fields: dict[str, str] = field(default_factory=dict)
    # units that count only when their name is one of these: an XML element is a unit when its tag says what
    # it is (`<dependency>`, `<plugin>`, `<appender>`), not every `<groupId>`
    unit_names: dict[str, frozenset[str]] = field(default_factory=dict)
    # units that count only when their `value` field is one of these kinds: a JavaScript
    # `const f = () => {…}` is a function, `const n = 1` is not
    unit_values: dict[str, frozenset[str]] = field(default_factory=dict)
    # YAML-style mappings: the kind of a pair (its `key` and `value` fields), and keys whose VALUE keeps its
    # text (`uses: actions/checkout@v4` says what a step does)
    pair_kind: str = ""
    kept_value_keys: frozenset[str] = frozenset()
    # YAML units: a pair whose key is listed here (`jobs`, `steps`) makes each of its children a unit of
    # that kind: the pairs of the mapping that is its value (named by their key), or the items of its
    # sequence (this kind, unnamed) ...
    unit_parent_keys: dict[str, str] = field(default_factory=dict)
    item_kind: str = ""
    # ... children found this many levels below the pair: pair → value node → mapping | sequence → child
    child_depth: int = 0
    # HCL-style blocks: the block kind (its first named child is its type: `resource`), the label kind, how
    # many leading labels keep their text per block type, and the children whose text names the block
    block_kind: str = ""
    label_kind: str = ""
    kept_labels: dict[str, int] = field(default_factory=dict)
    block_name_kinds: frozenset[str] = frozenset()
    # block types (or YAML keys) that are boilerplate preambles, never units of their own
    boilerplate_units: frozenset[str] = frozenset()
    # instruction that starts a new stage (Dockerfile FROM): stages become units when there are several
    stage_kind: str = ""
    # parse-error budget: above this share of bytes inside ERROR nodes the file is compared line by line
    max_error_ratio: float = 0.10
    # nesting budget (0: none) for grammars whose external scanner keeps an indentation stack in tree-sitter's
    # fixed 1 KiB state buffer: ~250 levels write past it and crash the process (tree-sitter-yaml #48,
    # tree-sitter-python #350). A line indented deeper than this many characters (YAML's compact `- `, `? `
    # and `: ` indicators count as indentation) is lexed line by line instead: each level takes a character.
    max_indent: int = 0
    # how its salient phrases are found (CALLS or WORDS, above); a file of no known language takes WORDS
    phrases: str = WORDS
    # tokens that follow a mapping key (`steps:`, `name =`, `FOO=bar` in a script): a word before one says
    # where, not what, and is no phrase
    key_marks: frozenset[str] = frozenset()
    # what files and units of this language are for (``Kind``): hints for the category classifier
    kinds: tuple[Kind, ...] = ()

    @property
    def loader(self) -> Callable[[], Any]:
        module, func = self.grammar
        return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


_MODULES = (
    "python", "javascript", "typescript", "tsx", "go", "bash", "dockerfile", "yaml", "hcl", "json",
    "java", "kotlin", "csharp", "ruby", "php", "rust", "scala", "c", "cpp", "swift",
    "xml", "html", "css", "powershell", "sql", "toml", "make",
)


@cache
def all_specs() -> tuple[LanguageSpec, ...]:
    return tuple(importlib.import_module(f"pattern_miner.languages.{m}").SPEC for m in _MODULES)


def by_name(name: str) -> LanguageSpec | None:
    for spec in all_specs():
        if spec.name == name:
            return spec
    return None


def for_path(path: str) -> LanguageSpec | None:
    """The language of a file, by its extension or name; None when it is not supported."""
    return _for_basename(posixpath.basename(path))


@lru_cache(maxsize=4096)
def _for_basename(base: str) -> LanguageSpec | None:
    names, extensions = _index()
    m = names.fullmatch(base)
    if m is not None and m.lastgroup is not None:
        return all_specs()[int(m.lastgroup[1:])]
    lower = base.lower()
    found = [extensions[lower[i:]] for i, c in enumerate(lower) if c == "." and lower[i:] in extensions]
    return all_specs()[min(found)] if found else None


@cache
def _index() -> tuple[re.Pattern[str], dict[str, int]]:
    """The specs' file names as one regular expression (a group per spec, the first spec's wins as in a
    loop over them), and their extensions by the spec that comes first: a file's language in one match and
    a few lookups, whatever the number of languages."""
    end = "\\Z"  # what fnmatch.translate ends a pattern with; fullmatch anchors it instead
    alternatives = []
    for i, spec in enumerate(all_specs()):
        if spec.filenames:
            patterns = "|".join(fnmatch.translate(p).removesuffix(end) for p in spec.filenames)
            alternatives.append(f"(?P<s{i}>{patterns})")
    extensions: dict[str, int] = {}
    for i, spec in enumerate(all_specs()):
        for ext in spec.extensions:
            extensions.setdefault(ext, i)
    return re.compile("|".join(alternatives) or "(?!)", re.DOTALL), extensions
