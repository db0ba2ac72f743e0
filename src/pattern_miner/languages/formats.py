"""Text formats without a tree-sitter grammar, as data: which lexer reads each, and its comment syntax.

Below the grammars (``LanguageSpec``) every other text file is still compared, token by token with their
lines (``pattern_miner.textlex``): a format Pygments knows is read by its lexer (batch files, INI, Java
properties, Jinja templates, Gradle's Groovy); anything else by the generic lexer (words, numbers, strings,
punctuation), told the comment syntax by the file's extension. A format's name is the language its files
are compared as; files of different formats are never compared with each other.
"""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass
from functools import lru_cache

from pattern_miner.languages import Kind, all_specs


@dataclass(frozen=True)
class TextFormat:
    name: str  # the language its files are compared as
    lexer: str = ""  # a Pygments lexer alias ("batch", "ini"); "" is the generic lexer
    extensions: tuple[str, ...] = ()  # ".ini"; matched at the end of the lower-cased basename
    filenames: tuple[str, ...] = ()  # fnmatch patterns on the basename: ".env", ".env.*"
    # the generic lexer's comment syntax: a line whose first word starts with one of these is a comment,
    # and so is the rest of a line from one of them after a blank (outside quotes)
    comments: tuple[str, ...] = ("#", "//")
    block_comments: tuple[tuple[str, str], ...] = ()  # ("/*", "*/")
    # the generic lexer keeps the key of a `KEY=value` / `key: value` line (the key says what is set)
    keys: bool = False
    kinds: tuple[Kind, ...] = ()  # hints for the category classifier, as in ``LanguageSpec.kinds``
    # tokens that follow a key (as ``LanguageSpec.key_marks``): the key says where, not what, and is no phrase
    key_marks: frozenset[str] = frozenset()


KEY_MARKS = frozenset({"=", ":"})


ENVIRONMENT = Kind("configuration", "environment", files=(".env", ".env.*", "*.env", "*.env.example"))

FORMATS: tuple[TextFormat, ...] = (
    # `.env`, `.env.example`, `.env.test.example`, `config.env`: KEY=value lines
    TextFormat("dotenv", filenames=(".env", ".env.*", "*.env", "*.env.*", ".envrc"), comments=("#",), keys=True,
               kinds=(ENVIRONMENT,), key_marks=KEY_MARKS),
    TextFormat("properties", lexer="properties", extensions=(".properties",), key_marks=KEY_MARKS,
               kinds=(Kind("configuration", "application", files=("application*.properties",
                                                                  "bootstrap*.properties")),)),
    TextFormat("ini", lexer="ini", extensions=(".ini", ".cfg", ".inf"), key_marks=KEY_MARKS,
               filenames=(".editorconfig", ".gitconfig", ".flake8", ".pylintrc", ".coveragerc", ".npmrc",
                          ".pypirc", "pylintrc", ".gitmodules"),
               kinds=(Kind("configuration", "tool", files=("setup.cfg", "tox.ini", ".flake8", ".editorconfig")),)),
    TextFormat("batch", lexer="batch", extensions=(".bat", ".cmd")),
    TextFormat("jinja", lexer="jinja", extensions=(".j2", ".jinja", ".jinja2")),
    TextFormat("groovy", lexer="groovy", extensions=(".gradle", ".groovy"), filenames=("Jenkinsfile",),
               kinds=(Kind("configuration", "build", files=("build.gradle", "settings.gradle", "*.gradle")),
                      Kind("ci_workflow", "jenkins", files=("Jenkinsfile",)))),
    # templates of scripts and configuration (Terraform's templatefile, Helm): `${var}` and `{{ .Values }}`
    TextFormat("template", extensions=(".tpl", ".tmpl", ".template", ".gotmpl", ".mustache", ".hbs"),
               comments=("#", "//"), block_comments=(("{{/*", "*/}}"),)),
    TextFormat("conf", extensions=(".conf", ".cnf"), comments=("#", ";"), key_marks=KEY_MARKS),
    # prose: prompts, notes; words are the content and nothing is a comment
    TextFormat("prose", extensions=(".txt", ".prompt", ".md", ".markdown", ".rst"), comments=()),
)


def format_for(path: str) -> TextFormat | None:
    """The text format of a file with no grammar, by name or extension; None: plain text of no known format."""
    return _for_basename(posixpath.basename(path))


@lru_cache(maxsize=4096)
def _for_basename(base: str) -> TextFormat | None:
    lower = base.lower()
    for fmt in FORMATS:
        if any(fnmatch.fnmatchcase(base, pat) for pat in fmt.filenames):
            return fmt
    for fmt in FORMATS:
        if any(lower.endswith(ext) for ext in fmt.extensions):
            return fmt
    return None


def by_name(name: str) -> TextFormat | None:
    return next((fmt for fmt in FORMATS if fmt.name == name), None)


def file_kinds(path: str) -> tuple[Kind, ...]:
    """The kinds (``Kind``) whose file patterns name this file, from every language and text format:
    `pom.xml` is build configuration, `.env.test.example` environment configuration. What a unit is by its
    text (``Kind.marks``) is for the caller to search."""
    base = posixpath.basename(path)
    kinds = [kind for spec in all_specs() for kind in spec.kinds] + [kind for fmt in FORMATS for kind in fmt.kinds]
    return tuple(dict.fromkeys(kind for kind in kinds if any(fnmatch.fnmatchcase(base, p) for p in kind.files)))
