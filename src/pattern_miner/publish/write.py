"""Carry out a plan's issue writes on GitHub, or count them for a dry run (``effects.commit`` chooses).

- A create first looks for the marker once more (another run may have opened the issue meanwhile); a
  twin opened at the same time is closed as a duplicate of the older one.
- A create that fails with a 5xx or a lost connection may have been applied: the marker is looked up
  (listing, then search) before the one retry.
- A rate limit stops the writes: what is left waits for the next run, which continues where this one
  stopped. Any other failure is one short warning, and the run goes on with the next write.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from github import GithubException, RateLimitExceededException
from requests import RequestException

from pattern_miner.console import Console
from pattern_miner.neterrors import describe
from pattern_miner.publish.plan import IssueAction, IssueSpec
from pattern_miner.publish.tracker import ExistingIssue, GitHubTracker
from pattern_miner.render.summary import IssueRef, IssuesView, WouldBe

WRITES_PER_MINUTE = 80  # GitHub's secondary limit for content creation ...
WRITES_PER_HOUR = 500  # ... and its hourly one (docs: "Best practices for using the REST API")


@dataclass
class EnsureResult:
    dry_run: bool
    actions: list[IssueAction] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # created, updated, commented, closed, ...
    issues: dict[tuple[str, str], ExistingIssue] = field(default_factory=dict)  # (repo, pattern id)
    errors: list[str] = field(default_factory=list)
    deferred: int = 0  # writes a rate limit left for the next run

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def get(self, key: str) -> int:
        """How many actions of this kind were planned (dry run) or carried out."""
        return self.counts.get(key, 0)

    def planned(self, key: str) -> int:
        """How many actions of this kind the plan holds, carried out or not (a dry run, a rate limit)."""
        return sum(1 for a in self.actions if _COUNTERS[a.kind] == key)

    def done(self, key: str) -> int:
        """How many were carried out: 0 in a dry run."""
        return 0 if self.dry_run else self.get(key)


def _opened_since(tracker: GitHubTracker, action: IssueAction, bot_label: str) -> list[ExistingIssue]:
    """The bot's issues for this pattern opened or changed since the run began reading (by another run)."""
    return sorted((i for i in tracker.list_issues(action.repo, bot_label, since=tracker.started)
                   if (m := i.marker) is not None and m.id == action.pattern_id), key=lambda i: i.number)


def _create(tracker: GitHubTracker, action: IssueAction, bot_label: str, console: Console) -> tuple[ExistingIssue, bool]:
    """Open the issue, unless another run (two schedules at once) opened it meanwhile; if both did, the
    newer one is closed as a duplicate of the older. Returns the issue and whether this run opened it."""
    f = action.fields
    already = _opened_since(tracker, action, bot_label)
    if already:
        return already[0], False
    try:
        issue = tracker.create(action.repo, f["title"], f["body"], f["labels"])
    except (GithubException, RequestException) as exc:
        status = getattr(exc, "status", None)
        if status is not None and status < 500:
            raise
        console.warn(f"creating the issue for pattern {action.pattern_id} in {action.repo} failed ({_failure(exc)}); "
                     "checking whether it was created anyway")
        for found in tracker.list_issues(action.repo, bot_label) + tracker.search_marker(action.repo, action.pattern_id):
            marker = found.marker
            if marker and marker.id == action.pattern_id:
                return found, True
        issue = tracker.create(action.repo, f["title"], f["body"], f["labels"])
    twins = _opened_since(tracker, action, bot_label)
    if twins and twins[0].number < issue.number:  # a concurrent run won the race: ours goes
        tracker.comment(action.repo, issue.number, f"Duplicate of #{twins[0].number} (same Pattern Miner pattern).")
        tracker.edit(action.repo, issue.number, state="closed", state_reason="not_planned")
        return twins[0], False
    return issue, True


def _rate_limited(exc: GithubException | RequestException) -> bool:
    """A primary or secondary rate limit (403 or 429 that says so, or carries Retry-After)."""
    if isinstance(exc, RateLimitExceededException):
        return True
    status = getattr(exc, "status", None)
    if status not in (403, 429):
        return False
    data = getattr(exc, "data", None)
    message = str(data.get("message", "")) if isinstance(data, dict) else str(data or "")
    headers = getattr(exc, "headers", None) or {}
    return status == 429 or "rate limit" in message.lower() or any(k.lower() == "retry-after" for k in headers)


def _failure(exc: GithubException | RequestException) -> str:
    """The HTTP status GitHub answered, or in a few words why it could not be asked."""
    status = getattr(exc, "status", None)
    if status or not isinstance(exc, RequestException):
        return str(status)
    return f"cannot reach GitHub ({describe(exc)})"


_COUNTERS = {"create": "created", "edit": "updated", "reopen": "reopened", "comment": "commented",
             "close": "closed", "duplicate": "closed", "label": "labels_created", "unchanged": "unchanged",
             "skip": "skipped"}


