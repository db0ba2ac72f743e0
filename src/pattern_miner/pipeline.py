"""The mining job, as a function of its settings and its clients:

    targets ─► scan ─► opportunities ─► history (previewed) ─► dev-nexus (what it knows) ─► advise
      ─► dashboard (ticked boxes) ─► issue specs ─► plan ─► effects (issues, history, dev-nexus) ─► commit
      ─► dashboard ─► commit ─► report ─► commit

Everything published is per opportunity (``publish.units.published``: the scan's, or one per pattern).

Everything before ``commit`` runs the same in a dry run; ``effects.commit`` alone decides what is
written. The CLI (``mine``), the Action and the service all run this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pattern_miner.advise import advise
from pattern_miner.advise.settings import AdviceResult, AdviceSettings
from pattern_miner.cachefs import ensure_dir
from pattern_miner.console import Console
from pattern_miner.devnexus import DevNexusResult
from pattern_miner.effects import (
    Committed,
    IssueWrites,
    PostFindings,
    RecordRun,
    WriteReport,
    Writers,
    commit,
)
from pattern_miner.engine import merge_shard_files, scan
from pattern_miner.fpcache import FINGERPRINTS, FingerprintCache
from pattern_miner.model import Opportunity, Pattern, ScanReport
from pattern_miner.publish import privacy
from pattern_miner.publish.dashboard import (
    DashboardState,
    dashboard_spec,
    find_dashboard,
    ignored_now,
    read_dashboard,
)
from pattern_miner.publish.plan import IssueSpec, plan, plan_labels
from pattern_miner.publish.specs import Where, issue_specs
from pattern_miner.publish.targets import PREVIEW_TARGET, Targets
from pattern_miner.publish.tracker import ExistingIssue
from pattern_miner.publish.units import as_pattern, published
from pattern_miner.publish.write import EnsureResult, view
from pattern_miner.render.dashboard import DASHBOARD_ID
from pattern_miner.render.marker import Marker, short_hash
from pattern_miner.render.redact import PrivateNames, redact_report
from pattern_miner.render.summary import SummaryUsage, model_usage_text, render_summary
from pattern_miner.render.templates import Templates
from pattern_miner.semantic.judge import judge_for
from pattern_miner.settings import Settings, secrets
from pattern_miner.state import PatternHistory, preview_history
from pattern_miner.wiring import Clients


@dataclass
class RunResult:
    """What one run found, advised and did."""

    settings: Settings
    report: ScanReport
    advice: AdviceResult
    history: dict[str, PatternHistory]
    specs: list[IssueSpec]
    existing: list[ExistingIssue]  # the bot's issues before the run
    committed: Committed
    opportunities: tuple[Opportunity, ...] = ()  # what was published, best first
    opportunity_history: dict[str, PatternHistory] = field(default_factory=dict)
    dashboard: EnsureResult | None = None  # the dashboard issue's writes (None: no dashboard)
    ignored: frozenset[str] = frozenset()  # opportunities ignored on the dashboard (at their current content)
    dashboard_number: int | None = None  # the dashboard issue, once it exists
    warnings: list[str] = field(default_factory=list)
    usage: SummaryUsage = field(default_factory=SummaryUsage)
    public: bool = False  # its summary and report are public (the workflow's repository is)
    private_targets: frozenset[str] = frozenset()

    @property
    def issues(self) -> EnsureResult:
        return self.committed.issues

    @property
    def dev_nexus(self) -> DevNexusResult | None:
        return self.committed.dev_nexus

    @property
    def report_path(self) -> Path:
        return self.committed.report_path or self.settings.report_file

    def count(self, key: str) -> int:
        return self.issues.get(key)

    def summary(self, templates: Templates | None = None) -> str:
        """The job summary (Markdown)."""
        return render_summary(self.report, issues=view(self.issues, self.specs, self.existing),
                              warnings=self.warnings, usage=self.usage, public=self.public,
                              templates=templates, private_targets=self.private_targets,
                              opportunities=self.opportunities)


def run(settings: Settings, clients: Clients, console: Console) -> RunResult:
    console.hide(*secrets(settings))
    warnings: list[str] = []

    def warn(text: str) -> None:
        warnings.append(text)
        console.warn(text)

    targets = Targets(clients.tracker, settings.labels[0], warn)
    where = Where(settings.issue_target, settings.issue_repo, settings.labels, settings.private_patterns)
    if settings.issue_target == "central":  # before the scan: a run that cannot publish fails fast
        targets.load(settings.issue_repo or PREVIEW_TARGET, required=True)

    # with a key, Claude confirms the semantic candidates; what it spends comes out of the run's budget
    judge = judge_for(clients.anthropic, settings.model, Path(settings.cache_dir), settings.max_model_calls, warn)
    if settings.shards:  # a sharded run: the matrix's jobs scanned, this one merges
        with console.stage("Merging the shards"):
            report = merge_shard_files(settings.shards, clients.config, config_path=settings.config_path,
                                       min_similarity=settings.min_similarity, jobs=settings.jobs, judge=judge)
    else:
        with console.stage("Scanning the repositories"):
            report = scan(clients.source, clients.config, console=console, jobs=settings.jobs,
                          pattern_type=settings.pattern_type, min_similarity=settings.min_similarity,
                          cache=FingerprintCache(Path(settings.cache_dir) / FINGERPRINTS), judge=judge)
    judged = judge.stats.calls if judge is not None else 0
    failed = {f.repo for f in report.failures}
    opportunities = published(report)
    seen = [as_pattern(o) for o in opportunities]  # each opportunity as one Pattern: advice, history, dev-nexus
    if settings.issue_target == "per-repo":  # also targets whose patterns are gone: their issues may close
        for repo in sorted({r.name for r in report.repositories} - failed):
            targets.load(repo)
    board = dashboard_repo(settings)
    if board is not None:
        targets.load(board)
        board = None if board in targets.unusable else board

    cache = ensure_dir(Path(settings.cache_dir), console)
    now = datetime.now(UTC)
    run_id = settings.run_id or now.strftime("%Y%m%dT%H%M%S.%fZ")
    markers = {(i.repo, m.id): m for i in targets.existing if (m := i.marker) and m.kind != "dashboard"}
    seeds = tuple((pid, m.first_seen, m.pattern_type) for m in markers.values() if m.first_seen
                  for pid in m.pattern_ids)
    opp_seeds = tuple((m.id, m.first_seen, m.pattern_type) for m in markers.values() if m.first_seen)
    found = [(v, tuple(p.id for p in o.patterns), o.to_dict()) for o, v in zip(opportunities, seen, strict=True)]
    opp_history: dict[str, PatternHistory] = {}
    history = preview_history(clients.state, report, run_id=run_id, when=now, pattern_type=settings.pattern_type,
                              partial=settings.partial, seeds=seeds, opportunities=found, into=opp_history,
                              opp_seeds=opp_seeds)
    with console.stage("Advising"):
        if clients.dev_nexus is not None:
            clients.dev_nexus.known_patterns(seen)
        advice = advise(seen, AdviceSettings(api_key=settings.anthropic_api_key, model=settings.model,
                                             cache_dir=cache, max_model_calls=max(0, settings.max_model_calls - judged)),
                        console=console, client=clients.anthropic)
    if judge is not None:  # the semantic judge's requests are the run's too: one usage line counts both
        advice.usage.absorb(judge.usage)
    warnings += advice.warnings
    state = read_dashboard(targets.existing, board) if board is not None else DashboardState()
    ignored = ignored_now(state, opportunities, targets.existing, dashboard=board is not None)

    def first_seen(target: str, opp_id: str) -> str:
        old = markers.get((target, opp_id))
        hist = opp_history.get(opp_id)
        return (old.first_seen if old else "") or (hist.first_seen if hist else "") or now.date().isoformat()

    specs = issue_specs(opportunities, where, targets, advice.recommendations, first_seen, failed, clients.templates,
                        warn, forced=state.open & {o.id for o in opportunities})

    def can_close(repo: str, marker: Marker) -> bool:
        if settings.partial or not report.repositories:
            return False
        if settings.pattern_type and marker.pattern_type != settings.pattern_type:
            return False
        if any(marker.involves_repo(f) for f in failed):
            return False
        return not (marker.private and failed)

    actions = plan(specs, targets.existing, live=where.live(opportunities) | where.live(report.patterns),
                   can_close=can_close, max_create=settings.max_issues, templates=clients.templates,
                   unknown=lambda marker: any(marker.involves_repo(f) for f in failed), ignored=ignored)
    if clients.tracker is not None:
        actions = plan_labels(clients.tracker, actions, settings.labels) + actions
    effects: list[IssueWrites | RecordRun | PostFindings] = [
        IssueWrites(actions, settings.labels[0]),
        RecordRun(report, run_id, now, settings.pattern_type, settings.partial, seeds, tuple(found), opp_seeds),
    ]
    if clients.dev_nexus is not None:
        effects.append(PostFindings(seen, opp_history, advice.recommendations))
    writers = Writers(clients.tracker, clients.state, clients.dev_nexus)
    with console.stage("Publishing" + (" (dry run: nothing is written)" if settings.dry_run else "")):
        committed = commit(effects, writers, dry_run=settings.dry_run, console=console)
        board_result = None
        if board is not None:
            board_result = _publish_dashboard(board, opportunities, seen, committed.issues, targets, ignored, state,
                                              report, settings, clients, writers, console)
    if committed.issues.deferred:
        warnings.append(f"GitHub's rate limit for creating content stopped the issue writes: "
                        f"{committed.issues.deferred} are left for the next run")
    if clients.dev_nexus is not None:
        warnings += [w for w in clients.dev_nexus.warnings if w not in warnings]

    tracker = clients.tracker
    result = RunResult(
        settings=settings, report=report, advice=advice, history=history, specs=specs,
        existing=targets.existing, committed=committed, warnings=warnings, opportunities=opportunities,
        opportunity_history=opp_history, dashboard=board_result,
        ignored=frozenset(o.id for o, v in zip(opportunities, seen, strict=True)
                          if ignored.get(o.id) == short_hash(v.content_hash)),
        dashboard_number=_board_number(board_result, targets.existing, board),
        usage=SummaryUsage(scan_requests=int(getattr(clients.source, "requests_made", 0) or 0),
                           issue_reads=tracker.reads if tracker else 0, issue_writes=tracker.writes if tracker else 0,
                           model=model_usage_text(advice.usage),
                           seconds=report.stats.seconds),
        public=targets.is_public(settings.summary_repo) if settings.summary_repo else False,
        private_targets=targets.private_targets,
    )
    text = console.scrub(json.dumps(run_report(result), indent=2, ensure_ascii=False)) + "\n"
    report_file = settings.report_file
    in_cache = Path(report_file).resolve().is_relative_to(cache.resolve())
    result.committed.report_path = commit([WriteReport(report_file, text, in_cache)], writers,
                                          dry_run=settings.dry_run, console=console).report_path
    return result


def run_report(result: RunResult) -> dict[str, Any]:
    """The JSON report: the scan (``ScanReport.to_dict``), advice and its usage, history, issue counts;
    redacted of private repositories when it is a public repository's artifact."""
    data = result.report.to_dict()
    data["advice"] = result.advice.to_dict()
    data["history"] = {pid: h.to_dict() for pid, h in result.history.items()}
    data.setdefault("opportunities", [o.to_dict() for o in result.opportunities])
    data["opportunity_history"] = {oid: h.to_dict() for oid, h in result.opportunity_history.items()}
    if result.dashboard is not None:
        data["dashboard"] = dict(result.dashboard.counts)
    data["issues"] = dict(result.issues.counts)
    data["dry_run"] = result.settings.dry_run
    data["warnings"] = list(result.warnings)
    if result.dev_nexus is not None:
        data["dev_nexus"] = result.dev_nexus.to_dict()
    if result.public:
        data = redact_report(data, PrivateNames.of_report(result.report))
    return data



