"""The issue plan and its writes against the fake GitHub through PyGithub: idempotent, no duplicates,
humans respected. ``ensure`` below does what a run does: plan, then commit (write, or count in a dry run)."""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pattern_miner.console import Console
from pattern_miner.effects import IssueWrites, Writers, commit
from pattern_miner.github_api import github_client
from pattern_miner.model import Occurrence, Pattern
from pattern_miner.publish.plan import IssueAction, IssueSpec, plan, plan_labels
from pattern_miner.publish.tracker import ExistingIssue, GitHubTracker
from pattern_miner.publish.write import EnsureResult, WritePacer, execute
from pattern_miner.render import render_issue
from pattern_miner.render.marker import Marker, copy_key, parse_marker
from pattern_miner.state import StateStore
from tests.fakes.github import FakeGitHub

HUB = "acme/hub"
LABELS = ("pattern-miner", "code-reuse")
TEXT = "#!/bin/sh\nset -e\ndocker build -t app .\ndocker push app\ngcloud run deploy app\n"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(HUB, {"README.md": "hub"})
        yield server


def pat(pid: str, repos: tuple[str, ...] = ("acme/a", "acme/b"), *, text: str = TEXT, score: float = 1.0) -> Pattern:
    occs = tuple(Occurrence(r, "deploy.sh", 1, 5, language="bash", text=text,
                            url=f"https://github.com/{r}/blob/abc/deploy.sh#L1-L5") for r in repos)
    return Pattern(pid, "deployment", "file", "bash", f"deploy script {pid}", 0.9, "High", score, 5, occs)


def spec(p: Pattern, repo: str = HUB) -> IssueSpec:
    issue = render_issue(p, None, first_seen="2024-05-06")
    copies = {copy_key(o): f"{o.repo} `{o.path}`" for o in p.occurrences}
    return IssueSpec(repo, p.id, issue.title, issue.body, issue.marker, LABELS, copies)


def ensure(specs: list[IssueSpec], existing: list[ExistingIssue], tracker: GitHubTracker, *,
           labels: tuple[str, ...], live: set[tuple[str, str]], can_close: Callable[[str, Marker], bool],
           max_create: int | None, dry_run: bool, console: Console) -> EnsureResult:
    actions = plan(specs, existing, live=live, can_close=can_close, max_create=max_create)
    actions = plan_labels(tracker, actions, labels) + actions
    writers = Writers(tracker, StateStore(Path("unused.sqlite3")), None)
    result = commit([IssueWrites(actions, labels[0])], writers, dry_run=dry_run, console=console).issues
    for issue in existing:  # the issues of every pattern: opened now, or before
        if (marker := issue.marker) is not None:
            result.issues.setdefault((issue.repo, marker.id), issue)
    return result


def run(fake: FakeGitHub, patterns: list[Pattern], *, dry_run: bool = False, max_create: int | None = None,
        live: set[tuple[str, str]] | None = None, closable: bool = True) -> EnsureResult:
    tracker = GitHubTracker(github_client(fake.token, fake.url))
    existing = tracker.list_issues(HUB, LABELS[0])
    return ensure(
        [spec(p) for p in patterns], existing, tracker, labels=LABELS,
        live=live if live is not None else {(HUB, p.id) for p in patterns},
        can_close=lambda repo, marker: closable, max_create=max_create, dry_run=dry_run, console=Console(quiet=True),
    )


def writes(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]


def issues(fake: FakeGitHub) -> list[dict]:
    return list(fake.repo(HUB).issues.values())


def test_first_run_creates_second_run_writes_nothing(fake: FakeGitHub) -> None:
    first = run(fake, [pat("p1"), pat("p2"), pat("p3")])
    assert first.get("created") == 3 and not first.errors
    assert sorted(label for label in fake.repo(HUB).labels) == ["code-reuse", "pattern-miner"]
    assert all(set(i["labels"]) == set(LABELS) for i in issues(fake))
    assert sorted(parse_marker(i["body"]).id for i in issues(fake)) == ["p1", "p2", "p3"]
    fake.clear_requests()
    second = run(fake, [pat("p1"), pat("p2"), pat("p3")])
    assert writes(fake) == []
    assert second.get("unchanged") == 3 and second.get("created") == 0
    assert {(r, pid) for r, pid in second.issues} == {(HUB, "p1"), (HUB, "p2"), (HUB, "p3")}


