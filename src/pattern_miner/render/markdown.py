"""The one owner of text safety: untrusted text (repository files, names, the model's output) made safe
for where it goes — Markdown prose, a table cell, a code block, a link, a terminal.

``md_text`` (prose), ``md_name`` (a name in a table or list), ``code_span``, ``fence`` and ``link`` render;
``clean_prose`` and ``clean_code`` clean a recommendation once, as data, before it is cached or posted;
``visible`` shows control characters as escapes (a terminal, a one-line name). What they guarantee:

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


# ---- names: a file or repository name, shown as written --------------------------------------------

# What a terminal acts on or a line breaks at: C0 and C1 controls, DEL, line and paragraph separators,
# bidirectional overrides. A file name (any byte but "/" and NUL) is shown with these escaped.
_SHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """``text`` on one line, its control characters shown as escapes (``\\x1b``, ``\\n``) instead of sent."""
    def escape(m: re.Match[str]) -> str:
        c = m.group()
        return _ESCAPES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")

    return _SHOWN.sub(escape, text)


def md_name(text: str) -> str:
    """A name (and a title, whose `code spans` stay code) as Markdown on one line, shown as written:
    nothing in it can end a table cell or a line, open a link or write HTML."""
    text = visible(text)
    out: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_backslashed(text[pos:m.start()], "\\`[]|"))
        out.append(m.group(1) + _backslashed(m.group(2), "|") + m.group(1))  # no other escape works in code
        pos = m.end()
    out.append(_backslashed(text[pos:], "\\`[]|"))
    return "".join(out)


def _backslashed(text: str, special: str) -> str:
    for c in special:
        text = text.replace(c, "\\" + c)
    return no_comment(text.replace("<", "&lt;").replace(">", "&gt;"))


def link_target(url: str) -> str:
    """A link target with everything that could end it (spaces, parentheses, "|", controls) %-encoded."""
    return quote(url, safe=":/#?&=~+@!$,;%-._")


# ---- cleaning the model's text once, as data --------------------------------------------------------

_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_MD_LINK = re.compile(r"(!?)\[([^\]\n]{0,300})\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_ANY_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>()\[\]\"'`]+")
_EMAIL = re.compile(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")
_AT_NAME = re.compile(r"(?<![\w`/.@-])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]+)?)")
_FENCE = re.compile(r"`{3,}|~{3,}")
_INLINE_CODE = re.compile(r"(?<!`)(`{1,2})(?!`)([^`\n]+?)(?<!`)\1(?!`)")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<![A-Za-z\[][^<>]*>?")
LINK_REMOVED = "[link removed]"


def _filter_links(text: str) -> str:
    def markdown_link(match: re.Match[str]) -> str:
        bang, label, target = match.group(1), match.group(2), match.group(3)
        if allowed_url(target):
            return match.group(0)
        return label if not bang else LINK_REMOVED

    text = _MD_LINK.sub(markdown_link, text)
    text = _ANY_URL.sub(lambda m: m.group(0) if allowed_url(m.group(0)) else LINK_REMOVED, text)
    return _EMAIL.sub("[e-mail removed]", text)


def _prose(text: str) -> str:
    text = _HTML_TAG.sub("", _HTML_COMMENT.sub("", text))
    return _AT_NAME.sub(lambda m: f"`@{m.group(1)}`", text)


def clean_prose(text: str) -> str:
    """Plain text with no HTML, no mentions, no foreign links, no e-mail addresses and no invisible
    characters (inline code is kept as is: GitHub renders neither HTML nor mentions inside it)."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    text = _filter_links(text)
    out: list[str] = []
    pos = 0
    for match in _INLINE_CODE.finditer(text):
        out.append(_prose(text[pos : match.start()]))
        out.append(no_comment(match.group(0)))
        pos = match.end()
    out.append(_prose(text[pos:]))
    return "".join(out)


def clean_code(text: str) -> str:
    """A code sketch for a fenced block: no fence breakout, no hidden markers, no foreign links."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))
    text = _FENCE.sub(lambda m: "'" * len(m.group(0)), text)
    text = no_comment(text).replace("-->", "-- >")
    return _filter_links(text).strip("\n")


# ---- Mermaid: names inside a diagram ---------------------------------------------------------------

_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 _./+,:()-]")
MERMAID_LABEL_LIMIT = 60


def mermaid_label(text: str) -> str:
    """A label for a Mermaid node or edge, written between double quotes: only letters, digits and
    `` _./+,:()-`` (anything else: quotes, brackets, pipes, backticks, HTML and newlines included, becomes
    ``_``), at most ``MERMAID_LABEL_LIMIT`` characters. Nothing in it can end the label, the diagram or
    its fence, or carry a mention or a link."""
    label = _MERMAID_UNSAFE.sub("_", visible(text)).strip()
    if len(label) > MERMAID_LABEL_LIMIT:
        label = label[: MERMAID_LABEL_LIMIT - 3].rstrip() + "..."
    return label or "_"
