"""Names for the offline advisor: package names, identifiers, and a pattern's representative copy."""

from __future__ import annotations

import re
from collections import Counter

from pattern_miner.advise.knowledge import GENERIC_NAMES
from pattern_miner.advise.models import LIBRARY_NAME, LIBRARY_NAME_MAX


def words(text: str) -> list[str]:
    """Lowercase words of an identifier or path: fetchWithRetry, fetch_with_retry, fetch-with-retry."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    return [w for w in re.split(r"[^A-Za-z0-9]+", text.lower()) if w]


def package_name(*parts: str, fallback: str = "shared-library") -> str:
    """A valid package name (lowercase, hyphens) from the words of ``parts``; duplicates collapsed."""
    out: list[str] = []
    for part in parts:
        for word in words(part):
            if not out or out[-1] != word:
                out.append(word)
    while out and not out[0][0].isalpha():
        out.pop(0)
    name = "-".join(out)
    while len(name) > LIBRARY_NAME_MAX and "-" in name:
        name = name.rsplit("-", 1)[0]
    name = name[:LIBRARY_NAME_MAX].rstrip("-")
    return name if len(name) >= 2 and LIBRARY_NAME.match(name) else fallback


def snake(name: str) -> str:
    return "_".join(words(name)) or "shared"


def camel(name: str) -> str:
    parts = words(name) or ["shared"]
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def pascal(name: str) -> str:
    return "".join(p.capitalize() for p in words(name)) or "Shared"


def is_generic(name: str) -> bool:
    return not name or name.lower() in GENERIC_NAMES or len(name) < 3


def path_stem(paths: list[str]) -> str:
    """The most common file stem of the copies, with its directory when the stem alone is generic."""
    stems = []
    for path in paths:
        parts = path.split("/")
        stem = re.sub(r"\.[^.]*$", "", parts[-1]) or parts[-1]
        if is_generic(stem) and len(parts) > 1:
            stem = f"{parts[-2]}-{stem}"
        stems.append(stem)
    return Counter(stems).most_common(1)[0][0] if stems else ""
