"""Issue title and body from a pattern and its recommendation, through Jinja templates.

Templates only ever see already-sanitized Markdown strings (see ``publish.markdown``), so a user's own
template cannot pass raw file content or model text through. A body is at most 65,536 characters:
excerpts are trimmed first, then the list of copies, and the marker always stays at the end.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pattern_miner.model import Occurrence, Pattern
from pattern_miner.render.markdown import code_span, fence, link, md_text
from pattern_miner.render.marker import Marker
from pattern_miner.render.redact import PRIVATE_REPO, PrivateNames, scrub
from pattern_miner.render.templates import Templates
from pattern_miner.representative import representative_pair

BODY_LIMIT = 65_536  # GitHub rejects longer issue and comment bodies
TITLE_LIMIT = 256
PRIVATE_LABEL = PRIVATE_REPO
EXCERPT_STEPS = (120, 40, 10, 0)  # excerpt lines to try, longest first, until the body fits
COPY_STEPS = (None, 60, 20, 5)  # copies listed in full, then "and N more"


@dataclass(frozen=True)
class RenderedIssue:
    pattern_id: str
    title: str
    body: str
    marker: Marker
    redacted: bool = False


def confidence_phrase(pattern: Pattern) -> str:
    return f"{round(pattern.similarity * 100)}% - {pattern.confidence} confidence for extraction"


def _plural(kind: str) -> str:
    return kind if kind.endswith("s") else kind + "s"


def _occurrence_view(occ: Occurrence, hidden: bool) -> dict[str, str]:
    if hidden:
        return {"repo": PRIVATE_LABEL, "file": "", "unit": "", "lines": ""}
    lines = f"L{occ.start_line}" + (f"–L{occ.end_line}" if occ.end_line != occ.start_line else "")
    repo_url = None
    if occ.url and "/blob/" in occ.url:
        repo_url = occ.url.split("/blob/", 1)[0]
    unit = f"{md_text(occ.unit, inline=True)} {code_span(occ.name)}" if occ.name and occ.unit != "file" else ""
    return {
        "repo": link(occ.repo, repo_url),
        "file": link(f"{occ.path} ({lines})", occ.url),
        "unit": unit,
        "lines": lines,
    }


def _excerpt(pattern: Pattern, max_lines: int) -> dict[str, str] | None:
    if max_lines <= 0:
        return None
    first, second = representative_pair(pattern.occurrences)
    if second is None:
        return None
    a, b = pattern.occurrences[first], pattern.occurrences[second]
    la, lb = f"{a.repo}/{a.path}", f"{b.repo}/{b.path}"
    diff = list(difflib.unified_diff(a.text.splitlines(), b.text.splitlines(), la, lb, lineterm="", n=3))
    if diff:
        summary, body, lang = f"Differences between two copies ({la} and {lb})", diff, "diff"
    else:
        summary, body, lang = f"Excerpt ({la}; the copies are identical after normalization)", a.text.splitlines(), a.language
    if len(body) > max_lines:
        body = body[:max_lines] + [f"… ({len(body) - max_lines} more lines)"]
    return {"summary": md_text(summary, inline=True, links=False), "code": fence("\n".join(body), lang)}


def _recommendation_view(rec: Any, names: dict[str, str], redact: bool) -> dict[str, Any] | None:
    if rec is None:
        return None

    def text(value: Any, inline: bool = False) -> str:
        return md_text(scrub(str(value or ""), names), inline=inline)

    components = []
    for comp in getattr(rec, "components", None) or ():
        components.append({"name": text(getattr(comp, "name", ""), True), "description": text(getattr(comp, "description", ""), True)})
    savings = getattr(rec, "time_savings", None)
    usage = str(getattr(rec, "usage", "") or "")
    return {
        "library_name": code_span(scrub(str(getattr(rec, "library_name", "") or ""), names)),
        "summary": text(getattr(rec, "summary", "")),
        "components": components,
        # a usage sketch is written from the copies' code: a redacted issue leaves it out
        "usage": fence(usage, str(getattr(rec, "usage_language", "") or "")) if usage.strip() and not redact else "",
        "migration_steps": [text(s, True) for s in getattr(rec, "migration_steps", None) or ()],
        "minutes_per_use": getattr(savings, "minutes_per_use", None) if savings is not None else None,
        "savings_reasoning": text(getattr(savings, "reasoning", ""), True) if savings is not None else "",
        "risks": [text(s, True) for s in getattr(rec, "risks", None) or ()],
        "source": text(getattr(rec, "source", ""), True),
        "model": text(getattr(rec, "model", ""), True),
    }


def _marker_last(body: str, marker: Marker) -> str:
    """The body ending with the marker, its fixed place (a custom template may have put it elsewhere)."""
    text = marker.render()
    if body.rstrip().endswith(text):
        return body
    return body.rstrip("\n") + "\n\n" + text + "\n"


def render_issue(
    pattern: Pattern,
    recommendation: Any = None,
    *,
    first_seen: str,
    redact: bool = False,
    templates: Templates | None = None,
    marker: Marker | None = None,
) -> RenderedIssue:
    """Title and body for ``pattern``. ``redact``: no code and no private repository names. ``marker``: the
    one to end the body with (an opportunity's); by default the pattern's own."""
    templates = templates or Templates()
    names = PrivateNames.of_patterns([pattern]).replacements() if redact else {}
    marker = marker or Marker.for_pattern(pattern, first_seen, redact=redact)
    title_text = scrub(pattern.title, names)
    rec = _recommendation_view(recommendation, names, redact)
    private_count = sum(1 for o in pattern.occurrences if o.private)
    base: dict[str, Any] = {
        "title": md_text(title_text, inline=True, links=False),
        "pattern": {
            "id": pattern.id,
            "type": md_text(pattern.pattern_type, inline=True),
            "kind": md_text(pattern.kind, inline=True),
            "kinds": md_text(_plural(pattern.kind), inline=True),
            "language": md_text(pattern.language, inline=True),
            "lines": pattern.lines,
            "similarity_pct": round(pattern.similarity * 100),
            "confidence": pattern.confidence,
            "confidence_phrase": confidence_phrase(pattern),
            "features": [code_span(f) for f in pattern.features[:12]] if not redact else [],
            "repo_count": len(pattern.repos),
            "copy_count": len(pattern.occurrences),
        },
        "rec": rec,
        "redacted": redact and private_count > 0,
        "private_count": private_count if redact else 0,
        "first_seen": first_seen,
        "marker": marker.render(),
    }
    title = templates.render("issue_title.j2", **base).strip().replace("\n", " ")
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    body = ""
    for max_copies in COPY_STEPS:
        occs = pattern.occurrences if max_copies is None else pattern.occurrences[:max_copies]
        views = [_occurrence_view(o, redact and o.private) for o in occs]
        for lines in EXCERPT_STEPS:
            excerpt = None if redact else _excerpt(pattern, lines)
            body = templates.render(
                "issue_body.md.j2", **base, occurrences=views, more_copies=len(pattern.occurrences) - len(occs), excerpt=excerpt
            )
            body = _marker_last(body, marker)
            if len(body) <= BODY_LIMIT:
                return RenderedIssue(pattern.id, title, body, marker, redact and private_count > 0)
    tail = "\n\n_(truncated)_\n\n" + marker.render() + "\n"
    body = body[: BODY_LIMIT - len(tail)] + tail
    return RenderedIssue(pattern.id, title, body, marker, redact and private_count > 0)
