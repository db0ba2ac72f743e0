"""The whole mining job: scan → history → dev-nexus → advise → render → publish → report.

Used by the Docker Action (``action``) and the CLI (``mine``). Every write outside the local cache —
issues, comments, labels, dev-nexus, the state file — goes through ``publish.issues.apply``, the one
place where dry-run is decided; everything before it runs the same either way.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pattern_miner.cachefs import atomic_write, ensure_dir
from pattern_miner.console import Console
from pattern_miner.errors import PublishError, UsageError
from pattern_miner.model import Pattern, ScanReport, Source
from pattern_miner.publish import privacy
from pattern_miner.publish.issues import Action, EnsureResult, IssueSpec, ensure_issues
from pattern_miner.publish.markdown import code_span, md_text
from pattern_miner.publish.marker import Marker, copy_key
from pattern_miner.publish.redact import PrivateNames, redact_report
from pattern_miner.publish.tracker import (
    DEFAULT_API_URL,
    ExistingIssue,
    GitHubTracker,
    describe_github_error,
    github_client,
    is_loopback_url,
)
from pattern_miner.render import PRIVATE_LABEL, Templates, render_issue

DEFAULT_LABELS = ("pattern-miner",)
DEFAULT_REPORT = "pattern-miner-report.json"
PREVIEW_TARGET = "(issue repository)"  # a dry run with no issue repository still renders the would-be issues


@dataclass
class MiningSettings:
    config_path: str | None = None  # None: the built-in pattern types (local scans only)
    source: str = "github"  # github | local
    local_paths: tuple[str, ...] = ()
    local_root: str | None = None
    token: str | None = None
    api_url: str = DEFAULT_API_URL
    anthropic_api_key: str | None = None
    model: str | None = None
    dry_run: bool = True
    issue_repo: str | None = None  # central target; per-repo targets each pattern's repositories
    issue_target: str = "central"  # central | per-repo
    labels: tuple[str, ...] = DEFAULT_LABELS  # the first one marks the bot's own issues
    max_issues: int | None = 10  # new issues per run, highest ranked first (None: no cap)
    pattern_type: str | None = None
    repos: tuple[str, ...] = ()
    min_similarity: float | None = None
    dev_nexus_url: str | None = None
    dev_nexus_token: str | None = None
    cache_dir: str = ".pattern-miner-cache"
    report_path: str | None = None
    max_model_calls: int = 50
    private_patterns: str = "redact"  # redact | skip: patterns with private copies in a public issue repo
    template_dir: str | None = None
    jobs: int | None = None
    run_id: str | None = None
    summary_repo: str | None = None  # the workflow's repository: its job summary is public when it is


@dataclass
class MiningResult:
    report: ScanReport
    advice: Any = None  # advise.AdviceResult
    history: dict[str, Any] = field(default_factory=dict)  # pattern id -> state.PatternHistory
    issues: EnsureResult | None = None
    specs: list[IssueSpec] = field(default_factory=list)
    dev_nexus: Any = None  # devnexus.DevNexusResult
    warnings: list[str] = field(default_factory=list)
    report_path: str | None = None
    tracker: GitHubTracker | None = None
    scan_requests: int = 0
    summary_public: bool = True  # the run's summary and report artifact are public: redacted
    private_targets: set[str] = field(default_factory=set)  # issue repositories that are private

    def count(self, key: str) -> int:
        return self.issues.get(key) if self.issues else 0


def _source(settings: MiningSettings, config: Any, console: Console) -> Source:
    if settings.source == "local":
        from pattern_miner.sources.local import LocalSource, repos_from_paths, repos_from_root

        if settings.local_paths:
            repos = repos_from_paths(list(settings.local_paths))
        elif settings.local_root:
            repos = repos_from_root(settings.local_root)
        else:
            raise UsageError("a local scan needs repository paths or --root")
        if settings.repos:
            wanted = {r.lower() for r in settings.repos}
            chosen = [r for r in repos if r[0].lower() in wanted]
            if not chosen:
                raise UsageError(f"the repository filter ({', '.join(settings.repos)}) matches none of the "
                                 f"{len(repos)} repositories given")
            repos = chosen
        return LocalSource(repos, config, console=console)
    if settings.source != "github":
        raise UsageError(f"unknown source {settings.source!r} (github or local)")
    if not settings.token:
        raise UsageError("scanning GitHub needs a token (github-token / GITHUB_TOKEN)")
    from pattern_miner.sources.github import GitHubSource

    # GitHub asks for paced requests; an API on loopback (a proxy, a test server) is not GitHub
    pace = {} if not is_loopback_url(settings.api_url) else {"seconds_between_requests": None}
    return GitHubSource(
        config,
        token=settings.token,
        base_url=settings.api_url,
        cache_dir=Path(settings.cache_dir) / "github",
        console=console,
        repos=list(settings.repos) or None,
        **pace,  # type: ignore[arg-type]
    )


def _config(settings: MiningSettings, console: Console) -> Any:
    from pattern_miner.config import default_config, load_config

    return load_config(settings.config_path, console) if settings.config_path else default_config()


def _preview_state(store: Any, workdir: Path) -> Path:
    """A copy of the state file to compute this run's history in, without touching the real one."""
    copy = workdir / "state-preview.sqlite3"
    store.copy_to(copy)
    return copy


