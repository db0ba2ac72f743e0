"""Issue title and body from an opportunity and its recommendation.

A ``single`` opportunity reads as the per-pattern issue always did (``render_issue``), under the
opportunity's marker. Every other kind lists its components, each with its copies, similarity and lines,
and a family its shared and diverged files. ``redact``: no code, no private repository names or paths.
The body is at most ``BODY_LIMIT`` characters: components, copies and shared files are listed shorter
and shorter until it fits, and the marker always ends it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pattern_miner.model import Occurrence, Opportunity, Pattern
from pattern_miner.render.issue import (
    BODY_LIMIT,
    PRIVATE_LABEL,
    TITLE_LIMIT,
    RenderedIssue,
    _marker_last,
    _occurrence_view,
    _recommendation_view,
    render_issue,
)
from pattern_miner.render.markdown import code_span, md_text
from pattern_miner.render.marker import Marker
from pattern_miner.render.redact import PRIVATE_FILE, PrivateNames, scrub
from pattern_miner.render.templates import Templates

# (components, copies per component, shared files) to list, longest first, until the body fits
LIST_STEPS = ((40, 12, 150), (20, 5, 60), (8, 2, 20), (3, 1, 5))

KIND_LABEL = {
    "family": "repositories that are copies of each other",
    "library": "units that travel together (one library)",
    "region": "a large copy edited after it was made",
    "single": "one piece of code or configuration",
    "semantic": "the same job written independently",
    "template": "stock files a tool generates",
}
FAMILY_OPTIONS = (  # what one does with repositories that are copies of each other
    "**One upstream**: make one repository the template (a GitHub template repository, or a sync job that "
    "opens pull requests in the others) and let the copies follow it.",
    "**A monorepo**: move the repositories into one, so the shared part exists once.",
    "**A shared package**: extract what they share into a library or reusable workflow they depend on, and "
    "keep only what differs in each.",
)
DEFAULT_ACTION = {
    "family": "Consolidate: keep one upstream (a template repository, or sync from it), merge into a monorepo, "
              "or move the shared part into a package the repositories depend on.",
    "library": "Extract the components into one shared library and replace the copies with it.",
    "region": "Extract the shared part of the copies into one module, and keep what each copy changed as "
              "parameters.",
    "semantic": "Pick the best of the implementations, make it a shared library, and retire the others.",
    "template": "Adopt one shared template (or a reusable workflow) instead of the generated copies.",
}


def _shared_rows(opp: Opportunity, names: dict[str, str], private_paths: set[str],
                 private_repos: set[str]) -> list[dict[str, str]]:
    """A family's files: a private file (a private copy's path, or a file only a private repository has)
    is not named when ``names`` are redacted."""
    rows = []
    for path, state in opp.shared:
        private = path in private_paths or any(repo in state for repo in private_repos)
        shown = PRIVATE_FILE if private else path
        rows.append({"path": code_span(shown) if shown != PRIVATE_FILE else shown,
                     "state": md_text(scrub(state, names), inline=True, links=False).replace("|", "\\|")})
    return rows


def _component(p: Pattern, max_copies: int, redact: bool, names: dict[str, str]) -> dict[str, Any]:
    occs = p.occurrences[:max_copies]
    return {
        "title": md_text(scrub(p.title, names), inline=True, links=False),
        "kind": md_text(p.kind, inline=True),
        "similarity_pct": round(p.similarity * 100) if p.similarity > 0 else None,  # none: variants, not copies
        "lines": p.lines,
        "copy_count": len(p.occurrences),
        "copies": [_occurrence_view(o, redact and o.private) for o in occs],
        "more_copies": len(p.occurrences) - len(occs),
    }


def _own_copies(opp: Opportunity) -> Pattern | None:
    """A region's or semantic set's own occurrences that no component shows (a component's copy in the same
    file covering half of one shows it), as one more component."""
    listed: dict[tuple[str, str], list[Occurrence]] = {}
    for p in opp.patterns:
        for o in p.occurrences:
            listed.setdefault((o.repo, o.path), []).append(o)

    def shown(o: Occurrence) -> bool:
        return any(min(o.end_line, c.end_line) - max(o.start_line, c.start_line) + 1 >= 0.5 * o.lines
                   for c in listed.get((o.repo, o.path), ()))

    own = tuple(o for o in opp.occurrences if not shown(o))
    if not own:
        return None
    lines = round(sum(o.lines for o in own) / len(own))
    label = "Variants" if opp.kind == "semantic" else "Copies"
    return Pattern(opp.id, "", "file" if opp.kind == "region" else "unit", "", f"{label} ({len(own)})",
                   0.0, opp.confidence, 0.0, lines, own)


def render_opportunity(
    opp: Opportunity,
    recommendation: Any,
    *,
    marker: Marker,
    occurrences: tuple[Occurrence, ...],
    first_seen: str,
    redact: bool = False,
    templates: Templates | None = None,
) -> RenderedIssue:
    """Title and body for ``opp`` (``occurrences``: every copy it shows), ending with ``marker``."""
    templates = templates or Templates()
    if opp.kind == "single" and len(opp.patterns) == 1:
        lead = opp.patterns[0]
        return render_issue(lead if lead.title == opp.title else _retitled(lead, opp.title), recommendation,
                            first_seen=first_seen, redact=redact, templates=templates, marker=marker)
    private = PrivateNames.of_patterns([Pattern("", "", "", "", "", 0, "", 0, 0, occurrences)])
    names = private.replacements() if redact else {}
    private_paths = (private.paths - private.public_paths) if redact else set()
    private_count = sum(1 for o in occurrences if o.private) if redact else 0
    components = list(opp.patterns)
    own = _own_copies(opp)
    if own is not None:
        components.append(own)
    title_text = md_text(scrub(opp.title, names), inline=True, links=False)
    summary = opp.summary or (f"{len(components)} components copied across {len(opp.repos)} repositories, "
                              f"about {opp.lines} duplicated lines.")
    base: dict[str, Any] = {
        "title": title_text,
        "opp": {
            "id": opp.id,
            "lead": md_text(f"We've detected {KIND_LABEL.get(opp.kind, opp.kind)} across {len(opp.repos)} "
                            "repositories: one extraction removes all of it.", inline=True, links=False),
            "summary": md_text(scrub(summary, names), links=False),
            "kind_label": md_text(f"{opp.kind} ({opp.category})", inline=True),
            "repo_count": len(opp.repos),
            "component_count": len(components),
            "lines": opp.lines,
            "confidence": md_text(opp.confidence, inline=True),
            "default_action": DEFAULT_ACTION.get(opp.kind, DEFAULT_ACTION["library"]),
            "family": opp.kind == "family",
        },
        "rec": _recommendation_view(recommendation, names, redact),
        "redacted": redact and private_count > 0,
        "private_count": private_count,
        "first_seen": first_seen,
        "marker": marker.render(),
        "options": list(FAMILY_OPTIONS) if opp.kind == "family" else [],
    }
    title = templates.render("issue_title.j2", **base, pattern={"kind": opp.kind}).strip().replace("\n", " ")
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    shared = _shared_rows(opp, names, private_paths, private.repos if redact else set())
    body = ""
    for max_components, max_copies, max_shared in LIST_STEPS:
        body = templates.render(
            "opportunity_body.md.j2", **base,
            components=[_component(p, max_copies, redact, names) for p in components[:max_components]],
            more_components=max(0, len(components) - max_components),
            shared=shared[:max_shared], more_shared=max(0, len(shared) - max_shared),
        )
        body = _marker_last(body, marker)
        if len(body) <= BODY_LIMIT:
            return RenderedIssue(opp.id, title, body, marker, base["redacted"])
    tail = "\n\n_(truncated)_\n\n" + marker.render() + "\n"
    return RenderedIssue(opp.id, title, body[: BODY_LIMIT - len(tail)] + tail, marker, base["redacted"])


def _retitled(p: Pattern, title: str) -> Pattern:
    return replace(p, title=title)


__all__ = ["PRIVATE_LABEL", "render_opportunity"]
