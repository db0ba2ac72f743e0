#!/usr/bin/env python3
"""Refuses a release whose tag, package version and Action image disagree.

    python3 scripts/check_release.py v1.2.3

The version lives in src/pattern_miner/__init__.py; action.yml must run the image published for it,
and the tag must be ``v`` + that version. Read as text, so it needs neither the package nor a YAML parser.
Exit 0 when they agree; otherwise one line per disagreement and exit 1.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "ghcr.io/patelmm79/pattern-miner"


def package_version(root: Path = ROOT) -> str:
    text = (root / "src" / "pattern_miner" / "__init__.py").read_text()
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not match:
        raise SystemExit("src/pattern_miner/__init__.py: no __version__ = \"X.Y.Z\" line")
    return match.group(1)


def action_image(root: Path = ROOT) -> str:
    match = re.search(r"^  image: (\S+)$", (root / "action.yml").read_text(), re.MULTILINE)
    return match.group(1) if match else "(no runs.image in action.yml)"


def problems(tag: str, root: Path = ROOT) -> list[str]:
    version = package_version(root)
    out = []
    if not re.fullmatch(r"v\d+\.\d+\.\d+", tag):
        out.append(f"tag {tag!r} is not vX.Y.Z")
    if tag != f"v{version}":
        out.append(f"tag {tag} != v + __version__ ({version}): bump src/pattern_miner/__init__.py first")
    if action_image(root) != f"docker://{IMAGE}:{version}":
        out.append(f"action.yml runs {action_image(root)}, not docker://{IMAGE}:{version}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: check_release.py vX.Y.Z", file=sys.stderr)
        return 2
    found = problems(argv[0])
    for line in found:
        print(f"::error::{line}")
    if not found:
        print(f"{argv[0]}: __version__ and action.yml's image agree")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
