"""Make a recommendation safe to render into a public GitHub issue.

Every recommendation (Claude's or the offline advisor's) passes through ``sanitize_recommendation``:

- length: every field is bounded (characters, and lines for the usage sketch);
- no @-mentions: ``@name`` in prose becomes inline code (```@name```), which GitHub does not notify;
- no raw HTML: tags and comments are removed from prose (the text stays plain text: the renderer
  escapes ``<``/``&`` itself, so nothing is entity-escaped twice); in code, ``<!--`` is broken so no
  hidden marker can be forged, and fences (```````) inside the usage sketch are neutralized so it
  cannot escape the block the template puts it in;
- links: only github.com (and its subdomains) and the package registries below survive; any other
  URL, ``www.`` autolink, e-mail address or Markdown link target is removed;
- invisible characters (controls, bidi overrides, zero-width) are dropped.
"""

from __future__ import annotations

from pattern_miner.advise.models import Component, Recommendation, TimeSavings
from pattern_miner.render.markdown import clean_code, clean_prose

# Bounds (characters) for what the issue shows.
SUMMARY_MAX = 1200
NAME_MAX = 80
DESCRIPTION_MAX = 400
ITEM_MAX = 400
REASONING_MAX = 600
USAGE_MAX_CHARS = 3000
USAGE_MAX_LINES = 60

def _bound(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sanitize_text(text: str, limit: int) -> str:
    """Prose: bounded plain text (``render.markdown.clean_prose``)."""
    return _bound(clean_prose(text), limit)


def sanitize_code(text: str, max_chars: int = USAGE_MAX_CHARS, max_lines: int = USAGE_MAX_LINES) -> str:
    """A code sketch: bounded (``render.markdown.clean_code``)."""
    lines = clean_code(text).split("\n")
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + ["# …"]
    text = "\n".join(lines)
    return text if len(text) <= max_chars else text[:max_chars].rsplit("\n", 1)[0] + "\n# …"


def sanitize_recommendation(rec: Recommendation) -> Recommendation:
    components = [
        Component.model_construct(
            name=sanitize_text(c.name, NAME_MAX),
            description=sanitize_text(c.description, DESCRIPTION_MAX),
            occurrences=list(c.occurrences),
        )
        for c in rec.components
    ]
    savings = TimeSavings.model_construct(
        minutes_per_use=rec.time_savings.minutes_per_use,
        reasoning=sanitize_text(rec.time_savings.reasoning, REASONING_MAX),
    )
    return rec.model_copy(
        update={
            "summary": sanitize_text(rec.summary, SUMMARY_MAX),
            "components": components,
            "usage": sanitize_code(rec.usage),
            "migration_steps": [sanitize_text(s, ITEM_MAX) for s in rec.migration_steps],
            "time_savings": savings,
            "risks": [sanitize_text(r, ITEM_MAX) for r in rec.risks],
        }
    )
