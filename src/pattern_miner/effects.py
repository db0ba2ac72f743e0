"""Every write a run makes, as data, and the one place that carries them out and decides dry-run.

The pipeline computes; it writes nothing. What it wants written comes out as effects:

    IssueWrites     the issue plan (labels, creates, edits, comments, closes) for GitHub
    RecordRun       this run into the history (the state file)
    PostFindings    new and changed opportunities to dev-nexus (each seen as one Pattern)
    WriteReport     the JSON report file

``commit`` carries them out in order. In a dry run only the report is written: it is the local file the
user asked for; GitHub, dev-nexus and the history are left exactly as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pattern_miner.advise.models import Recommendation
from pattern_miner.cachefs import atomic_write
from pattern_miner.console import Console
from pattern_miner.devnexus import DevNexus, DevNexusResult
from pattern_miner.errors import UsageError
from pattern_miner.model import Pattern, ScanReport
from pattern_miner.publish.plan import IssueAction
from pattern_miner.publish.tracker import GitHubTracker
from pattern_miner.publish.write import EnsureResult, counted, execute
from pattern_miner.state import PatternHistory, StateStore, record
from pattern_miner.state.store import Seen


@dataclass(frozen=True)
class IssueWrites:
    actions: list[IssueAction]
    bot_label: str


@dataclass(frozen=True)
class RecordRun:
    report: ScanReport
    run_id: str
    when: datetime
    pattern_type: str | None
    partial: bool
    seeds: tuple[tuple[str, str, str], ...] = ()  # (pattern id, first seen, type) from the issues' markers
    opportunities: tuple[Seen, ...] | None = None  # each seen as one Pattern, with its component ids
    opp_seeds: tuple[tuple[str, str, str], ...] = ()  # (opportunity id, first seen, type) from the markers


@dataclass(frozen=True)
class PostFindings:
    patterns: Sequence[Pattern]
    history: Mapping[str, PatternHistory]
    recommendations: Mapping[str, Recommendation]


@dataclass(frozen=True)
class WriteReport:
    path: Path
    text: str
    in_cache: bool  # the cache's own file (whatever stands in its way is moved aside), or the user's


Effect = IssueWrites | RecordRun | PostFindings | WriteReport


@dataclass
class Committed:
    """What the effects came to."""

    issues: EnsureResult = field(default_factory=lambda: EnsureResult(dry_run=True))
    dev_nexus: DevNexusResult | None = None
    report_path: Path | None = None


@dataclass(frozen=True)
class Writers:
    """What the effects are written with (``wiring.Clients`` provides them)."""

    tracker: GitHubTracker | None
    state: StateStore
    dev_nexus: DevNexus | None


def commit(effects: Sequence[Effect], writers: Writers, *, dry_run: bool, console: Console) -> Committed:
    """Carry out ``effects`` in order; in a dry run, only count the issue writes and write the report."""
    done = Committed()
    for effect in effects:
        if isinstance(effect, IssueWrites):
            if dry_run or writers.tracker is None:
                done.issues = counted(effect.actions)
            else:
                done.issues = execute(effect.actions, writers.tracker, bot_label=effect.bot_label, console=console)
        elif isinstance(effect, RecordRun):
            if not dry_run:
                record(writers.state, effect.report, run_id=effect.run_id, when=effect.when,
                       pattern_type=effect.pattern_type, partial=effect.partial, seeds=effect.seeds,
                       opportunities=effect.opportunities, opp_seeds=effect.opp_seeds)
        elif isinstance(effect, PostFindings):
            if not dry_run and writers.dev_nexus is not None:
                done.dev_nexus = writers.dev_nexus.post(list(effect.patterns), effect.history, effect.recommendations)
        else:
            _write_report(effect, console)
            done.report_path = effect.path
    return done


def _write_report(effect: WriteReport, console: Console) -> None:
    data = effect.text.encode("utf-8")
    if effect.in_cache:
        atomic_write(effect.path, data, console)
        return
    try:
        effect.path.parent.mkdir(parents=True, exist_ok=True)
        effect.path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write the report to {effect.path}: {exc.strerror or exc}") from None