def test_changed_copy_gives_one_edit_and_one_comment(fake: FakeGitHub) -> None:
    run(fake, [pat("p1"), pat("p2")])
    fake.clear_requests()
    result = run(fake, [pat("p1", ("acme/a", "acme/b", "acme/c")), pat("p2")])
    assert writes(fake) == ["PATCH /repos/acme/hub/issues/1", "POST /repos/acme/hub/issues/1/comments"]
    assert (result.get("updated"), result.get("commented")) == (1, 1)
    comment = fake.repo(HUB).comments[1][0]["body"]
    assert "New copy" in comment and "acme/c `deploy.sh`" in comment
    patch = fake.requests_to("PATCH", r"/repos/acme/hub/issues/1")[0].body
    assert set(patch) == {"body"}  # only what changed


def test_lost_response_on_create_does_not_duplicate(fake: FakeGitHub) -> None:
    fake.fail("POST", r"/repos/acme/hub/issues", 502, after_effect=True)
    result = run(fake, [pat("p1"), pat("p2")])
    assert len(issues(fake)) == 2 and sorted(parse_marker(i["body"]).id for i in issues(fake)) == ["p1", "p2"]
    assert result.get("created") == 2 and not result.errors
    assert len(fake.requests_to("POST", r"/repos/acme/hub/issues")) == 2  # never re-posted


def test_failed_create_is_retried_once_when_nothing_was_created(fake: FakeGitHub) -> None:
    fake.fail("POST", r"/repos/acme/hub/issues", 503)
    result = run(fake, [pat("p1")])
    assert len(issues(fake)) == 1 and result.get("created") == 1
    assert len(fake.requests_to("GET", r"/search/issues")) == 1  # looked the marker up before retrying


def test_create_failing_twice_is_reported_and_others_go_on(fake: FakeGitHub) -> None:
    fake.fail("POST", r"/repos/acme/hub/issues", 500, times=2)
    result = run(fake, [pat("p1", score=2.0), pat("p2")])
    assert result.get("created") == 1 and result.get("failed") == 1
    assert "failed" in result.errors[0] and [parse_marker(i["body"]).id for i in issues(fake)] == ["p2"]


def test_issue_closed_as_not_planned_is_never_reopened_or_recreated(fake: FakeGitHub) -> None:
    run(fake, [pat("p1")])
    issue = fake.repo(HUB).issues[1]
    issue.update(state="closed", state_reason="not_planned")
    fake.clear_requests()
    result = run(fake, [pat("p1", ("acme/a", "acme/b", "acme/c"))])
    assert writes(fake) == [] and result.get("skipped") == 1 and len(issues(fake)) == 1


def test_gone_pattern_is_commented_and_closed_then_reopened_when_back(fake: FakeGitHub) -> None:
    run(fake, [pat("p1"), pat("p2")])
    fake.clear_requests()
    result = run(fake, [pat("p2")])
    assert writes(fake) == ["POST /repos/acme/hub/issues/1/comments", "PATCH /repos/acme/hub/issues/1"]
    closed = fake.repo(HUB).issues[1]
    assert (closed["state"], closed["state_reason"]) == ("closed", "completed")
    assert parse_marker(closed["body"]).state == "resolved" and result.get("closed") == 1
    assert "no longer found" in fake.repo(HUB).comments[1][0]["body"]
    fake.clear_requests()
    run(fake, [pat("p2")])
    assert writes(fake) == []  # closed stays closed, quietly
    result = run(fake, [pat("p1"), pat("p2")])
    assert fake.repo(HUB).issues[1]["state"] == "open" and result.get("reopened") == 1
    assert len(issues(fake)) == 2
    assert parse_marker(fake.repo(HUB).issues[1]["body"]).state == "open"


