"""The mining job, as a function of its settings and its clients:

    targets ─► scan ─► history (previewed) ─► dev-nexus (what it knows) ─► advise ─► issue specs ─► plan
      ─► effects (issues, history, dev-nexus) ─► commit ─► report ─► commit

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
from pattern_miner.model import ScanReport
from pattern_miner.publish.plan import IssueSpec, plan, plan_labels
from pattern_miner.publish.specs import Where, issue_specs
from pattern_miner.publish.targets import PREVIEW_TARGET, Targets
from pattern_miner.publish.tracker import ExistingIssue
from pattern_miner.publish.write import EnsureResult, view
from pattern_miner.render.marker import Marker
from pattern_miner.render.redact import PrivateNames, redact_report
from pattern_miner.render.summary import SummaryUsage, model_usage_text, render_summary
from pattern_miner.render.templates import Templates
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
                              templates=templates, private_targets=self.private_targets)


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

    if settings.shards:  # a sharded run: the matrix's jobs scanned, this one merges
        with console.stage("Merging the shards"):
            report = merge_shard_files(settings.shards, clients.config, config_path=settings.config_path,
                                       min_similarity=settings.min_similarity, jobs=settings.jobs)
    else:
        with console.stage("Scanning the repositories"):
            report = scan(clients.source, clients.config, console=console, jobs=settings.jobs,
                          pattern_type=settings.pattern_type, min_similarity=settings.min_similarity,
                          cache=FingerprintCache(Path(settings.cache_dir) / FINGERPRINTS))
    failed = {f.repo for f in report.failures}
    ranked = sorted(report.actionable, key=lambda p: (-p.score, p.id))
    if settings.issue_target == "per-repo":  # also targets whose patterns are gone: their issues may close
        for repo in sorted({r.name for r in report.repositories} - failed):
            targets.load(repo)

    cache = ensure_dir(Path(settings.cache_dir), console)
    now = datetime.now(UTC)
    run_id = settings.run_id or now.strftime("%Y%m%dT%H%M%S.%fZ")
    markers = {(i.repo, m.id): m for i in targets.existing if (m := i.marker)}
    seeds = tuple((m.id, m.first_seen, m.pattern_type) for m in markers.values() if m.first_seen)
    history = preview_history(clients.state, report, run_id=run_id, when=now, pattern_type=settings.pattern_type,
                              partial=settings.partial, seeds=seeds)
    with console.stage("Advising"):
        if clients.dev_nexus is not None:
            clients.dev_nexus.known_patterns(ranked)
        advice = advise(ranked, AdviceSettings(api_key=settings.anthropic_api_key, model=settings.model,
                                               cache_dir=cache, max_model_calls=settings.max_model_calls),
                        console=console, client=clients.anthropic)
    warnings += advice.warnings

    def first_seen(target: str, pattern_id: str) -> str:
        old = markers.get((target, pattern_id))
        hist = history.get(pattern_id)
        return (old.first_seen if old else "") or (hist.first_seen if hist else "") or now.date().isoformat()

    specs = issue_specs(ranked, where, targets, advice.recommendations, first_seen, failed, clients.templates, warn)

    def can_close(repo: str, marker: Marker) -> bool:
        if settings.partial or not report.repositories:
            return False
        if settings.pattern_type and marker.pattern_type != settings.pattern_type:
            return False
        if any(marker.involves_repo(f) for f in failed):
            return False
        return not (marker.private and failed)

    actions = plan(specs, targets.existing, live=where.live(report.patterns), can_close=can_close,
                   max_create=settings.max_issues, templates=clients.templates,
                   unknown=lambda marker: any(marker.involves_repo(f) for f in failed))
    if clients.tracker is not None:
        actions = plan_labels(clients.tracker, actions, settings.labels) + actions
    effects: list[IssueWrites | RecordRun | PostFindings] = [
        IssueWrites(actions, settings.labels[0]),
        RecordRun(report, run_id, now, settings.pattern_type, settings.partial, seeds),
    ]
    if clients.dev_nexus is not None:
        effects.append(PostFindings(ranked, history, advice.recommendations))
    writers = Writers(clients.tracker, clients.state, clients.dev_nexus)
    with console.stage("Publishing" + (" (dry run: nothing is written)" if settings.dry_run else "")):
        committed = commit(effects, writers, dry_run=settings.dry_run, console=console)
    if committed.issues.deferred:
        warnings.append(f"GitHub's rate limit for creating content stopped the issue writes: "
                        f"{committed.issues.deferred} are left for the next run")
    if clients.dev_nexus is not None:
        warnings += [w for w in clients.dev_nexus.warnings if w not in warnings]

    tracker = clients.tracker
    result = RunResult(
        settings=settings, report=report, advice=advice, history=history, specs=specs,
        existing=targets.existing, committed=committed, warnings=warnings,
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
    data["issues"] = dict(result.issues.counts)
    data["dry_run"] = result.settings.dry_run
    data["warnings"] = list(result.warnings)
    if result.dev_nexus is not None:
        data["dev_nexus"] = result.dev_nexus.to_dict()
    if result.public:
        data = redact_report(data, PrivateNames.of_report(result.report))
    return data

