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

import re

from pattern_miner.advise.models import Component, Recommendation, TimeSavings
from pattern_miner.links import allowed_url

# Bounds (characters) for what the issue shows.
SUMMARY_MAX = 1200
NAME_MAX = 80
DESCRIPTION_MAX = 400
ITEM_MAX = 400
REASONING_MAX = 600
USAGE_MAX_CHARS = 3000
USAGE_MAX_LINES = 60
LINK_REMOVED = "[link removed]"

_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_MD_LINK = re.compile(r"(!?)\[([^\]\n]{0,300})\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>()\[\]\"'`]+")
_EMAIL = re.compile(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")
_MENTION = re.compile(r"(?<![\w`/.@-])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]+)?)")
_FENCE = re.compile(r"`{3,}|~{3,}")
_CODE_SPAN = re.compile(r"(?<!`)(`{1,2})(?!`)([^`\n]+?)(?<!`)\1(?!`)")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<![A-Za-z\[][^<>]*>?")


def _filter_links(text: str) -> str:
    def markdown_link(match: re.Match[str]) -> str:
        bang, label, target = match.group(1), match.group(2), match.group(3)
        if allowed_url(target):
            return match.group(0)
        return label if not bang else LINK_REMOVED

    text = _MD_LINK.sub(markdown_link, text)
    text = _URL.sub(lambda m: m.group(0) if allowed_url(m.group(0)) else LINK_REMOVED, text)
    return _EMAIL.sub("[e-mail removed]", text)


def _bound(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _prose(text: str) -> str:
    text = _HTML_TAG.sub("", _HTML_COMMENT.sub("", text))
    return _MENTION.sub(lambda m: f"`@{m.group(1)}`", text)


def sanitize_text(text: str, limit: int) -> str:
    """Prose: bounded plain text with no HTML, mentions or foreign links (inline code is kept as is:
    GitHub renders neither HTML nor mentions inside it)."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    text = _filter_links(text)
    out: list[str] = []
    pos = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_prose(text[pos : match.start()]))
        out.append(match.group(0).replace("<!--", "< !--"))
        pos = match.end()
    out.append(_prose(text[pos:]))
    return _bound("".join(out), limit)


def sanitize_code(text: str, max_chars: int = USAGE_MAX_CHARS, max_lines: int = USAGE_MAX_LINES) -> str:
    """A code sketch for a fenced block: bounded, no fence breakout, no hidden markers, no foreign links."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    text = _FENCE.sub(lambda m: "'" * len(m.group(0)), text)
    text = text.replace("<!--", "< !--").replace("-->", "-- >")
    text = _filter_links(text).strip("\n")
    lines = text.split("\n")
    if len(lines) > max_lines:
        text = "\n".join(lines[: max_lines - 1] + ["# …"])
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