def _targets(settings: MiningSettings, pattern: Pattern, failed: set[str]) -> list[str]:
    if settings.issue_target == "per-repo":
        return [r for r in pattern.repos if r not in failed]
    return [settings.issue_repo or PREVIEW_TARGET]


def _copy_labels(pattern: Pattern, redact: bool) -> dict[str, str]:
    out = {}
    for o in pattern.occurrences:
        if redact and o.private:
            out[copy_key(o)] = f"a copy in {PRIVATE_LABEL}"
        else:
            out[copy_key(o)] = f"{md_text(o.repo, inline=True, links=False)} {code_span(o.path)}"
    return out


class _Run:
    """One mining run's working state (kept out of ``run_mining`` so each step reads on its own)."""

    def __init__(self, settings: MiningSettings, console: Console) -> None:
        self.s = settings
        self.console = console
        self.warnings: list[str] = []
        self.tracker: GitHubTracker | None = None
        if settings.token and (settings.issue_repo or settings.issue_target == "per-repo"):
            self.tracker = GitHubTracker(github_client(settings.token, settings.api_url))
        self.existing: list[ExistingIssue] = []
        self.private: dict[str, bool] = {}
        self.unusable: set[str] = set()

    def warn(self, text: str) -> None:
        self.warnings.append(text)
        self.console.warn(text)

    def is_public(self, repo: str) -> bool:
        """Whether ``repo`` is public; True when it cannot be told (the safe side)."""
        if repo not in self.private and self.tracker is not None:
            from github import GithubException
            from requests import RequestException

            try:
                self.private[repo] = self.tracker.is_private(repo)
            except (GithubException, RequestException):
                return True
        return not self.private.get(repo, False)

    def load_target(self, repo: str, *, required: bool = False) -> None:
        """Visibility and the bot's issues of one target repository (read-only; also in a dry run).

        A target that cannot hold issues (not found, issues disabled, token rejected) is left out with a
        warning; when it is ``required`` (the one central issue repository) nothing could be published,
        so the run stops with a ``PublishError`` before anything is scanned or written."""
        if repo in self.private or repo in self.unusable:
            return
        if self.tracker is None or repo == PREVIEW_TARGET:
            self.private[repo] = False  # unknown: treated as public, the safe side
            return
        from github import GithubException
        from requests import RequestException

        try:
            target = self.tracker.target(repo)
            if not target.has_issues:
                reason = "issues are disabled in it (410)"
            else:
                self.private[repo] = target.private
                self.existing += self.tracker.list_issues(repo, self.s.labels[0])
                return
        except (GithubException, RequestException) as exc:
            reason = describe_github_error(exc)
        self.unusable.add(repo)
        if required:
            raise PublishError(f"cannot open issues in {repo}: {reason}")
        self.warn(f"cannot publish issues to {repo}: {reason}")


