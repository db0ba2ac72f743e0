"""Ensure one issue per pattern: created, updated, commented, closed or left alone — never duplicated.

    existing issues (bot label, any state) ─► plan (pure) ─► apply (the one place dry-run is checked)

- An issue belongs to a pattern by its hidden marker (``publish.marker``); only issues with the bot
  label (the first configured label) are considered.
- Identical title, body and labels: no write. Otherwise one edit; added, removed or changed copies
  also get a short comment.
- A pattern that is gone (and the run covered it): a comment, then closed as completed.
- Closed as not planned (by a human): never reopened, never re-created. Closed as completed by a
  human: left alone. Closed by Pattern Miner (marker ``state=resolved``) and found again: reopened.
- A create that fails with a 5xx or a lost connection may have been applied: the marker is looked up
  (listing, then search) before the one retry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from github import GithubException, RateLimitExceededException
from requests import RequestException

from pattern_miner.console import Console
from pattern_miner.neterrors import describe
from pattern_miner.publish.marker import Marker, diff_copies, parse_marker, replace_marker
from pattern_miner.publish.tracker import ExistingIssue, GitHubTracker
from pattern_miner.render import Templates

__all__ = ["Action", "EnsureResult", "IssueSpec", "apply", "ensure_issues", "parse_marker", "plan"]


@dataclass(frozen=True)
class IssueSpec:
    """The issue a pattern should have in one repository, fully rendered."""

    repo: str
    pattern_id: str
    title: str
    body: str
    marker: Marker
    labels: tuple[str, ...]
    copies: dict[str, str] = field(default_factory=dict)  # copy key -> Markdown label, for comments
    private_content: bool = False  # shows private copies (allowed: the target repository is private)


@dataclass(frozen=True)
class Action:
    kind: str  # label | create | edit | reopen | comment | close | duplicate | unchanged | skip | call
    repo: str
    pattern_id: str = ""
    number: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # create/edit: title, body, labels, state, ...
    note: str = ""  # one line for logs and the summary


@dataclass
class EnsureResult:
    dry_run: bool
    actions: list[Action] = field(default_factory=list)
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


def _keys(marker: Marker) -> list[str]:
    return [item.partition(":")[0] for item in marker.copies]


def _mostly_in(keys: set[str], repo: str, held: list[tuple[str, set[str]]]) -> bool:
    """Whether at least half of ``keys`` are the copies of one held issue of ``repo``."""
    return bool(keys) and any(r == repo and len(keys & copies) * 2 >= len(keys) for r, copies in held)


def _pick(issues: list[ExistingIssue]) -> tuple[ExistingIssue, list[ExistingIssue]]:
    """The issue that stands for a pattern (oldest open, else oldest), and open duplicates to close."""
    ordered = sorted(issues, key=lambda i: (i.state != "open", i.number))
    keep = ordered[0]
    return keep, [i for i in ordered[1:] if i.state == "open"]


def _change_comment(templates: Templates, existing: ExistingIssue, spec: IssueSpec) -> str:
    old = existing.marker
    if old is None:
        return ""
    changes = diff_copies(old, spec.marker)
    if not changes:
        return ""
    return templates.render(
        "comment_changed.md.j2",
        added=[spec.copies.get(k, "a copy") for k in changes.added],
        changed=[spec.copies.get(k, "a copy") for k in changes.changed],
        removed=len(changes.removed),
    ).strip()


def plan(
    specs: Iterable[IssueSpec],
    existing: Iterable[ExistingIssue],
    *,
    live: set[tuple[str, str]],
    can_close: Callable[[str, Marker], bool],
    max_create: int | None = None,
    templates: Templates | None = None,
    unknown: Callable[[Marker], bool] | None = None,
) -> list[Action]:
    """What to write, in order. ``specs`` come highest ranked first; ``max_create`` caps new issues.

    ``live``: (repo, pattern id) pairs whose pattern still exists (published or not) — never closed.
    ``can_close(repo, marker)``: whether this run covered the pattern well enough to call it gone.
    ``unknown(marker)``: whether the issue involves a repository this run could not read. Such an issue
    is left exactly as it is (what changed cannot be told), and no new issue is opened for a pattern
    whose copies are mostly that issue's: it is the same pattern, seen without its unreadable copies.
    """
    templates = templates or Templates()
    by_key: dict[tuple[str, str], list[ExistingIssue]] = {}
    for issue in existing:
        marker = issue.marker
        if marker:
            by_key.setdefault((issue.repo, marker.id), []).append(issue)
    held = [(issue.repo, set(_keys(m))) for issue in existing
            if issue.state == "open" and (m := issue.marker) is not None and unknown is not None and unknown(m)]
    actions: list[Action] = []
    created = 0
    wanted: set[tuple[str, str]] = set()
    for spec in specs:
        key = (spec.repo, spec.pattern_id)
        wanted.add(key)
        found = by_key.get(key)
        fields = {"title": spec.title, "body": spec.body, "labels": spec.labels}
        if found and unknown is not None and any((m := i.marker) is not None and unknown(m) for i in found):
            actions.append(Action("skip", spec.repo, spec.pattern_id, _pick(found)[0].number,
                                  note="involves a repository that could not be read: left as it is"))
            continue
        if not found and _mostly_in(set(_keys(spec.marker)), spec.repo, held):
            actions.append(Action("skip", spec.repo, spec.pattern_id,
                                  note="the same copies as an issue of a repository that could not be read"))
            continue
        if not found:
            if max_create is not None and created >= max_create:
                actions.append(Action("skip", spec.repo, spec.pattern_id, note="max-issues reached"))
                continue
            created += 1
            actions.append(Action("create", spec.repo, spec.pattern_id, fields=fields, note=spec.title))
            continue
        issue, duplicates = _pick(found)
        for dup in duplicates:
            actions.append(Action("comment", dup.repo, spec.pattern_id, dup.number,
                                  {"body": f"Duplicate of #{issue.number} (same Pattern Miner pattern)."}))
            actions.append(Action("duplicate", dup.repo, spec.pattern_id, dup.number,
                                  {"state": "closed", "state_reason": "not_planned"}, note=f"duplicate of #{issue.number}"))
        if issue.state != "open":
            old = issue.marker
            if issue.state_reason == "not_planned" or old is None or old.state != "resolved":
                actions.append(Action("skip", spec.repo, spec.pattern_id, issue.number, note="closed by a maintainer"))
                continue
            reopen = dict(fields, labels=tuple(dict.fromkeys(issue.labels + spec.labels)), state="open")
            actions.append(Action("reopen", spec.repo, spec.pattern_id, issue.number, reopen, note=spec.title))
            text = templates.render("comment_reopened.md.j2").strip()
            actions.append(Action("comment", spec.repo, spec.pattern_id, issue.number, {"body": text}))
            continue
        labels_ok = set(spec.labels) <= set(issue.labels)
        if issue.title == spec.title and issue.body == spec.body and labels_ok:
            actions.append(Action("unchanged", spec.repo, spec.pattern_id, issue.number))
            continue
        edit: dict[str, Any] = {}
        if issue.title != spec.title:
            edit["title"] = spec.title
        if issue.body != spec.body:
            edit["body"] = spec.body
        if not labels_ok:
            edit["labels"] = tuple(dict.fromkeys(issue.labels + spec.labels))
        actions.append(Action("edit", spec.repo, spec.pattern_id, issue.number, edit, note=spec.title))
        comment = _change_comment(templates, issue, spec)
        if comment:
            actions.append(Action("comment", spec.repo, spec.pattern_id, issue.number, {"body": comment}))
    for (repo, pattern_id), found in sorted(by_key.items()):
        if (repo, pattern_id) in wanted or (repo, pattern_id) in live:
            continue
        issue, _ = _pick(found)
        marker = issue.marker
        if issue.state != "open" or marker is None or not can_close(repo, marker):
            continue
        text = templates.render("comment_resolved.md.j2", removed=len(marker.copies) + marker.private).strip()
        actions.append(Action("comment", repo, pattern_id, issue.number, {"body": text}))
        body = replace_marker(issue.body, marker.resolved())
        actions.append(Action("close", repo, pattern_id, issue.number,
                              {"body": body, "state": "closed", "state_reason": "completed"}, note=issue.title))
    return actions


def _ensure_labels(tracker: GitHubTracker, actions: list[Action], labels: tuple[str, ...]) -> list[Action]:
    """Label creations for every repository that gets a new or relabelled issue."""
    out = []
    repos = sorted({a.repo for a in actions if "labels" in a.fields})
    for repo in repos:
        have = tracker.label_names(repo)
        out += [Action("label", repo, note=name, fields={"name": name}) for name in labels if name not in have]
    return out


def _opened_since(tracker: GitHubTracker, action: Action, bot_label: str) -> list[ExistingIssue]:
    """The bot's issues for this pattern opened or changed since the run began reading (by another run)."""
    return sorted((i for i in tracker.list_issues(action.repo, bot_label, since=tracker.started)
                   if (m := i.marker) is not None and m.id == action.pattern_id), key=lambda i: i.number)


