"""Which repositories share what, as a Mermaid flowchart GitHub draws in issues and job summaries.

Families are subgraphs holding their repositories; the best other opportunities are edges between the
repositories they involve (a star from the first), labelled with their kind and duplicated lines. The
picture stays readable for a large organisation: at most ``MAX_NODES`` repositories and ``MAX_EDGES``
edges, the rest said in one "and N more" note. Every name goes through ``markdown.mermaid_label``;
``hidden`` repositories (private ones, in a public place) are drawn as "a private repository" and never named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pattern_miner.model import Opportunity
from pattern_miner.render.markdown import mermaid_label
from pattern_miner.render.redact import PRIVATE_REPO

MAX_NODES = 30  # repositories drawn
MAX_EDGES = 40  # opportunity edges drawn
MAX_FAMILIES = 8  # subgraphs drawn


@dataclass
class _Nodes:
    hidden: frozenset[str]
    ids: dict[str, str] = field(default_factory=dict)
    home: dict[str, int] = field(default_factory=dict)  # repo -> the family subgraph it is drawn in

    def add(self, repo: str) -> str | None:
        """The node id of ``repo``, or None when the picture is full."""
        if repo not in self.ids:
            if len(self.ids) >= MAX_NODES:
                return None
            self.ids[repo] = f"r{len(self.ids)}"
        return self.ids[repo]

    def declare(self, repo: str) -> str:
        label = PRIVATE_REPO if repo in self.hidden else repo
        return f'{self.ids[repo]}["{mermaid_label(label)}"]'


def _edge_label(opp: Opportunity) -> str:
    return mermaid_label(f"{opp.kind}, {opp.lines} lines" if opp.lines else opp.kind)


def diagram(opportunities: Sequence[Opportunity], hidden: frozenset[str] = frozenset()) -> str:
    """A fenced ```mermaid flowchart of ``opportunities`` (ranked, best first); "" when there are none."""
    if not opportunities:
        return ""
    nodes = _Nodes(hidden)
    families = [o for o in opportunities if o.kind == "family"][:MAX_FAMILIES]
    subgraphs: list[tuple[int, Opportunity, list[str]]] = []
    for n, fam in enumerate(families):
        members = [r for r in fam.repos if r not in nodes.home and nodes.add(r) is not None]
        for repo in members:
            nodes.home[repo] = n
        if members:
            subgraphs.append((n, fam, members))
    edges: list[str] = []
    drawn = {fam.id for _, fam, _ in subgraphs}
    for opp in opportunities:
        if opp.kind == "family" or len(edges) >= MAX_EDGES:
            continue
        ids = [i for r in opp.repos if (i := nodes.add(r)) is not None]
        if len(ids) < 2:
            continue
        label = _edge_label(opp)
        for other in ids[1:]:
            if len(edges) >= MAX_EDGES:
                break
            edges.append(f'  {ids[0]} ---|"{label}"| {other}')
        drawn.add(opp.id)
    lines = ["```mermaid", "flowchart LR"]
    for n, fam, members in subgraphs:
        lines.append(f'  subgraph f{n}["{mermaid_label("family: " + _family_name(fam, hidden))}"]')
        lines += [f"    {nodes.declare(r)}" for r in members]
        lines.append("  end")
    lines += [f"  {nodes.declare(r)}" for r in nodes.ids if r not in nodes.home]
    lines += edges
    more = len(opportunities) - len(drawn)
    if more > 0:
        lines.append(f'  more["{mermaid_label(f"and {more} more opportunities")}"]')
    lines.append("```")
    return "\n".join(lines)


def _family_name(fam: Opportunity, hidden: frozenset[str]) -> str:
    shown = [r.rsplit("/", 1)[-1] for r in fam.repos if r not in hidden]
    name = ", ".join(shown[:3]) + (f" +{len(fam.repos) - 3}" if len(fam.repos) > 3 else "")
    return name or f"{len(fam.repos)} private repositories"
