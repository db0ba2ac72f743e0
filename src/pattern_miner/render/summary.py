"""The job summary (Markdown for $GITHUB_STEP_SUMMARY): the diagram of which repositories share what, the
opportunities ranked with their issues, failed repositories, skipped files, API and model usage, warnings,
and in a dry run the issues that would be written.

The summary of a public repository's run is public: ``public=True`` keeps private repository names and
paths (``render.redact``), links to issues in private repositories and bodies with private code out of it.
What the run did to issues comes as a plain ``IssuesView`` (``publish`` builds it): nothing here
imports ``publish``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pattern_miner.advise.settings import ModelUsage
from pattern_miner.model import Opportunity, Pattern, ScanReport
from pattern_miner.render.markdown import code_span, md_text
from pattern_miner.render.mermaid import diagram
from pattern_miner.render.redact import PRIVATE_REPO, PrivateNames
from pattern_miner.render.templates import Templates

MAX_ROWS = 100  # patterns listed in the table; the JSON report has all of them
MAX_WOULD_BE = 20  # dry run: issue bodies shown in full
MAX_FAILURES = 100  # repositories that could not be read, listed (an organisation may have thousands)
MAX_WARNINGS = 50
# The runner refuses a step summary over 1 MiB (``actions.SUMMARY_LIMIT``). Everything but the would-be issue
# bodies is bounded by the counts above (~100 KB at most); the bodies (each up to GitHub's 65,536 characters)
# are shown while they fit in this budget, the rest by title only.
WOULD_BE_BYTES = 640 * 1024


@dataclass(frozen=True)
class IssueRef:
    """One of the bot's issues, where it is."""

    repo: str
    number: int
    url: str = ""


@dataclass(frozen=True)
class WouldBe:
    """An issue a dry run would create or change, fully rendered."""

    action: str  # create | edit | reopen
    repo: str
    title: str
    body: str
    private_content: bool = False  # shows private code (allowed only where the issue lives)


@dataclass(frozen=True)
class IssuesView:
    """What the run did (or, in a dry run, would do) to issues, as the summary shows it."""

    dry_run: bool = True
    refs: Mapping[str, Sequence[IssueRef]] = field(default_factory=dict)  # pattern id -> its issues
    planned: Mapping[str, str] = field(default_factory=dict)  # pattern id -> "create" | "skip" (no issue yet)
    would_be: Sequence[WouldBe] = ()
    counts: Mapping[str, int] = field(default_factory=dict)  # created, updated, reopened, commented, closed


@dataclass(frozen=True)
class SummaryUsage:
    scan_requests: int = 0
    issue_reads: int = 0
    issue_writes: int = 0
    model: str = "offline advisor"
    seconds: float = 0.0


def model_usage_text(usage: ModelUsage | None) -> str:
    """One line about the model calls of a run (advise's usage record)."""
    if usage is None:
        return "offline advisor (no API key)"
    return md_text(usage.describe(), inline=True)


def _repos_cell(pattern: Pattern | Opportunity, public: bool, private: frozenset[str] = frozenset()) -> str:
    occs = [o for p in pattern.patterns for o in p.occurrences] if isinstance(pattern, Opportunity) else []
    occs += list(pattern.occurrences)
    names = [r for r in pattern.repos if not (public and (r in private or any(o.private and o.repo == r for o in occs)))]
    hidden = len(pattern.repos) - len(names)
    cell = ", ".join(md_text(n, inline=True, links=False) for n in names[:6])
    if len(names) > 6:
        cell += f" +{len(names) - 6}"
    if hidden:
        cell += f"{', ' if cell else ''}{hidden} private"
    return cell.replace("|", "\\|")


def _issue_cell(pattern: Pattern | Opportunity, view: IssuesView, hidden: frozenset[str]) -> str:
    cells = []
    for ref in sorted(view.refs.get(pattern.id, ()), key=lambda r: (r.repo, r.number)):
        if ref.repo in hidden:
            cells.append("an issue in a private repository")
        else:  # our own issue: a number we made, linked to the html_url the API gave
            url = ref.url if ref.url.startswith(("https://", "http://")) else ""
            cells.append(f"[#{ref.number}]({url})" if url and " " not in url else f"#{ref.number}")
    if cells:
        return " ".join(cells)
    planned = view.planned.get(pattern.id)
    if planned == "create":
        return "would create" if view.dry_run else "not created (see the warnings)"
    return "skipped" if planned else "—"


