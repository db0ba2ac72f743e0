"""Scan reports for people and tools: a terminal table, JSON, Markdown and SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import Any

from pattern_miner import __version__
from pattern_miner.model import Opportunity, Pattern, ScanReport
from pattern_miner.render.markdown import link_target, md_name, visible

FORMATS = ("table", "json", "markdown", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"High": "warning", "Medium": "note", "Low": "note"}
SHOWN_COMPONENTS = 12  # of a family's or a library's components, listed under it in the table and Markdown
SHOWN_SHARED = 40  # rows of a family's shared/diverged table in Markdown

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
    lines.append(f"{len(report.patterns)} patterns, {report.opportunity_count} extraction opportunities:\n")
    if report.opportunities:
        return "\n".join(lines + _opportunity_table(report.opportunities, limit)) + "\n"
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


def _opportunity_table(opportunities: tuple[Opportunity, ...], limit: int | None) -> list[str]:
    header = (f"{'#':>3}  {'kind':8}  {'category':14}  {'value':>8}  {'confidence':10}  {'repos':>5}  {'lines':>6}  "
              "opportunity")
    lines = [header, "-" * len(header)]
    shown = opportunities[:limit] if limit else opportunities
    for o in shown:
        lines.append(f"{o.rank:>3}  {o.kind:8}  {o.category:14}  {o.value:>8.1f}  {o.confidence:10}  "
                     f"{len(o.repos):>5}  {o.lines:>6}  {visible(o.title)}  [{o.id}]")
        if o.kind == "single":
            lines.extend(f"{'':>8}{visible(_location(c))}" for c in o.occurrences)
            continue
        lines.append(f"{'':>8}{visible(o.summary)}")
        for p in o.patterns[:SHOWN_COMPONENTS]:
            lines.append(f"{'':>8}- {visible(p.title)}  [{p.id}]  {len(p.occurrences)} copies, {p.lines} lines")
            lines.extend(f"{'':>12}{visible(_location(c))}" for c in p.occurrences)
        if len(o.patterns) > SHOWN_COMPONENTS:
            lines.append(f"{'':>8}... and {len(o.patterns) - SHOWN_COMPONENTS} more components")
    if limit and len(opportunities) > limit:
        lines.append(f"... and {len(opportunities) - limit} more (use --format json for all)")
    return lines


def _opportunity_markdown(opportunities: tuple[Opportunity, ...], limit: int | None) -> list[str]:
    out = ["| # | Opportunity | Kind | Category | Value | Confidence | Repositories | Lines |",
           "|---|---|---|---|---|---|---|---|"]
    shown = opportunities[:limit] if limit else opportunities
    for o in shown:
        out.append(f"| {o.rank} | {md_name(o.title)} | {o.kind} | {o.category} | {o.value:.1f} | {o.confidence} "
                   f"| {len(o.repos)} | {o.lines} |")
    for o in shown:
        out.append(f"\n## {o.rank}. {md_name(o.title)}\n")
        out.append(f"`{o.id}` · {o.kind} · {o.category} · value {o.value:.1f} ({o.confidence})\n")
        out.append(md_name(o.summary) + "\n")
        if o.kind == "single":
            out.extend(_md_location(c) for c in o.occurrences)
            continue
        if o.shared:
            out.append("| Path | State |")
            out.append("|---|---|")
            out.extend(f"| {md_name(path)} | {md_name(state)} |" for path, state in o.shared[:SHOWN_SHARED])
            if len(o.shared) > SHOWN_SHARED:
                out.append(f"\n... and {len(o.shared) - SHOWN_SHARED} more files")
            out.append("")
        for p in o.patterns[:SHOWN_COMPONENTS]:
            out.append(f"- {md_name(p.title)} (`{p.id}`, {p.similarity:.0%} similar, {p.lines} lines)")
            out.extend("  " + _md_location(c) for c in p.occurrences)
        if len(o.patterns) > SHOWN_COMPONENTS:
            out.append(f"- ... and {len(o.patterns) - SHOWN_COMPONENTS} more components")
    return out


def _md_location(o: Any) -> str:
    label = md_name(_location(o))
    return f"- [{label}]({link_target(o.url)})" if o.url else f"- {label}"


def markdown(report: ScanReport, *, limit: int | None = None) -> str:
    s = report.stats
    out = [
        "# Pattern Miner report\n",
        f"{s.repositories} repositories, {s.files_scanned} files, {s.lines_scanned} lines scanned; "
        f"**{len(report.patterns)} patterns**, **{report.opportunity_count} extraction opportunities**.\n",
    ]
    if report.opportunities:
        out.extend(_opportunity_markdown(report.opportunities, limit))
    elif report.patterns:
        out.append("| # | Pattern | Type | Similarity | Confidence | Repositories | Lines |")
        out.append("|---|---|---|---|---|---|---|")
        shown = report.patterns[:limit] if limit else report.patterns
        for rank, p in enumerate(shown, 1):
            out.append(f"| {rank} | {md_name(p.title)} | {p.pattern_type} | {p.similarity:.0%} | {p.confidence} "
                       f"| {len(p.repos)} | {p.lines} |")
        for rank, p in enumerate(shown, 1):
            out.append(f"\n## {rank}. {md_name(p.title)}\n")
            out.append(f"`{p.id}` · {p.kind} · {p.language} · similarity {p.similarity:.0%} ({p.confidence})\n")
            out.extend(_md_location(o) for o in p.occurrences)
    if report.failures:
        out.append("\n## Repositories that failed\n")
        out.extend(f"- {md_name(f.repo)}: {md_name(f.reason)}" for f in report.failures)
    return "\n".join(out) + "\n"


def sarif(report: ScanReport) -> dict[str, Any]:
    """SARIF 2.1.0: one result per pattern, at its first copy, the other copies as related locations; in
    the order of the opportunities the patterns are components of, each result naming its opportunity.

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
            "results": _results(report),
        }],
    }


def _base_id(repo: str) -> str:
    return repo.replace("/", "__").upper()


def _physical(o: Any) -> dict[str, Any]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": o.path, "uriBaseId": _base_id(o.repo)},
        "region": {"startLine": o.start_line, "endLine": o.end_line},
    }}


def _results(report: ScanReport) -> list[dict[str, Any]]:
    owner: dict[str, Opportunity] = {}
    for o in report.opportunities:
        for p in o.patterns:
            owner.setdefault(p.id, o)
    order = {o.id: o.rank for o in report.opportunities}
    patterns = sorted(report.patterns, key=lambda p: order.get(owner[p.id].id, 0) if p.id in owner else len(order) + 1)
    out = []
    for p in patterns:
        result = _result(p)
        if p.id in owner:
            o = owner[p.id]
            result["partialFingerprints"]["patternMinerOpportunity/v1"] = o.id
            result["properties"]["opportunity"] = {"id": o.id, "rank": o.rank, "kind": o.kind,
                                                   "category": o.category, "title": o.title}
        out.append(result)
    return out


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
