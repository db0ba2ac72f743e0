"""Markdown for public issues from untrusted text: repository files and the model's output.

- no @-mentions or ``#123`` references (a zero-width joiner after ``@``/``#`` keeps them from linking),
- no raw HTML (``<``, ``>`` and ``&`` become entities outside code),
- no fences opened by the text itself (a line starting with ``` is escaped),
- code is fenced with a backtick run longer than any inside it,
- links only to github.com and package registries; any other URL is shown as inert code;
- no HTML comment can start in it: ``<!--`` is broken by a zero-width space, also inside code, so text
  from a repository or the model can never carry (or forge) the bot's hidden marker.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from pattern_miner.links import allowed_url

ZWJ = "\u200d"
ZWSP = "\u200b"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_LINK_OR_URL = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"\n]*\")?\s*\)|(https?://[^\s<>()\[\]`]+)")
_MENTION = re.compile(r"(?<![\w`])@(?=[A-Za-z0-9_])")
_REF = re.compile(r"(?<![\w&])#(?=\d)")
_FENCE_LINE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})", re.MULTILINE)


def _plain(text: str) -> str:
    """Text with no code in it: entities for HTML, neutralized mentions and references."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub("@" + ZWJ, text)
    return _REF.sub("#" + ZWJ, text)


def no_comment(text: str) -> str:
    """``text`` with every ``<!--`` broken, so it can open no HTML comment (and hide no marker)."""
    return text.replace("<!--", "<!" + ZWSP + "--")


def code_span(text: str) -> str:
    """Inline code, safe for any content."""
    text = no_comment(_CONTROL.sub("", text).replace("\r", "").replace("\n", " "))
    if not text:
        return ""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _outside_code(text: str, *, links: bool) -> str:
    out: list[str] = []
    pos = 0
    for m in _LINK_OR_URL.finditer(text):
        out.append(_plain(text[pos : m.start()]))
        pos = m.end()
        if m.group(4):  # a bare URL
            url = m.group(4)
            out.append(f"<{url}>" if links and allowed_url(url) else code_span(url))
            continue
        label, url = _plain(m.group(2)), m.group(3)
        if links and not m.group(1) and allowed_url(url):
            out.append(f"[{label}]({url})")
        else:
            out.append(label or code_span(url))
    out.append(_plain(text[pos:]))
    return "".join(out)


def md_text(text: str | None, *, inline: bool = False, links: bool = True, limit: int = 4000) -> str:
    """Untrusted prose (model text, names) as safe Markdown. ``inline`` folds it onto one line."""
    if not text:
        return ""
    text = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    if inline:
        text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = _FENCE_LINE.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    out: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_outside_code(text[pos : m.start()], links=links))
        out.append(code_span(m.group(2).strip() or m.group(2)))
        pos = m.end()
    out.append(_outside_code(text[pos:], links=links))
    return "".join(out)


def fence(code: str, language: str = "") -> str:
    """A fenced code block that nothing inside it can close."""
    code = no_comment(_CONTROL.sub("", code.replace("\r\n", "\n").replace("\r", "\n")).rstrip("\n"))
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    lang = re.sub(r"[^A-Za-z0-9_+.-]", "", language)[:20]
    return f"{ticks}{lang}\n{code}\n{ticks}"


def link(label: str, url: str | None) -> str:
    """``[label](url)`` for our own https links (from the GitHub API); plain text otherwise."""
    text = md_text(label, inline=True, links=False).replace("[", "\\[").replace("]", "\\]")
    if not url or not url.startswith("https://"):
        return text
    safe = quote(url, safe=":/#?&=%~+@!$,;-._")
    return f"[{text}]({safe})"