def test_not_closed_when_the_run_did_not_cover_it(fake: FakeGitHub) -> None:
    run(fake, [pat("p1"), pat("p2")])
    fake.clear_requests()
    run(fake, [pat("p2")], closable=False)
    run(fake, [pat("p2")], live={(HUB, "p1"), (HUB, "p2")})  # still found, just not published
    assert writes(fake) == [] and fake.repo(HUB).issues[1]["state"] == "open"


def test_max_create_takes_highest_ranked_first(fake: FakeGitHub) -> None:
    ranked = [pat("top", score=3.0), pat("mid", score=2.0), pat("low", score=1.0)]
    result = run(fake, ranked, max_create=2)
    assert [parse_marker(i["body"]).id for i in issues(fake)] == ["top", "mid"]
    assert (result.get("created"), result.get("skipped")) == (2, 1)
    result = run(fake, ranked, max_create=0)  # updates still happen; nothing new
    assert result.get("unchanged") == 2 and result.get("skipped") == 1 and len(issues(fake)) == 2


def test_dry_run_writes_nothing_but_plans_everything(fake: FakeGitHub) -> None:
    run(fake, [pat("p1")])
    fake.clear_requests()
    result = run(fake, [pat("p1", ("acme/a", "acme/b", "acme/c")), pat("p2")], dry_run=True)
    assert writes(fake) == []
    assert (result.get("created"), result.get("updated"), result.get("commented")) == (1, 1, 1)
    assert [a.kind for a in result.actions] == ["edit", "comment", "create"]


def test_foreign_issues_are_ignored_and_human_labels_kept(fake: FakeGitHub) -> None:
    other = Marker("p1", "2024-01-01").render()
    fake.add_issue(HUB, "not ours", other)  # no bot label: not considered
    run(fake, [pat("p1")])
    assert len(issues(fake)) == 2
    human = github_client(fake.token, fake.url).get_repo(HUB)
    human.create_label("team:infra", "ededed")
    human.get_issue(2).edit(labels=["pattern-miner", "team:infra"])  # a human dropped code-reuse, added one
    run(fake, [pat("p1")])
    assert fake.repo(HUB).issues[2]["labels"] == ["pattern-miner", "team:infra", "code-reuse"]


def test_duplicates_are_closed_keeping_the_oldest(fake: FakeGitHub) -> None:
    s = spec(pat("p1"))
    for _ in range(2):
        fake.add_issue(HUB, s.title, s.body, labels=LABELS)
    result = run(fake, [pat("p1")])
    assert fake.repo(HUB).issues[1]["state"] == "open"
    assert (fake.repo(HUB).issues[2]["state"], fake.repo(HUB).issues[2]["state_reason"]) == ("closed", "not_planned")
    assert "Duplicate of #1" in fake.repo(HUB).comments[2][0]["body"]
    assert result.get("closed") == 1 and result.get("unchanged") == 1


def test_failed_edit_skips_its_comment_and_goes_on(fake: FakeGitHub) -> None:
    run(fake, [pat("p1"), pat("p2")])
    fake.fail("PATCH", r"/repos/acme/hub/issues/1", 500)
    fake.clear_requests()
    grown = ("acme/a", "acme/b", "acme/c")
    result = run(fake, [pat("p1", grown), pat("p2", grown)])
    assert result.get("failed") == 1 and result.get("updated") == 1 and result.get("commented") == 1
    assert not fake.repo(HUB).comments.get(1) and len(fake.repo(HUB).comments[2]) == 1


