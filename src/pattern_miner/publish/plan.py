"""Plan the issues: one per opportunity and target repository, created, updated, commented, closed or left
alone — never duplicated. Pure: it reads the existing issues it is given and writes nothing.

    specs (rendered) + existing issues (the bot's, any state) ─► plan ─► [IssueAction] ─► publish.write

- An issue belongs to an opportunity by its hidden marker (``render.marker``).
- Adopted: an open issue of the per-pattern version (or of an opportunity whose id is no longer reported)
  whose pattern is now a component of an opportunity becomes that opportunity's issue: edited in place,
  its marker rewritten. When several are, the oldest is kept and the others are closed as duplicates.
- Ignored on the dashboard (``ignored``: opportunity id -> content hash): its open issue is closed as not
  planned (marker ``state=ignored``); it is reopened only when its content changes.
- Identical title, body and labels: no write. Otherwise one edit; added, removed or changed copies
  also get a short comment.
- A pattern that is gone (and the run covered it): a comment, then closed as completed.
- Closed as not planned (by a human): never reopened, never re-created. Closed as completed by a
  human: left alone. Closed by Pattern Miner (marker ``state=resolved``) and found again: reopened.
- An issue that involves a repository the run could not read is left exactly as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pattern_miner.publish.tracker import ExistingIssue, GitHubTracker
from pattern_miner.render.marker import Marker, diff_copies, replace_marker
from pattern_miner.render.templates import Templates


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
    forced: bool = False  # opened even past max-issues: the user asked for it on the dashboard


ActionKind = Literal["label", "create", "edit", "reopen", "comment", "close", "duplicate", "unchanged", "skip"]


@dataclass(frozen=True)
class IssueAction:
    """One step of the plan: a write to an issue tracker (label ... duplicate), or a decision to write
    nothing (unchanged, skip), kept so the run can say what it did and why."""

    kind: ActionKind
    repo: str
    pattern_id: str = ""
    number: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # create/edit: title, body, labels, state, ...
    note: str = ""  # one line for logs and the summary


def _keys(marker: Marker) -> list[str]:
    return [item.partition(":")[0] for item in marker.copies]


def _mostly_in(keys: set[str], repo: str, held: list[tuple[str, set[str]]]) -> bool:
    """Whether at least half of ``keys`` are the copies of one held issue of ``repo``."""
    return bool(keys) and any(r == repo and len(keys & copies) * 2 >= len(keys) for r, copies in held)


def _pick(issues: list[ExistingIssue], own: str = "") -> tuple[ExistingIssue, list[ExistingIssue]]:
    """The issue that stands for an opportunity (oldest open, its own id's first, else oldest), and open
    duplicates to close."""
    ordered = sorted(issues, key=lambda i: (i.state != "open", (m := i.marker) is None or m.id != own, i.number))
    keep = ordered[0]
    return keep, [i for i in ordered[1:] if i.state == "open"]


def _change_comment(templates: Templates, existing: ExistingIssue, spec: IssueSpec) -> str:
    old = existing.marker
    if old is None:
        return ""
    if old.id != spec.pattern_id:  # adopted: an issue of one of its components (or of its former id)
        return templates.render("comment_adopted.md.j2", components=len(spec.marker.parts),
                                kind=spec.marker.kind).strip()
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
    ignored: Mapping[str, str] | None = None,
) -> list[IssueAction]:
    """What to write, in order. ``specs`` come highest ranked first; ``max_create`` caps new issues.

    ``live``: (repo, pattern id) pairs whose pattern still exists (published or not) — never closed.
    ``can_close(repo, marker)``: whether this run covered the pattern well enough to call it gone.
    ``unknown(marker)``: whether the issue involves a repository this run could not read. Such an issue
    is left exactly as it is (what changed cannot be told), and no new issue is opened for a pattern
    whose copies are mostly that issue's: it is the same pattern, seen without its unreadable copies.
    """
    templates = templates or Templates()
    specs = list(specs)
    ignored = ignored or {}
    by_key: dict[tuple[str, str], list[ExistingIssue]] = {}
    by_part: dict[tuple[str, str], list[ExistingIssue]] = {}
    wanted_ids = {(spec.repo, spec.pattern_id) for spec in specs}
    for issue in existing:
        marker = issue.marker
        if marker:
            by_key.setdefault((issue.repo, marker.id), []).append(issue)
            if marker.kind != "dashboard" and issue.state == "open" and (issue.repo, marker.id) not in wanted_ids:
                for part in marker.pattern_ids:
                    by_part.setdefault((issue.repo, part), []).append(issue)
    claimed: set[int] = set()  # ids (id()) of issues adopted by an opportunity
    held = [(issue.repo, set(_keys(m))) for issue in existing
            if issue.state == "open" and (m := issue.marker) is not None and unknown is not None and unknown(m)]
    actions: list[IssueAction] = []
    created = 0
    wanted: set[tuple[str, str]] = set()
    for spec in specs:
        key = (spec.repo, spec.pattern_id)
        wanted.add(key)
        found = list(by_key.get(key, []))
        for part in spec.marker.parts:  # issues of its components: adopted (the first run after an upgrade)
            for issue in by_part.get((spec.repo, part), []):
                if id(issue) not in claimed and issue not in found:
                    found.append(issue)
        claimed.update(id(i) for i in found)
        fields = {"title": spec.title, "body": spec.body, "labels": spec.labels}
        if ignored.get(spec.pattern_id) == spec.marker.content:
            open_ones = [i for i in found if i.state == "open"]
            if not open_ones:
                actions.append(IssueAction("skip", spec.repo, spec.pattern_id, note="ignored on the dashboard"))
                continue
            for issue in open_ones:
                text = templates.render("comment_ignored.md.j2").strip()
                actions.append(IssueAction("comment", spec.repo, spec.pattern_id, issue.number, {"body": text}))
                body = replace_marker(spec.body, spec.marker.ignored())
                actions.append(IssueAction("close", spec.repo, spec.pattern_id, issue.number,
                                           {"body": body, "state": "closed", "state_reason": "not_planned"},
                                           note="ignored on the dashboard"))
            continue
        if found and unknown is not None and any((m := i.marker) is not None and unknown(m) for i in found):
            actions.append(IssueAction("skip", spec.repo, spec.pattern_id, _pick(found)[0].number,
                                  note="involves a repository that could not be read: left as it is"))
            continue
        if not found and _mostly_in(set(_keys(spec.marker)), spec.repo, held):
            actions.append(IssueAction("skip", spec.repo, spec.pattern_id,
                                  note="the same copies as an issue of a repository that could not be read"))
            continue
        if not found:
            if max_create is not None and created >= max_create and not spec.forced:
                actions.append(IssueAction("skip", spec.repo, spec.pattern_id, note="max-issues reached"))
                continue
            created += 0 if spec.forced else 1
            actions.append(IssueAction("create", spec.repo, spec.pattern_id, fields=fields, note=spec.title))
            continue
        issue, duplicates = _pick(found, spec.pattern_id)
        for dup in duplicates:
            same = (m := dup.marker) is not None and m.id == spec.pattern_id
            text = (f"Duplicate of #{issue.number} (same Pattern Miner pattern)." if same else
                    f"Now part of #{issue.number}: Pattern Miner reports these copies together, as one opportunity.")
            actions.append(IssueAction("comment", dup.repo, spec.pattern_id, dup.number, {"body": text}))
            actions.append(IssueAction("duplicate", dup.repo, spec.pattern_id, dup.number,
                                  {"state": "closed", "state_reason": "not_planned"}, note=f"duplicate of #{issue.number}"))
        if issue.state != "open":
            old = issue.marker
            un_ignored = old is not None and old.state == "ignored"  # changed since, or unticked: reported again
            if not un_ignored and (issue.state_reason == "not_planned" or old is None or old.state != "resolved"):
                actions.append(IssueAction("skip", spec.repo, spec.pattern_id, issue.number, note="closed by a maintainer"))
                continue
            reopen = dict(fields, labels=tuple(dict.fromkeys(issue.labels + spec.labels)), state="open")
            actions.append(IssueAction("reopen", spec.repo, spec.pattern_id, issue.number, reopen, note=spec.title))
            text = templates.render("comment_reopened.md.j2").strip()
            actions.append(IssueAction("comment", spec.repo, spec.pattern_id, issue.number, {"body": text}))
            continue
        labels_ok = set(spec.labels) <= set(issue.labels)
        if issue.title == spec.title and issue.body == spec.body and labels_ok:
            actions.append(IssueAction("unchanged", spec.repo, spec.pattern_id, issue.number))
            continue
        edit: dict[str, Any] = {}
        if issue.title != spec.title:
            edit["title"] = spec.title
        if issue.body != spec.body:
            edit["body"] = spec.body
        if not labels_ok:
            edit["labels"] = tuple(dict.fromkeys(issue.labels + spec.labels))
        actions.append(IssueAction("edit", spec.repo, spec.pattern_id, issue.number, edit, note=spec.title))
        comment = _change_comment(templates, issue, spec)
        if comment:
            actions.append(IssueAction("comment", spec.repo, spec.pattern_id, issue.number, {"body": comment}))
    for (repo, pattern_id), found in sorted(by_key.items()):
        if (repo, pattern_id) in wanted or (repo, pattern_id) in live:
            continue
        if any(id(i) in claimed or ((m := i.marker) is not None and m.kind == "dashboard") for i in found):
            continue
        issue, _ = _pick(found)
        marker = issue.marker
        if issue.state != "open" or marker is None or not can_close(repo, marker):
            continue
        text = templates.render("comment_resolved.md.j2", removed=len(marker.copies) + marker.private).strip()
        actions.append(IssueAction("comment", repo, pattern_id, issue.number, {"body": text}))
        body = replace_marker(issue.body, marker.resolved())
        actions.append(IssueAction("close", repo, pattern_id, issue.number,
                              {"body": body, "state": "closed", "state_reason": "completed"}, note=issue.title))
    return actions


def plan_labels(tracker: GitHubTracker, actions: list[IssueAction], labels: tuple[str, ...]) -> list[IssueAction]:
    """Label creations for every repository that gets a new or relabelled issue (reads the labels it has)."""
    out = []
    repos = sorted({a.repo for a in actions if "labels" in a.fields})
    for repo in repos:
        have = tracker.label_names(repo)
        out += [IssueAction("label", repo, note=name, fields={"name": name}) for name in labels if name not in have]
    return out
