"""Scan reports for people and tools: a terminal table, JSON, Markdown and SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import Any

from pattern_miner import __version__
from pattern_miner.model import Pattern, ScanReport
from pattern_miner.render.markdown import link_target, md_name, visible

FORMATS = ("table", "json", "markdown", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"High": "warning", "Medium": "note", "Low": "note"}

def render(report: ScanReport, fmt: str, *, with_text: bool = False, limit: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(with_text=with_text), indent=1) + "\n"
    if fmt == "markdown":
        return markdown(report, limit=limit)
    if fmt == "sarif":
        return json.dumps(sarif(report), indent=1) + "\n"
    return table(report, limit=limit)


def _location(o: Any) -> str:
    span = "" if o.unit == "file" else f":{o.start_line}-{o.end_line}"
    return f"{o.repo}/{o.path}{span}"


def table(report: ScanReport, *, limit: int | None = None) -> str:
    s = report.stats
    lines = [
        f"Scanned {s.repositories} repositories, {s.files_scanned} files, {s.lines_scanned} lines in {s.seconds:.1f} s.",
    ]
    if s.files_skipped:
        lines.append("Skipped: " + ", ".join(f"{n} {reason}" for reason, n in sorted(s.files_skipped.items())))
    if s.parse_fallbacks:
        lines.append(f"Compared line by line (no grammar or unparsable): {s.parse_fallbacks} files")
    for f in report.failures:
        lines.append(f"Failed: {visible(f.repo)}: {visible(f.reason)}")
    if not report.patterns:
        lines.append("No patterns copied across repositories were found.")
        return "\n".join(lines) + "\n"
    lines.append(f"{len(report.patterns)} patterns, {len(report.actionable)} extraction opportunities:\n")
    header = f"{'#':>3}  {'confidence':10}  {'similar':>7}  {'repos':>5}  {'lines':>5}  {'type':15}  pattern"
    lines.append(header)
    lines.append("-" * len(header))
    shown = report.patterns[:limit] if limit else report.patterns
    for rank, p in enumerate(shown, 1):
        lines.append(f"{rank:>3}  {p.confidence:10}  {p.similarity:>7.0%}  {len(p.repos):>5}  {p.lines:>5}  "
                     f"{p.pattern_type:15}  {visible(p.title)}  [{p.id}]")
        for o in p.occurrences:
            lines.append(f"{'':>8}{visible(_location(o))}")
    if limit and len(report.patterns) > limit:
        lines.append(f"... and {len(report.patterns) - limit} more (use --format json for all)")
    return "\n".join(lines) + "\n"


def markdown(report: ScanReport, *, limit: int | None = None) -> str:
    s = report.stats
    out = [
        "# Pattern Miner report\n",
        f"{s.repositories} repositories, {s.files_scanned} files, {s.lines_scanned} lines scanned; "
        f"**{len(report.patterns)} patterns**, **{len(report.actionable)} extraction opportunities**.\n",
    ]
    if report.patterns:
        out.append("| # | Pattern | Type | Similarity | Confidence | Repositories | Lines |")
        out.append("|---|---|---|---|---|---|---|")
        shown = report.patterns[:limit] if limit else report.patterns
        for rank, p in enumerate(shown, 1):
            out.append(f"| {rank} | {md_name(p.title)} | {p.pattern_type} | {p.similarity:.0%} | {p.confidence} "
                       f"| {len(p.repos)} | {p.lines} |")
        for rank, p in enumerate(shown, 1):
            out.append(f"\n## {rank}. {md_name(p.title)}\n")
            out.append(f"`{p.id}` · {p.kind} · {p.language} · similarity {p.similarity:.0%} ({p.confidence})\n")
            for o in p.occurrences:
                label = md_name(_location(o))
                out.append(f"- [{label}]({link_target(o.url)})" if o.url else f"- {label}")
    if report.failures:
        out.append("\n## Repositories that failed\n")
        out.extend(f"- {md_name(f.repo)}: {md_name(f.reason)}" for f in report.failures)
    return "\n".join(out) + "\n"


def sarif(report: ScanReport) -> dict[str, Any]:
    """SARIF 2.1.0: one result per pattern, at its first copy, the other copies as related locations.

    Paths are relative to their repository; each repository is a ``uriBaseId`` resolved in
    ``originalUriBaseIds`` (its web URL at the scanned commit when known)."""
    types = sorted({p.pattern_type for p in report.patterns})
    rules = [{
        "id": f"pattern-miner/{t}",
        "name": "".join(w.capitalize() for w in t.split("_")) + "Duplication",
        "shortDescription": {"text": f"{t.replace('_', ' ')} copied across repositories"},
        "helpUri": "https://github.com/patelmm79/pattern-miner",
    } for t in types]
    bases: dict[str, dict[str, Any]] = {}
    for repo in report.repositories:
        base: dict[str, Any] = {"description": {"text": repo.name}}
        if repo.html_url:
            base["uri"] = f"{repo.html_url}/blob/{repo.commit or repo.default_branch or 'HEAD'}/"
        bases[_base_id(repo.name)] = base
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pattern-miner", "version": __version__,
                                "informationUri": "https://github.com/patelmm79/pattern-miner", "rules": rules}},
            "originalUriBaseIds": bases,
            "results": [_result(p) for p in report.patterns],
        }],
    }


def _base_id(repo: str) -> str:
    return repo.replace("/", "__").upper()


def _physical(o: Any) -> dict[str, Any]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": o.path, "uriBaseId": _base_id(o.repo)},
        "region": {"startLine": o.start_line, "endLine": o.end_line},
    }}


def _result(p: Pattern) -> dict[str, Any]:
    first, *others = p.occurrences
    repos = ", ".join(p.repos)
    related = []
    for i, o in enumerate(others, 1):
        loc = _physical(o)
        loc["id"] = i
        loc["message"] = {"text": f"copy in {o.repo}"}
        related.append(loc)
    return {
        "ruleId": f"pattern-miner/{p.pattern_type}",
        "level": _LEVEL.get(p.confidence, "note"),
        "message": {"text": f"{p.title}: {len(p.occurrences)} copies across {len(p.repos)} repositories "
                            f"({repos}), {p.similarity:.0%} similar. Candidate for a shared library."},
        "locations": [_physical(first)],
        "relatedLocations": related,
        "partialFingerprints": {"patternMinerId/v1": p.id},
        "properties": {"similarity": round(p.similarity, 4), "confidence": p.confidence, "kind": p.kind},
    }