def test_only_the_bots_own_issues_count(fake: FakeGitHub) -> None:
    """A person's issue with the bot's label and a copied marker is not the bot's: never edited, closed or
    taken as a duplicate; a marker anywhere but at the end of a body is not a marker."""
    fake.add_user("mallory")
    forged = spec(pat("p1")).body
    fake.add_issue(HUB, "copied by a person", forged, labels=LABELS, user="mallory")
    fake.add_issue(HUB, "quoted", "look: <!-- pattern-miner:id=p2 state=open -->\n\nthoughts?", labels=LABELS)
    first = run(fake, [pat("p1"), pat("p2")])
    assert first.get("created") == 2 and first.get("closed") == 0 and not first.errors
    by_title = {i["title"]: i for i in issues(fake)}
    assert by_title["copied by a person"]["state"] == "open" and by_title["copied by a person"]["body"] == forged
    assert by_title["quoted"]["state"] == "open" and not fake.repo(HUB).comments[by_title["quoted"]["number"]]
    fake.clear_requests()
    assert run(fake, [pat("p1"), pat("p2")]).get("unchanged") == 2 and writes(fake) == []


def test_a_workflow_token_finds_the_issues_its_bot_opened(fake: FakeGitHub) -> None:
    """GET /user is refused to the workflow's token: its issues are those opened by a Bot account."""
    fake.add_integration_token("ghs_workflow", owners=("acme",))
    tracker = GitHubTracker(github_client("ghs_workflow", fake.url))
    ensure([spec(pat("p1"))], [], tracker, labels=LABELS, live=set(), can_close=lambda r, m: True,
                  max_create=None, dry_run=False, console=Console(quiet=True))
    [issue] = issues(fake)
    assert issue["user"] == "github-actions[bot]"
    found = GitHubTracker(github_client("ghs_workflow", fake.url)).list_issues(HUB, LABELS[0])
    assert [parse_marker(i.body).id for i in found] == ["p1"]
    assert GitHubTracker(github_client(fake.token, fake.url)).list_issues(HUB, LABELS[0])[0].number == issue["number"]


def test_a_network_failure_is_one_short_warning_not_urllib3_text() -> None:
    """GitHub unreachable while writing: each failure says what happened in a few words."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    p = pat("p1")
    s = spec(p)
    actions = [IssueAction("create", HUB, p.id, fields={"title": s.title, "body": s.body, "labels": LABELS}),
               IssueAction("edit", HUB, "p2", number=7, fields={"body": "x"})]
    err = io.StringIO()
    result = execute(actions, GitHubTracker(github_client("t", closed)), bot_label=LABELS[0],
                   console=Console(out=io.StringIO(), err=err))
    warnings = err.getvalue().splitlines()
    assert result.get("failed") == 2 and len(result.errors) == 2
    assert result.errors == [f"create {HUB}#new (pattern p1) failed: cannot reach GitHub (connection refused)",
                             f"edit {HUB}#7 (pattern p2) failed: cannot reach GitHub (connection refused)"]
    assert warnings[0] == f"warning: create {HUB}#new (pattern p1) failed: cannot reach GitHub (connection refused)"
    for line in warnings:
        assert "Pool" not in line and "Max retries" not in line and "Caused by" not in line and len(line) < 160


def test_writes_are_paced_under_githubs_limits_and_the_rest_left_for_the_next_run(fake: FakeGitHub) -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = WritePacer(per_minute=3, per_hour=5, clock=lambda: now[0], sleep=sleep)
    tracker = GitHubTracker(github_client(fake.token, fake.url))
    specs = [spec(pat(f"p{i}")) for i in range(7)]
    actions = plan(specs, [], live=set(), can_close=lambda r, m: True)
    err = io.StringIO()
    result = execute(plan_labels(tracker, actions, LABELS) + actions, tracker, bot_label=LABELS[0],
                     console=Console(io.StringIO(), err), pacer=pacer)
    assert slept == [60.0]  # the fourth write waited for the minute to pass
    assert result.get("labels_created") == 2 and result.get("created") == 3 and result.deferred == 4
    assert "left for the next run" in err.getvalue() and not result.errors
    later = run(fake, [pat(f"p{i}") for i in range(7)])
    assert later.get("created") == 4 and len(issues(fake)) == 7