def run_mining(settings: MiningSettings, console: Console) -> MiningResult:
    if not settings.labels:
        raise UsageError("at least one label is needed (the first one marks Pattern Miner's issues)")
    if settings.issue_target not in ("central", "per-repo"):
        raise UsageError(f"issue target must be central or per-repo, got {settings.issue_target!r}")
    console.hide(settings.token, settings.anthropic_api_key, settings.dev_nexus_token)
    mode = privacy.check_mode(settings.private_patterns)
    if settings.report_path and Path(settings.report_path).is_dir():
        raise UsageError(f"the report path {settings.report_path} is a directory: give a file name")
    run = _Run(settings, console)
    templates = Templates(settings.template_dir)
    config = _config(settings, console)
    source = _source(settings, config, console)

    if settings.issue_target == "central" and not settings.issue_repo and not settings.dry_run:
        raise UsageError("no repository to open issues in: set issue-repo (or run inside a workflow)")
    if settings.issue_target == "central":  # before the scan: a run that cannot publish fails fast
        run.load_target(settings.issue_repo or PREVIEW_TARGET, required=True)

    from pattern_miner.engine import scan

    report = scan(source, config, console=console, jobs=settings.jobs,
                  pattern_type=settings.pattern_type, min_similarity=settings.min_similarity)
    failed = {f.repo for f in report.failures}
    ranked = sorted(report.opportunities, key=lambda p: (-p.score, p.id))

    # every target that may hold one of our issues: also those whose patterns are gone (to close them)
    if settings.issue_target == "per-repo":
        for repo in sorted({r.name for r in report.repositories} - failed):
            run.load_target(repo)

    # history: computed in a preview copy of the state file; the real one is written by apply()
    from pattern_miner.state import StateStore, default_state_path

    cache = ensure_dir(Path(settings.cache_dir), console)
    now = datetime.now(UTC)
    run_id = settings.run_id or now.strftime("%Y%m%dT%H%M%S.%fZ")
    seeds = [(m.id, m.first_seen, m.pattern_type) for m in (i.marker for i in run.existing) if m and m.first_seen]
    partial = bool(settings.repos)

    def record(store: StateStore) -> dict[str, Any]:
        if store.is_empty() and seeds:
            store.seed(seeds)
        return store.record_run(report, run_id=run_id, when=now, pattern_type=settings.pattern_type, partial=partial)

    workdir = Path(tempfile.mkdtemp(prefix="pattern-miner-"))
    try:
        real = StateStore(default_state_path(cache), console=console)
        history = record(StateStore(_preview_state(real, workdir), console=console))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    dev_nexus = None
    if settings.dev_nexus_url:
        from pattern_miner.devnexus import DevNexus

        dev_nexus = DevNexus(settings.dev_nexus_url, token=settings.dev_nexus_token, console=console)
        dev_nexus.known_patterns(list(ranked))

    from pattern_miner.advise import advise
    from pattern_miner.advise.settings import AdviceSettings

    advice = advise(
        list(ranked),
        AdviceSettings(api_key=settings.anthropic_api_key, model=settings.model, cache_dir=cache,
                       max_model_calls=settings.max_model_calls),
        console=console,
    )
    for w in getattr(advice, "warnings", []) or []:
        run.warnings.append(w)

    markers = {(i.repo, m.id): m for i in run.existing if (m := i.marker)}
    specs: list[IssueSpec] = []
    for p in ranked:
        for target in _targets(settings, p, failed):
            if target in run.unusable:
                continue
            decision = privacy.decide(p, target, run.private.get(target, False), mode)
            if decision.warning:
                run.warn(decision.warning)
            if decision.action == "skip":
                continue
            redact = decision.action == "redact"
            old = markers.get((target, p.id))
            hist = history.get(p.id)
            first_seen = (old.first_seen if old else "") or getattr(hist, "first_seen", "") or now.date().isoformat()
            issue = render_issue(p, advice.recommendations.get(p.id), first_seen=first_seen, redact=redact,
                                 templates=templates)
            specs.append(IssueSpec(target, p.id, issue.title, issue.body, issue.marker, tuple(settings.labels),
                                   _copy_labels(p, redact), private_content=p.has_private and not redact))

    if settings.issue_target == "per-repo":
        live = {(r, p.id) for p in report.patterns for r in p.repos}
    else:
        live = {(settings.issue_repo or PREVIEW_TARGET, p.id) for p in report.patterns}

    def can_close(repo: str, marker: Marker) -> bool:
        if partial or not report.repositories:
            return False
        if settings.pattern_type and marker.pattern_type != settings.pattern_type:
            return False
        if any(marker.involves_repo(f) for f in failed):
            return False
        return not (marker.private and failed)

    outcome: dict[str, Any] = {}
    calls = [Action("call", "", note="state", fields={"run": lambda: record(StateStore(default_state_path(cache), console=console))})]
    if dev_nexus is not None:
        dn = dev_nexus

        def post() -> None:
            outcome["dev_nexus"] = dn.post(list(ranked), history, advice.recommendations)

        calls.append(Action("call", "", note="dev-nexus", fields={"run": post}))
    result = ensure_issues(
        specs, run.existing, run.tracker, labels=tuple(settings.labels), live=live, can_close=can_close,
        max_create=settings.max_issues, dry_run=settings.dry_run, console=console, templates=templates, calls=calls,
        unknown=lambda marker: any(marker.involves_repo(f) for f in failed),
    )
    if result.deferred:
        run.warnings.append(f"GitHub's rate limit for creating content stopped the issue writes: {result.deferred} "
                            "are left for the next run")
    if dev_nexus is not None:
        run.warnings += [w for w in dev_nexus.warnings if w not in run.warnings]
        dev_nexus.close()
    mining = MiningResult(
        report=report, advice=advice, history=history, issues=result, specs=specs,
        dev_nexus=outcome.get("dev_nexus"), warnings=run.warnings, tracker=run.tracker,
        scan_requests=int(getattr(source, "requests_made", 0) or 0),
        summary_public=run.is_public(settings.summary_repo) if settings.summary_repo else False,
        private_targets={repo for repo, private in run.private.items() if private},
    )
    mining.report_path = write_report(mining, settings, console)
    return mining


