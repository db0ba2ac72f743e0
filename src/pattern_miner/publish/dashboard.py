"""The dashboard issue, as renovate keeps one: found by its marker, read back, and its spec for the plan.

    state = read_dashboard(targets.existing, repo)   # the boxes the user ticked since the last run
    ignored = ignored_now(state, opportunities, targets.existing)
    spec = dashboard_spec(repo, opportunities, issues, ignored, ...)

The body is untrusted: only our own box lines are read (``render.dashboard.BOX_RE``, one full line each,
keyed by opportunity id), and only in the bot's own dashboard (the tracker lists no one else's issues,
and its final marker must say ``kind=dashboard``). One dashboard per repository; a closed one is left
closed (the plan skips an issue a person closed), which is how a user turns it off without a setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pattern_miner.model import Opportunity
from pattern_miner.publish.plan import IssueSpec
from pattern_miner.publish.tracker import ExistingIssue
from pattern_miner.publish.units import content_hash
from pattern_miner.render.dashboard import BOX_RE, DASHBOARD_ID, Ignored, dashboard_marker, render_dashboard
from pattern_miner.render.marker import short_hash
from pattern_miner.render.redact import PrivateNames
from pattern_miner.render.templates import Templates

TITLE = "Pattern Miner dashboard"


@dataclass(frozen=True)
class DashboardState:
    """What the user ticked on the dashboard since the last run."""

    issue: ExistingIssue | None = None
    open: frozenset[str] = frozenset()  # "open an issue for this"
    ignore: frozenset[str] = frozenset()  # "ignore this", newly ticked
    ignored: Mapping[str, str] = field(default_factory=dict)  # id -> content hash: still ticked "keep ignoring"


def find_dashboard(existing: Iterable[ExistingIssue], repo: str) -> list[ExistingIssue]:
    return [i for i in existing if i.repo == repo and (m := i.marker) is not None and m.kind == "dashboard"]


def read_dashboard(existing: Iterable[ExistingIssue], repo: str) -> DashboardState:
    """The ticked boxes of the bot's open dashboard in ``repo`` (the oldest, if there are several)."""
    found = sorted((i for i in find_dashboard(existing, repo) if i.state == "open"), key=lambda i: i.number)
    if not found:
        return DashboardState()
    issue = found[0]
    ticks: dict[str, set[str]] = {"open": set(), "ignore": set()}
    ignored: dict[str, str] = {}
    for line in issue.body.replace("\r\n", "\n").split("\n"):
        m = BOX_RE.match(line)
        if m is None or m.group("tick") == " ":
            continue
        if m.group("action") == "ignored":
            ignored[m.group("id")] = m.group("hash") or ""
        else:
            ticks[m.group("action")].add(m.group("id"))
    return DashboardState(issue, frozenset(ticks["open"]), frozenset(ticks["ignore"]), ignored)


def ignored_now(state: DashboardState, opportunities: Sequence[Opportunity],
                existing: Iterable[ExistingIssue], *, dashboard: bool) -> dict[str, str]:
    """Opportunity id -> the content (short hash) it is ignored at. The dashboard says so when there is one
    (a box still ticked, or newly ticked: at this run's content); without it, the issues it closed do."""
    current = {o.id: short_hash(content_hash(o)) for o in opportunities}
    if dashboard and state.issue is not None:
        out = dict(state.ignored)
        out.update({oid: current[oid] for oid in state.ignore if oid in current})
        return out
    return {m.id: m.content for i in existing
            if i.state == "closed" and (m := i.marker) is not None and m.state == "ignored" and m.content}


def dashboard_spec(
    repo: str,
    opportunities: Sequence[Opportunity],
    issues: Mapping[str, str],
    ignored: Mapping[str, str],
    *,
    labels: tuple[str, ...],
    names: PrivateNames | None,
    templates: Templates,
) -> IssueSpec:
    """The dashboard's spec: every open opportunity ranked (the ignored ones in a section of their own)."""
    current = {o.id: short_hash(content_hash(o)) for o in opportunities}
    still = [o for o in opportunities if ignored.get(o.id) != current[o.id]]
    gone = [Ignored(o.id, o.title, current[o.id]) for o in opportunities if ignored.get(o.id) == current[o.id]]
    body = render_dashboard(still, issues, gone, names=names, templates=templates)
    return IssueSpec(repo, DASHBOARD_ID, TITLE, body, dashboard_marker(), labels)
