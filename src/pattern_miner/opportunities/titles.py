"""Names for opportunities: a title a person reads in a list, a one-sentence summary, a stable id."""

from __future__ import annotations

import hashlib
import posixpath
from collections import Counter
from collections.abc import Iterable

from pattern_miner.model import Pattern

CATEGORY_LABEL = {
    "deployment": "Deployment", "ci_workflow": "CI workflow", "container": "Container configuration",
    "infrastructure": "Infrastructure", "api_client": "API client", "configuration": "Configuration loading",
    "code": "Code",
}
LANGUAGE_LABEL = {
    "python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "tsx": "TSX", "go": "Go",
    "bash": "Shell", "dockerfile": "Dockerfile", "yaml": "YAML", "hcl": "Terraform", "json": "JSON", "text": "Text",
}


def digest(*parts: str) -> str:
    return hashlib.blake2b("|".join(parts).encode(), digest_size=6).hexdigest()


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def module_name(patterns: Iterable[Pattern]) -> str:
    """The file name most of a group's copies live in (ties: the first alphabetically); for Terraform, the
    folder (its module)."""
    names = Counter(posixpath.basename(posixpath.dirname(o.path)) + "/" if o.language == "hcl" or p.language == "hcl"
                    else posixpath.basename(o.path) for p in patterns for o in p.occurrences)
    return min(names, key=lambda n: (-names[n], n)) if names else "module"


def single_title(p: Pattern, category: str, repos: int) -> str:
    label = CATEGORY_LABEL.get(category, "Code")
    first = p.occurrences[0] if p.occurrences else None
    base = posixpath.basename(first.path) if first else ""
    if category == "code":
        label = f"{LANGUAGE_LABEL.get(p.language, p.language)} code" if p.language else label
    what = f"`{base}`" if p.kind == "file" else f"{p.kind} `{first.name if first and first.name else base}` ({base})"
    return f"{label} {what} in {repos_word(repos)}"


def repos_word(n: int) -> str:
    return f"{n} repository" if n == 1 else f"{n} repositories"


def content_hash(parts: Iterable[str]) -> str:
    h = hashlib.blake2b(digest_size=8)
    for part in sorted(parts):
        h.update(part.encode())
        h.update(b"|")
    return h.hexdigest()