def write_report(result: MiningResult, settings: MiningSettings, console: Console) -> str:
    """The JSON report: the scan (ScanReport.to_dict), advice and its usage, history, issue counts."""
    data = result.report.to_dict()
    advice = result.advice
    if advice is not None and hasattr(advice, "to_dict"):
        data["advice"] = advice.to_dict()
    data["history"] = {pid: h.to_dict() if hasattr(h, "to_dict") else h for pid, h in result.history.items()}
    data["issues"] = dict(result.issues.counts) if result.issues else {}
    data["dry_run"] = settings.dry_run
    data["warnings"] = list(result.warnings)
    if result.dev_nexus is not None and hasattr(result.dev_nexus, "to_dict"):
        data["dev_nexus"] = result.dev_nexus.to_dict()
    if result.summary_public:  # the report is an artifact of a public repository's run: anyone can read it
        data = redact_report(data, PrivateNames.of_report(result.report))
    path = Path(settings.report_path or Path(settings.cache_dir) / DEFAULT_REPORT)
    text = console.scrub(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    if settings.report_path:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the report to {path}: {exc.strerror or exc}") from None
    else:  # the cache's own file: whatever stands in its way is moved aside
        atomic_write(path, text.encode("utf-8"))
    return str(path)


# ---- the ``mine`` command ---------------------------------------------------------------------------


def add_arguments(parser: Any) -> None:
    parser.add_argument("paths", nargs="*", help="local repository directories (default: scan GitHub with --github)")
    parser.add_argument("--root", help="a directory whose subdirectories are repositories")
    parser.add_argument("--github", action="store_true", help="scan the config's GitHub repositories ($GITHUB_TOKEN)")
    parser.add_argument("--config", help="config/repositories.json (default: that file when it exists)")
    parser.add_argument("--publish", action="store_true", help="write issues (default: a dry run that writes nothing)")
    parser.add_argument("--issue-repo", help="owner/name to open issues in")
    parser.add_argument("--issue-target", choices=("central", "per-repo"), default="central")
    parser.add_argument("--labels", default=",".join(DEFAULT_LABELS), help="comma-separated; the first marks ours")
    parser.add_argument("--max-issues", type=int, default=10, help="new issues per run, highest ranked first")
    parser.add_argument("--type", dest="pattern_type", help="only this pattern type")
    parser.add_argument("--repos", default="", help="comma-separated owner/name subset")
    parser.add_argument("--min-similarity", type=float)
    parser.add_argument("--model", help="Claude model ($ANTHROPIC_API_KEY; offline advisor without it)")
    parser.add_argument("--max-model-calls", type=int, default=50)
    parser.add_argument("--private-patterns", choices=privacy.MODES, default="redact")
    parser.add_argument("--template-dir", help="directory with issue_title.j2 / issue_body.md.j2 overrides")
    parser.add_argument("--cache-dir", default=".pattern-miner-cache")
    parser.add_argument("--report", help=f"JSON report path (default: <cache-dir>/{DEFAULT_REPORT})")
    parser.add_argument("--summary", help="also write the Markdown summary to this file")
    parser.add_argument("--jobs", type=int)


def settings_from_args(args: Any, env: dict[str, str] | os._Environ[str] = os.environ) -> MiningSettings:
    if args.github and (args.paths or args.root):
        raise UsageError("scan either GitHub (--github) or local paths, not both")
    config_path = args.config or ("config/repositories.json" if Path("config/repositories.json").is_file() else None)
    if args.github and not config_path:
        raise UsageError("--github needs a config file listing the repositories (--config)")
    return MiningSettings(
        config_path=config_path,
        source="github" if args.github else "local",
        local_paths=tuple(args.paths),
        local_root=args.root,
        token=env.get("GITHUB_TOKEN") or None,
        api_url=env.get("GITHUB_API_URL") or DEFAULT_API_URL,
        anthropic_api_key=env.get("ANTHROPIC_API_KEY") or None,
        model=args.model,
        dry_run=not args.publish,
        issue_repo=args.issue_repo,
        issue_target=args.issue_target,
        labels=tuple(x.strip() for x in args.labels.split(",") if x.strip()),
        max_issues=args.max_issues,
        pattern_type=args.pattern_type,
        repos=tuple(x.strip() for x in args.repos.split(",") if x.strip()),
        min_similarity=args.min_similarity,
        dev_nexus_url=env.get("DEV_NEXUS_URL") or None,
        dev_nexus_token=env.get("DEV_NEXUS_TOKEN") or None,
        cache_dir=args.cache_dir,
        report_path=args.report,
        max_model_calls=args.max_model_calls,
        private_patterns=args.private_patterns,
        template_dir=args.template_dir,
        jobs=args.jobs,
    )


def summary_markdown(result: MiningResult, settings: MiningSettings, templates: Templates | None = None) -> str:
    from pattern_miner.publish.summary import SummaryUsage, model_usage_text, render_summary

    tracker = result.tracker
    usage = SummaryUsage(
        scan_requests=result.scan_requests,
        issue_reads=tracker.reads if tracker else 0,
        issue_writes=tracker.writes if tracker else 0,
        model=model_usage_text(getattr(result.advice, "usage", None)),
        seconds=result.report.stats.seconds,
    )
    return render_summary(
        result.report, result=result.issues, specs=result.specs, warnings=result.warnings, usage=usage,
        dry_run=settings.dry_run, public=result.summary_public, templates=templates,
        private_targets=frozenset(result.private_targets),
    )


def run(args: Any, console: Console) -> int:
    settings = settings_from_args(args)
    if not settings.dry_run and not settings.token:
        raise UsageError("--publish needs GITHUB_TOKEN")
    result = run_mining(settings, console)
    markdown = console.scrub(summary_markdown(result, settings, Templates(settings.template_dir)))
    if args.summary:
        Path(args.summary).write_text(markdown, encoding="utf-8")
    console.result(markdown)
    console.info(f"report: {result.report_path}")
    return 1 if result.issues and result.issues.errors else 0