def dashboard_repo(settings: Settings) -> str | None:
    """Where the dashboard lives: the central issue repository (none per repository, without an issue
    repository, or with ``dashboard`` off)."""
    central = settings.issue_target == "central"
    return settings.issue_repo if settings.dashboard and central and settings.issue_repo else None


def _publish_dashboard(board: str, opportunities: tuple[Opportunity, ...], seen: list[Pattern], done: EnsureResult,
                       targets: Targets, ignored: dict[str, str], state: DashboardState, report: ScanReport,
                       settings: Settings, clients: Clients, writers: Writers, console: Console) -> EnsureResult:
    """Ensure the dashboard: it lists what may be shown in ``board`` (``private-patterns: skip`` keeps an
    opportunity with private copies off a public board too); none is opened while there is nothing to list.
    A run that could not read every repository, or scanned only some (``repos``, ``pattern-type``), sees less
    than there is: it leaves an existing dashboard as it is, unless it acted on it (a ticked box) or changed
    an issue it lists."""
    existing = find_dashboard(targets.existing, board)
    acted = state.open or state.ignore or any(a.kind in ("create", "close", "duplicate", "reopen") for a in done.actions)
    partial = bool(report.failures) or settings.partial or bool(settings.pattern_type)
    if partial and existing and not acted:
        return EnsureResult(dry_run=settings.dry_run, counts={"skipped": 1})
    private = targets.private.get(board, False)
    shown = tuple(o for o, v in zip(opportunities, seen, strict=True)
                  if privacy.decide(v, board, private, settings.private_patterns).action != "skip")
    spec = dashboard_spec(board, shown, _issue_refs(done, targets.existing, board), ignored, labels=settings.labels,
                          templates=clients.templates, names=None if private else PrivateNames.of_report(report))
    actions = plan([spec], existing, live=set(), can_close=lambda _repo, _marker: False, templates=clients.templates,
                   max_create=None if shown else 0)
    if clients.tracker is not None and any(a.kind == "create" for a in actions):
        actions = plan_labels(clients.tracker, actions, settings.labels) + actions
    return commit([IssueWrites(actions, settings.labels[0])], writers, dry_run=settings.dry_run,
                  console=console).issues


def _issue_refs(done: EnsureResult, existing: list[ExistingIssue], board: str) -> dict[str, str]:
    """Opportunity id -> its open issue as the dashboard shows it (``#12``; ``owner/name#12`` elsewhere)."""
    issues = {key: issue for key, issue in done.issues.items()}
    for issue in existing:
        if (m := issue.marker) is not None and m.kind != "dashboard":
            issues.setdefault((issue.repo, m.id), issue)
    closed = {(a.repo, a.number) for a in done.actions if a.kind in ("close", "duplicate")}
    out: dict[str, str] = {}
    for (repo, oid), issue in sorted(issues.items()):
        if issue.state != "open" or (repo, issue.number) in closed:
            continue
        ref = f"#{issue.number}" if repo == board else f"{repo}#{issue.number}"
        out[oid] = out[oid] + " " + ref if oid in out else ref
    return out


def _board_number(done: EnsureResult | None, existing: list[ExistingIssue], board: str | None) -> int | None:
    if done is None or board is None:
        return None
    if (board, DASHBOARD_ID) in done.issues:
        return done.issues[(board, DASHBOARD_ID)].number
    found = find_dashboard(existing, board)
    return min(i.number for i in found) if found else None