def counted(actions: list[IssueAction]) -> EnsureResult:
    """What a dry run reports: every planned write counted, none carried out."""
    result = EnsureResult(dry_run=True, actions=actions)
    for action in actions:
        result.count(_COUNTERS[action.kind])
    return result


@dataclass
class WritePacer:
    """GitHub's limits for creating content, kept by the run: at most ``per_minute`` writes a minute (it
    waits) and ``per_hour`` an hour (the rest is left for the next run). PyGithub already spaces writes a
    second apart on github.com; this bounds a run with many writes."""

    per_minute: int = WRITES_PER_MINUTE
    per_hour: int = WRITES_PER_HOUR
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    times: deque[float] = field(default_factory=deque)

    def admit(self) -> bool:
        """Wait until one more write is within the minute's limit; False once the hour's is spent."""
        now = self.clock()
        while self.times and self.times[0] <= now - 3600:
            self.times.popleft()
        if len(self.times) >= self.per_hour:
            return False
        recent = [t for t in self.times if t > now - 60]
        if len(recent) >= self.per_minute:
            self.sleep(recent[-self.per_minute] + 60 - now)
            now = self.clock()
        self.times.append(now)
        return True


def execute(actions: list[IssueAction], tracker: GitHubTracker, *, bot_label: str, console: Console,
            pacer: WritePacer | None = None) -> EnsureResult:
    """Carry out ``actions`` in order (``effects.commit`` has decided that this is no dry run)."""
    pacer = pacer or WritePacer()
    result = EnsureResult(dry_run=False, actions=actions)
    failed: set[tuple[str, int | None]] = set()
    for at, action in enumerate(actions):
        counter = _COUNTERS[action.kind]
        if action.kind in ("unchanged", "skip"):
            result.count(counter)
            continue
        if (action.repo, action.number) in failed and action.number is not None:
            continue  # the edit before this comment failed: say nothing rather than half of it
        if not pacer.admit():
            result.deferred = sum(1 for a in actions[at:] if a.kind not in ("unchanged", "skip"))
            console.warn(f"{pacer.per_hour} issue writes this hour, GitHub's limit for creating content: "
                         f"{result.deferred} are left for the next run, which continues where this one stopped")
            break
        try:
            if action.kind == "label":
                tracker.create_label(action.repo, action.fields["name"])
            elif action.kind == "create":
                issue, opened = _create(tracker, action, bot_label, console)
                result.issues[(action.repo, action.pattern_id)] = issue
                if not opened:
                    result.count("adopted")  # another run opened it meanwhile
                    continue
            elif action.kind == "comment":
                tracker.comment(action.repo, action.number or 0, action.fields["body"])
            else:
                tracker.edit(action.repo, action.number or 0, **action.fields)
        except (GithubException, RequestException) as exc:
            if _rate_limited(exc):  # GitHub wants no more writes for now: the next run picks up the rest
                result.deferred = sum(1 for a in actions[at:] if a.kind not in ("unchanged", "skip"))
                console.warn(f"GitHub's rate limit for creating content stopped this run's writes: {result.deferred} "
                             "issue writes are left for the next run, which continues where this one stopped")
                break
            failed.add((action.repo, action.number))
            message = (f"{action.kind} {action.repo}#{action.number or 'new'} (pattern {action.pattern_id}) "
                       f"failed: {_failure(exc)}")
            result.errors.append(message)
            result.count("failed")
            console.warn(message)
            continue
        result.count(counter)
    return result


def view(result: EnsureResult, specs: Iterable[IssueSpec], existing: Iterable[ExistingIssue]) -> IssuesView:
    """The run's issues as the summary shows them: each pattern's issues (opened now or before), what
    the plan said for patterns that have none, and the would-be issues of a dry run."""
    issues = dict(result.issues)
    for issue in existing:
        if (marker := issue.marker) is not None:
            issues.setdefault((issue.repo, marker.id), issue)
    refs: dict[str, list[IssueRef]] = {}
    for (repo, pid), issue in sorted(issues.items()):
        refs.setdefault(pid, []).append(IssueRef(repo, issue.number, issue.url))
    planned: dict[str, str] = {}
    for a in result.actions:
        if a.kind in ("create", "skip") and a.pattern_id and planned.get(a.pattern_id) != "create":
            planned[a.pattern_id] = a.kind
    kinds = {(a.repo, a.pattern_id): a.kind for a in result.actions if a.kind in ("create", "edit", "reopen")}
    would_be = [WouldBe(kinds[(s.repo, s.pattern_id)], s.repo, s.title, s.body, s.private_content)
                for s in specs if (s.repo, s.pattern_id) in kinds]
    return IssuesView(result.dry_run, refs, planned, would_be, dict(result.counts))