def render_summary(
    report: ScanReport,
    *,
    issues: IssuesView,
    warnings: Iterable[str],
    usage: SummaryUsage,
    public: bool,
    templates: Templates | None = None,
    private_targets: frozenset[str] = frozenset(),
    opportunities: Sequence[Opportunity] = (),
) -> str:
    """``public``: the summary of a public repository's run, which anyone can read: no private
    repository's name or path, no link to an issue in one (``private_targets``). ``opportunities``: what
    the run published, ranked (without them, the actionable patterns are listed)."""
    templates = templates or Templates()
    dry_run = issues.dry_run
    names = PrivateNames.of_report(report) if public else PrivateNames()
    hidden = private_targets if public else frozenset()
    private = frozenset(names.repos)
    actionable = sorted(report.actionable, key=lambda p: (-p.score, p.id))
    listed: Sequence[Pattern | Opportunity] = list(opportunities) or list(actionable)
    rows = []
    for p in listed[:MAX_ROWS]:
        if isinstance(p, Opportunity):
            kind, lines, confidence = p.kind, p.lines, p.confidence
        else:
            kind, lines, confidence = p.pattern_type, p.lines, f"{round(p.similarity * 100)}% ({p.confidence})"
        rows.append({
            "title": md_text(names.scrub(p.title), inline=True, links=False).replace("|", "\\|"),
            "type": md_text(kind, inline=True),
            "repos": _repos_cell(p, public, private),
            "lines": lines,
            "similarity": md_text(confidence, inline=True),
            "issue": _issue_cell(p, issues, hidden),
        })
    counts = issues.counts
    private_repos = {o.repo for p in report.patterns for o in p.occurrences if o.private}
    private_repos |= {r.name for r in report.repositories if r.private}
    private_repos |= names.repos
    failures = [
        {"repo": PRIVATE_REPO if public and f.repo in private_repos else md_text(f.repo, inline=True, links=False),
         "reason": md_text(f.reason, inline=True, links=False).replace("|", "\\|")}
        for f in report.failures[:MAX_FAILURES]
    ]
    warnings = list(warnings)
    skipped = sorted(report.stats.files_skipped.items()) or sorted(_count_skips(report).items())
    would_be: list[dict[str, str]] = []
    budget = WOULD_BE_BYTES
    for w in issues.would_be[:MAX_WOULD_BE] if dry_run else ():
        withheld = public and (w.private_content or w.repo in hidden)
        body = "_(withheld from this public summary: it shows private code)_" if withheld else w.body
        size = len(body.encode("utf-8"))
        body = body if size <= budget else "_(not shown: the job summary is limited to 1 MiB; see the report)_"
        budget -= min(size, budget)
        would_be.append({"action": {"create": "Create", "edit": "Update", "reopen": "Reopen"}[w.action],
                         "repo": code_span(PRIVATE_REPO if w.repo in hidden else w.repo),
                         "title": md_text(names.scrub(w.title), inline=True), "body": body})
    return templates.render(
        "summary.md.j2",
        dry_run=dry_run,
        stats={
            "repositories": len(report.repositories),
            "patterns": len(report.patterns),
            "opportunities": len(opportunities) if opportunities else len(report.actionable),
            "created": counts.get("created", 0),
            "updated": counts.get("updated", 0) + counts.get("reopened", 0),
            "commented": counts.get("commented", 0),
            "closed": counts.get("closed", 0),
        },
        patterns=rows,
        more_patterns=max(0, len(listed) - MAX_ROWS),
        diagram=diagram(opportunities, private) if opportunities else "",
        warnings=[md_text(names.scrub(w), inline=True, links=False) for w in warnings[:MAX_WARNINGS]],
        more_warnings=max(0, len(warnings) - MAX_WARNINGS),
        failures=failures,
        more_failures=max(0, len(report.failures) - MAX_FAILURES),
        skipped=skipped,
        skipped_total=sum(n for _, n in skipped),
        usage={
            "github_requests": usage.scan_requests + usage.issue_reads + usage.issue_writes,
            "scan_requests": usage.scan_requests,
            "issue_reads": usage.issue_reads,
            "issue_writes": usage.issue_writes,
            "model": usage.model,
            "seconds": round(usage.seconds, 1),
        },
        would_be=would_be,
    )


def _count_skips(report: ScanReport) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in report.skips:
        out[s.reason] = out.get(s.reason, 0) + 1
    return out
