"""What the offline advisor reads from the copies' text: commands, functions, actions, resources.

Pure functions over strings (no parser): each ``units_*`` function returns the named units one copy
contains, so the advisor can find what every copy shares.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

# CLIs whose subcommands identify what a script does, and how many words name a subcommand.
CLI_DEPTH = {
    "gcloud": 3, "gsutil": 2, "bq": 2, "docker": 2, "kubectl": 2, "helm": 2, "aws": 3, "az": 3,
    "terraform": 2, "firebase": 2, "npm": 2, "pip": 2, "git": 2, "curl": 1, "skaffold": 2,
}
_WORD = re.compile(r"^[a-z][a-z0-9-]*$")
_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
_LEAD = re.compile(
    r"^(?:RUN\s+|-\s*run:\s*\|?\s*|run:\s*\|?\s*|(?:local|export|readonly)\s+|(?:[A-Za-z_]\w*=)?[\"']?\$\(|"
    r"sudo\s+|exec\s+|(?:if|while|until)\s+!?\s*|then\s+|else\s+|do\s+|(?:[A-Z_][A-Z0-9_]*=\S*\s+)+)"
)


def commands(text: str) -> list[str]:
    """CLI invocations by name and subcommand ("gcloud run deploy", "docker build"), in order."""
    found: list[str] = []
    for raw in text.replace("\\\n", " ").split("\n"):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        for part in _SPLIT.split(line):
            part = part.strip().lstrip("(")
            for _ in range(3):
                part = _LEAD.sub("", part)
            words = part.split()
            if not words or words[0] not in CLI_DEPTH:
                continue
            name = [words[0]]
            for word in words[1 : CLI_DEPTH[words[0]]]:
                word = word.rstrip(")\"'`")
                if not _WORD.match(word):
                    break
                name.append(word)
            found.append(" ".join(name))
    return found


def command_units(text: str) -> set[str]:
    return set(commands(text))


_SHELL_FUNC = re.compile(r"^\s*(?:function\s+([A-Za-z_][\w-]*)\s*(?:\(\))?|([A-Za-z_][\w-]*)\s*\(\))\s*\{?", re.M)
_PY_DEF = re.compile(r"^\s*(async\s+)?def\s+([A-Za-z_]\w*)\s*\(([^)]*)\)", re.M)
_PY_CLASS = re.compile(r"^\s*class\s+([A-Za-z_]\w*)", re.M)
_JS_FUNC = re.compile(r"(?:^|\s)(async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(([^)]*)\)", re.M)
_JS_ARROW = re.compile(r"(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(async\s*)?\(([^)]*)\)[^=]*=>", re.M)
_JS_CLASS = re.compile(r"(?:^|\s)class\s+([A-Za-z_$][\w$]*)", re.M)
_GO_FUNC = re.compile(r"^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(([^)]*)\)", re.M)


def shell_functions(text: str) -> list[str]:
    return [a or b for a, b in _SHELL_FUNC.findall(text)]


def functions(text: str, language: str) -> list[tuple[str, list[str], bool]]:
    """(name, parameter names, is_async) of the functions a copy defines."""
    out: list[tuple[str, list[str], bool]] = []
    if language == "python":
        for is_async, name, params in _PY_DEF.findall(text):
            out.append((name, _params(params, language), bool(is_async)))
    elif language in ("javascript", "typescript"):
        for is_async, name, params in _JS_FUNC.findall(text):
            out.append((name, _params(params, language), bool(is_async)))
        for name, is_async, params in _JS_ARROW.findall(text):
            out.append((name, _params(params, language), bool(is_async)))
    elif language == "go":
        for name, params in _GO_FUNC.findall(text):
            out.append((name, _params(params, language), False))
    elif language == "bash":
        out.extend((name, [], False) for name in shell_functions(text))
    return out


def classes(text: str, language: str) -> list[str]:
    if language == "python":
        return _PY_CLASS.findall(text)
    if language in ("javascript", "typescript"):
        return _JS_CLASS.findall(text)
    return []


def _params(raw: str, language: str) -> list[str]:
    names: list[str] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if language == "go":
            name = part.split()[0]
        elif "=" in part or part.startswith(("*", "...")) or re.match(r"^[\w$]+\?", part):
            continue  # optional (a default) or variadic: not needed in a usage sketch
        else:
            name = re.split(r"[:=]", part, maxsplit=1)[0].strip().lstrip("*").strip()
            name = name.strip("{}[] ").split()[0] if name.strip("{}[] ") else ""
        if name and name not in ("self", "cls") and re.match(r"^[A-Za-z_$][\w$]*$", name):
            names.append(name)
    return names


_USES = re.compile(r"uses:\s*['\"]?([\w.-]+/[\w./-]+?)(?:@([\w.-]+))?['\"]?\s*$", re.M)
_STEP_NAME = re.compile(r"^\s*-\s*name:\s*['\"]?(.+?)['\"]?\s*$", re.M)
_EXPR = re.compile(r"\$\{\{\s*(secrets|vars|env|inputs)\.([A-Za-z_][\w-]*)\s*\}\}")


def actions(text: str) -> list[str]:
    """``uses:`` actions and reusable workflows, without their version."""
    return [name for name, _ in _USES.findall(text)]


def step_names(text: str) -> list[str]:
    return _STEP_NAME.findall(text)


def workflow_jobs(text: str) -> list[str]:
    jobs: list[str] = []
    in_jobs, indent = False, None
    for line in text.split("\n"):
        if re.match(r"^jobs:\s*$", line):
            in_jobs, indent = True, None
            continue
        if in_jobs:
            match = re.match(r"^(\s+)([\w-]+):\s*$", line)
            if match and (indent is None or len(match.group(1)) == indent):
                indent = len(match.group(1))
                jobs.append(match.group(2))
            elif line and not line[0].isspace():
                in_jobs = False
    return jobs


def expressions(text: str, scope: str) -> list[str]:
    """Names used as ``${{ <scope>.NAME }}`` (scope: secrets, vars, env, inputs)."""
    return [name for s, name in _EXPR.findall(text) if s == scope]


_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.M | re.I)
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\s+(.*)$")


def base_images(text: str) -> list[str]:
    return [image for image in _FROM.findall(text) if not image.startswith("$")]


def dockerfile_lines(text: str) -> list[str]:
    """Instruction lines, continuations joined and whitespace normalized."""
    out: list[str] = []
    for line in text.replace("\\\n", " ").split("\n"):
        line = " ".join(line.split())
        if line and not line.startswith("#") and _INSTRUCTION.match(line):
            out.append(line)
    return out


_TF_BLOCK = re.compile(r'^\s*(resource|data|module|variable|output|provider)\s+"([^"]+)"(?:\s+"([^"]+)")?', re.M)
_TF_ATTR = re.compile(r"^  ([a-z_][a-z0-9_]*)\s*=\s*(.+?)\s*$", re.M)


def terraform_blocks(text: str) -> list[tuple[str, str, str]]:
    """(block type, first label, second label) of each top-level block."""
    return [(kind, a, b) for kind, a, b in _TF_BLOCK.findall(text)]


_TF_END = re.compile(r"^}", re.M)


def terraform_resource_lines(text: str) -> dict[str, int]:
    """The lines of the largest top-level ``resource`` block of each type (from its first line to the ``}``
    that closes it at the start of a line)."""
    out: dict[str, int] = {}
    for m in _TF_BLOCK.finditer(text):
        if m.group(1) == "resource":
            close = _TF_END.search(text, m.start(1))
            end = close.start() if close else len(text)
            out[m.group(2)] = max(out.get(m.group(2), 0), text.count("\n", m.start(1), end) + 1)
    return out


def terraform_attributes(text: str) -> dict[str, str]:
    """First-level ``key = value`` attributes (two-space indented), first value wins."""
    out: dict[str, str] = {}
    for key, value in _TF_ATTR.findall(text):
        out.setdefault(key, value)
    return out


_SHELL_VAR = re.compile(r"\$\{?([A-Z][A-Z0-9_]{2,})\b")
_IGNORED_VARS = {"HOME", "PATH", "PWD", "USER", "SHELL", "BASH_SOURCE", "OLDPWD", "TMPDIR", "IFS", "RANDOM"}


def shell_variables(text: str) -> list[str]:
    return [v for v in _SHELL_VAR.findall(text) if v not in _IGNORED_VARS]


_HOST = re.compile(r"https?://([a-z0-9.-]+\.[a-z]{2,})", re.I)
_GENERIC_HOST_WORDS = {"api", "www", "com", "io", "net", "org", "dev", "v1", "v2", "cloud", "app", "co", "googleapis"}


def service_names(text: str) -> list[str]:
    """Service names from URLs (https://api.stripe.com/v1 -> stripe)."""
    out: list[str] = []
    for host in _HOST.findall(text):
        parts = [p for p in host.lower().split(".") if p not in _GENERIC_HOST_WORDS and not p.isdigit()]
        if parts and parts[-1] not in ("localhost", "example"):
            out.append(parts[-1])
    return out


def shared(per_copy: Sequence[Sequence[str]], *, minimum: float = 1.0) -> list[tuple[str, list[int]]]:
    """Units found in at least ``minimum`` (a fraction) of the copies, and in two of them, most
    widespread first (then in order of appearance), each with the indexes of the copies holding it."""
    where: dict[str, list[int]] = {}
    for index, units in enumerate(per_copy):
        for unit in dict.fromkeys(units):
            where.setdefault(unit, []).append(index)
    need = max(2, math.ceil(minimum * len(per_copy))) if len(per_copy) > 1 else 1
    order = {unit: i for i, unit in enumerate(where)}
    hits = [(unit, idx) for unit, idx in where.items() if len(idx) >= need]
    return sorted(hits, key=lambda item: (-len(item[1]), order[item[0]]))


def most_common(values: Iterable[str]) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None
