"""The dashboard issue's body: every open opportunity ranked, with the boxes the user ticks, and the diagram.

The boxes are the only part of the body a later run reads back (``publish.dashboard``), so each is one line
of fixed text ending with a comment that names its action and opportunity id:

    - [ ] Open an issue for this <!-- pattern-miner-dashboard:open=ID -->
    - [ ] Ignore this <!-- pattern-miner-dashboard:ignore=ID -->
    - [x] Keep ignoring this <!-- pattern-miner-dashboard:ignored=ID:HASH -->

Everything else is regenerated each run from the scan; titles and names go through ``render.markdown``
(which breaks any ``<!--`` in them), so nothing a repository holds can forge a box.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pattern_miner.model import Opportunity
from pattern_miner.render.issue import BODY_LIMIT
from pattern_miner.render.markdown import md_text
from pattern_miner.render.marker import Marker
from pattern_miner.render.mermaid import diagram
from pattern_miner.render.redact import PrivateNames
from pattern_miner.render.templates import Templates

DASHBOARD_ID = "dashboard"
BOX_PREFIX = "pattern-miner-dashboard:"
ENTRY_STEPS = (300, 100, 30)  # opportunities listed, most first, until the body fits
_ID = r"[A-Za-z0-9_.+=/-]{1,120}"
BOX_RE = re.compile(rf"^ {{0,8}}- \[(?P<tick>[ xX])\] (?:Open an issue for this|Ignore this|Keep ignoring this) "
                    rf"<!-- {BOX_PREFIX}(?P<action>open|ignore|ignored)=(?P<id>{_ID})(?::(?P<hash>[0-9a-f]{{1,64}}))? -->$")


@dataclass(frozen=True)
class Ignored:
    """An opportunity the user ignored: its id, title and the content hash it was ignored at."""

    id: str
    title: str
    content: str


def box(action: str, opp_id: str, ticked: bool = False, content: str = "") -> str:
    text = {"open": "Open an issue for this", "ignore": "Ignore this", "ignored": "Keep ignoring this"}[action]
    suffix = f":{content}" if content else ""
    return f"- [{'x' if ticked else ' '}] {text} <!-- {BOX_PREFIX}{action}={opp_id}{suffix} -->"


def dashboard_marker() -> Marker:
    return Marker(id=DASHBOARD_ID, kind="dashboard")


def _repos(opp: Opportunity, names: PrivateNames) -> str:
    shown = [r for r in opp.repos if r not in names.repos]
    cell = ", ".join(md_text(r, inline=True, links=False) for r in shown[:4])
    if len(shown) > 4:
        cell += f" +{len(shown) - 4}"
    hidden = len(opp.repos) - len(shown)
    if hidden:
        cell += f"{', ' if cell else ''}{hidden} private"
    return cell


def render_dashboard(
    opportunities: Sequence[Opportunity],
    issues: Mapping[str, str],
    ignored: Sequence[Ignored],
    *,
    names: PrivateNames | None = None,
    templates: Templates | None = None,
) -> str:
    """The body. ``opportunities``: the open ones, ranked (ignored ones left out); ``issues``: opportunity
    id -> Markdown of its issue (``#12``) when it has one; ``names``: private names to keep out (public
    repository)."""
    templates = templates or Templates()
    names = names or PrivateNames()
    valid = re.compile(rf"^{_ID}$")
    shown_ids = [o for o in opportunities if valid.match(o.id)]
    body = ""
    for limit in ENTRY_STEPS:
        entries = []
        for n, opp in enumerate(shown_ids[:limit], 1):
            issue = issues.get(opp.id, "")
            boxes = ([] if issue else [box("open", opp.id)]) + [box("ignore", opp.id)]
            entries.append({
                "rank": n, "title": md_text(names.scrub(opp.title), inline=True, links=False),
                "kind": md_text(opp.kind, inline=True), "repos": _repos(opp, names), "lines": opp.lines,
                "issue": issue or "no issue yet", "boxes": boxes,
            })
        body = templates.render(
            "dashboard.md.j2", diagram=diagram(shown_ids, frozenset(names.repos)),
            families=any(o.kind == "family" for o in shown_ids), entries=entries,
            more=max(0, len(shown_ids) - limit),
            ignored=[{"title": md_text(names.scrub(i.title), inline=True, links=False),
                      "box": box("ignored", i.id, True, i.content)} for i in ignored if valid.match(i.id)][:limit],
            marker=dashboard_marker().render(),
        )
        if len(body) <= BODY_LIMIT:
            break
    return body
