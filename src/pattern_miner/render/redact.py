"""Private names out of public places: issues in public repositories, a public run's summary, artifacts.

``PrivateNames`` collects what names a private repository's content: the repository's full and short
name and the paths of its files. ``scrub`` replaces them in any text, whatever wrote it (a title, the
model's or the offline advisor's recommendation, a warning); ``redact_report`` takes them out of the JSON
report, structurally first (occurrences, repositories, failures, skips, history keys), then as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pattern_miner.model import Pattern, ScanReport

PRIVATE_REPO = "a private repository"
PRIVATE_FILE = "a private file"
MIN_SHORT_NAME = 4  # a shorter repository name ("api") would scrub ordinary words


@dataclass
class PrivateNames:
    repos: set[str] = field(default_factory=set)  # "owner/name"
    paths: set[str] = field(default_factory=set)  # paths of files in private repositories
    public_paths: set[str] = field(default_factory=set)  # paths that public copies have too: not secret

    @classmethod
    def of_patterns(cls, patterns: Iterable[Pattern], repos: Iterable[str] = ()) -> PrivateNames:
        names = cls(repos=set(repos))
        for p in patterns:
            for o in p.occurrences:
                if o.private:
                    names.repos.add(o.repo)
                    names.paths.add(o.path)
                else:
                    names.public_paths.add(o.path)
        return names

    @classmethod
    def of_report(cls, report: ScanReport) -> PrivateNames:
        names = cls.of_patterns(report.patterns, (r.name for r in report.repositories if r.private))
        names.paths |= {s.path for s in report.skips if s.repo in names.repos}
        return names

    def __bool__(self) -> bool:
        return bool(self.repos)

    def replacements(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for repo in self.repos:
            out[repo] = PRIVATE_REPO
            short = repo.rsplit("/", 1)[-1]
            if len(short) >= MIN_SHORT_NAME:
                out[short] = PRIVATE_REPO
        for path in self.paths - self.public_paths:
            out[path] = PRIVATE_FILE
            base = path.rsplit("/", 1)[-1]
            if len(base) >= MIN_SHORT_NAME and not any(p.rsplit("/", 1)[-1] == base for p in self.public_paths):
                out.setdefault(base, PRIVATE_FILE)
        return out

    def scrub(self, text: str) -> str:
        return scrub(text, self.replacements()) if self else text


def scrub(text: str, names: dict[str, str]) -> str:
    """Replace each name (case-insensitive, not inside a longer name or path) by its replacement."""
    for name, replacement in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if name:
            text = re.sub(rf"(?<![\w/.-]){re.escape(name)}(?![\w/-])", replacement, text, flags=re.IGNORECASE)
    return text


def redact_report(data: dict[str, Any], names: PrivateNames) -> dict[str, Any]:
    """The JSON report as a public artifact: private copies keep their place in a pattern or an opportunity
    (a count says there were some) but lose their repository, path, link and text; private repositories,
    their failures, skips and history keys are left out; whatever text is left is scrubbed."""
    if not names:
        return data
    out = dict(data)

    def occurrence(o: dict[str, Any]) -> dict[str, Any]:
        if o.get("repo") not in names.repos:
            return o
        return {**o, "repo": PRIVATE_REPO, "path": "", "name": "", "url": None, "commit": None, "text": ""}

    patterns = []
    for p in data.get("patterns", []):
        occs = [occurrence(o) for o in p.get("occurrences", [])]
        repos = [r for r in p.get("repos", []) if r not in names.repos]
        patterns.append({**p, "occurrences": occs, "repos": repos,
                         "private_repos": len(p.get("repos", [])) - len(repos)})
    out["patterns"] = patterns
    opportunities = []
    for o in data.get("opportunities", []):
        repos = [r for r in o.get("repos", []) if r not in names.repos]
        hidden = len(o.get("repos", [])) - len(repos)
        shared = [] if hidden else o.get("shared", [])  # a family's file list names a private repository's files
        opportunities.append({**o, "occurrences": [occurrence(c) for c in o.get("occurrences", [])], "repos": repos,
                              "private_repos": hidden, "shared": shared})
    out["opportunities"] = opportunities
    out["repositories"] = [r for r in data.get("repositories", []) if r.get("name") not in names.repos]
    out["private_repositories"] = len(data.get("repositories", [])) - len(out["repositories"])
    out["failures"] = [f for f in data.get("failures", []) if f.get("repo") not in names.repos]
    out["skipped"] = [s for s in data.get("skipped", []) if s.get("repo") not in names.repos]
    for key in ("history", "opportunity_history"):
        if isinstance(data.get(key), dict):
            out[key] = {pid: _history(h, names) for pid, h in data[key].items()}
    return dict(json.loads(names.scrub(json.dumps(out, ensure_ascii=False))))


def _history(entry: Any, names: PrivateNames) -> Any:
    if not isinstance(entry, dict):
        return entry
    keep = {}
    for key, value in entry.items():
        if key in ("added", "removed") and isinstance(value, list):
            value = [k for k in value if str(k).split(":", 1)[0] not in names.repos]
        keep[key] = value
    return keep