def _create(tracker: GitHubTracker, action: Action, bot_label: str, console: Console) -> tuple[ExistingIssue, bool]:
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


_NOT_WRITES = ("unchanged", "skip", "call")


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
             "skip": "skipped", "call": "calls"}


def apply(
    actions: list[Action], tracker: GitHubTracker | None, *, dry_run: bool, bot_label: str, console: Console
) -> EnsureResult:
    """Carry out ``actions`` — or, in a dry run, only count them. The one place dry-run is checked."""
    result = EnsureResult(dry_run=dry_run, actions=actions)
    failed: set[tuple[str, int | None]] = set()
    for action in actions:
        counter = _COUNTERS[action.kind]
        if action.kind in ("unchanged", "skip"):
            result.count(counter)
            continue
        if dry_run or (tracker is None and action.kind != "call"):
            result.count(counter)
            continue
        if action.kind == "call":  # another write of the run (state, dev-nexus): same gate, its own errors
            action.fields["run"]()
            result.count(counter)
            continue
        assert tracker is not None
        if (action.repo, action.number) in failed and action.number is not None:
            continue  # the edit before this comment failed: say nothing rather than half of it
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
                result.deferred = sum(1 for a in actions[actions.index(action):] if a.kind not in _NOT_WRITES)
                console.warn(f"GitHub's rate limit for creating content stopped this run's writes: {result.deferred} "
                             "issue writes are left for the next run, which continues where this one stopped")
                for rest in actions[actions.index(action):]:
                    if rest.kind == "call":  # the run's own records are not GitHub's to limit
                        rest.fields["run"]()
                        result.count("calls")
                break
            failed.add((action.repo, action.number))
            message = f"{action.kind} {action.repo}#{action.number or 'new'} (pattern {action.pattern_id}) failed: {_failure(exc)}"
            result.errors.append(message)
            result.count("failed")
            console.warn(message)
            continue
        result.count(counter)
    return result


def ensure_issues(
    specs: list[IssueSpec],
    existing: list[ExistingIssue],
    tracker: GitHubTracker | None,
    *,
    labels: tuple[str, ...],
    live: set[tuple[str, str]],
    can_close: Callable[[str, Marker], bool],
    max_create: int | None,
    dry_run: bool,
    console: Console,
    templates: Templates | None = None,
    calls: Iterable[Action] = (),
    unknown: Callable[[Marker], bool] | None = None,
) -> EnsureResult:
    """Plan against ``existing`` (the bot-labelled issues of every target repository), then apply.

    ``calls``: the run's other writes (``Action("call", ..., fields={"run": fn})``), run after the
    issues under the same dry-run gate.
    """
    actions = plan(specs, existing, live=live, can_close=can_close, max_create=max_create, templates=templates,
                   unknown=unknown)
    if tracker is not None:
        actions = _ensure_labels(tracker, actions, labels) + actions
    actions += list(calls)
    result = apply(actions, tracker, dry_run=dry_run, bot_label=labels[0], console=console)
    for issue in existing:
        marker = issue.marker
        if marker:
            result.issues.setdefault((issue.repo, marker.id), issue)
    return result
