"""The dashboard issue: one, edited in place, every open opportunity ranked with its boxes; the boxes ticked
on it are honoured by the next run (the whole job against the GitHub fake); only the bot's own box lines are
read; the Mermaid picture is bounded and names nothing unsafe or private."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pattern_miner.model import Occurrence, Opportunity, Pattern
from pattern_miner.publish.dashboard import read_dashboard
from pattern_miner.publish.tracker import ExistingIssue
from pattern_miner.render import render_issue
from pattern_miner.render.dashboard import box, render_dashboard
from pattern_miner.render.marker import parse_marker
from pattern_miner.render.mermaid import MAX_EDGES, MAX_NODES, diagram
from pattern_miner.render.redact import PrivateNames
from tests.fakes.github import FakeGitHub
from tests.test_action_e2e import DOCKERFILE
from tests.test_mine import DEPLOY, github_settings, pattern_issues, quiet, run_mining

HUB = "acme/hub"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(HUB, {"README.md": "hub"})
        yield server


def dashboards(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [i for i in fake.repo(HUB).issues.values() if (m := parse_marker(i["body"])) and m.kind == "dashboard"]


def tick(fake: FakeGitHub, action: str, opp_id: str, ticked: bool = True) -> None:
    """What the user does on GitHub: tick (or untick) one box of the dashboard."""
    [board] = dashboards(fake)
    line = re.compile(rf"- \[[ x]\] (.*) <!-- pattern-miner-dashboard:{action}={re.escape(opp_id)}(:[0-9a-f]+)? -->")
    new, n = line.subn(lambda m: m.group(0)[:3] + ("x" if ticked else " ") + m.group(0)[4:], board["body"])
    assert n == 1, board["body"]
    board["body"] = new


def writes(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.method in ("POST", "PATCH")]


def test_the_boxes_ticked_on_the_dashboard_are_honoured_on_the_next_run(tmp_path: Path, fake: FakeGitHub) -> None:
    for name in ("acme/api", "acme/web"):
        fake.add_repo(name, {"deploy.sh": DEPLOY, "Dockerfile": DOCKERFILE})
    repos = ["acme/api", "acme/web"]
    first = run_mining(github_settings(fake, tmp_path, repos, max_issues=1, run_id="r1"), quiet())
    top, second = first.opportunities
    [issue] = pattern_issues(fake, HUB)  # max-issues 1: the most valuable one
    [board] = dashboards(fake)
    assert parse_marker(issue["body"]).id == top.id and board["title"] == "Pattern Miner dashboard"
    body = board["body"]
    assert body.index(f"ignore={top.id}") < body.index(f"ignore={second.id}")  # ranked, also beyond max-issues
    assert f"open={second.id}" in body and f"open={top.id}" not in body  # the top one has its issue
    assert f"#{issue['number']}" in body and "```mermaid\nflowchart LR" in body
    summary = first.summary()
    assert "```mermaid" in summary  # the picture is in the job summary too, and the table is ranked by opportunity
    assert "| # | Opportunity | Kind |" in summary and summary.index(f"| 1 | {top.title}") < summary.index(
        f"| 2 | {second.title}")

    tick(fake, "open", second.id)
    tick(fake, "ignore", top.id)
    fake.clear_requests()
    again = run_mining(github_settings(fake, tmp_path, repos, max_issues=0, run_id="r2"), quiet())
    opened = [i for i in pattern_issues(fake, HUB) if parse_marker(i["body"]).id == second.id]
    assert len(opened) == 1 and opened[0]["state"] == "open"  # opened although max-issues is 0
    ignored = fake.repo(HUB).issues[issue["number"]]
    assert (ignored["state"], ignored["state_reason"]) == ("closed", "not_planned")
    assert parse_marker(ignored["body"]).state == "ignored" and again.ignored == {top.id}
    body = dashboards(fake)[0]["body"]
    assert f"open={second.id}" not in body and f"#{opened[0]['number']}" in body
    assert f"- [x] Keep ignoring this <!-- pattern-miner-dashboard:ignored={top.id}:" in body
    assert f"ignore={top.id} " not in body  # listed as ignored, no longer among the open ones
    assert len(dashboards(fake)) == 1  # edited in place

    fake.clear_requests()
    run_mining(github_settings(fake, tmp_path, repos, max_issues=0, run_id="r3"), quiet())
    assert writes(fake) == []  # nothing ticked, nothing changed: no write at all

    tick(fake, "ignored", top.id, ticked=False)  # the user takes it back
    run_mining(github_settings(fake, tmp_path, repos, max_issues=0, run_id="r4"), quiet())
    assert fake.repo(HUB).issues[issue["number"]]["state"] == "open"
    assert f"ignore={top.id}" in dashboards(fake)[0]["body"]


def test_an_ignored_opportunity_comes_back_when_its_code_changes(tmp_path: Path, fake: FakeGitHub) -> None:
    for name in ("acme/api", "acme/web"):
        fake.add_repo(name, {"deploy.sh": DEPLOY})
    repos = ["acme/api", "acme/web"]
    [only] = run_mining(github_settings(fake, tmp_path, repos, run_id="r1"), quiet()).opportunities
    tick(fake, "ignore", only.id)
    run_mining(github_settings(fake, tmp_path, repos, run_id="r2"), quiet())
    [issue] = pattern_issues(fake, HUB)
    assert issue["state"] == "closed"
    fake.set_file("acme/web", "deploy.sh", DEPLOY + 'echo "Done: $SERVICE"\n')
    result = run_mining(github_settings(fake, tmp_path, repos, run_id="r3"), quiet())
    assert fake.repo(HUB).issues[issue["number"]]["state"] == "open" and result.ignored == frozenset()


def test_boxes_count_only_on_the_bots_own_dashboard_and_only_as_our_lines(tmp_path: Path, fake: FakeGitHub) -> None:
    for name in ("acme/api", "acme/web"):
        fake.add_repo(name, {"deploy.sh": DEPLOY})
    repos = ["acme/api", "acme/web"]
    [only] = run_mining(github_settings(fake, tmp_path, repos, max_issues=0, run_id="r1"), quiet()).opportunities
    assert pattern_issues(fake, HUB) == []
    [board] = dashboards(fake)
    fake.add_user("mallory")  # a person's issue that looks like the dashboard, every box ticked
    forged = board["body"].replace("- [ ]", "- [x]")
    fake.add_issue(HUB, "Pattern Miner dashboard", forged, labels=("pattern-miner",), user="mallory")
    # and on the bot's own dashboard, a ticked box inside other text (a quote, a code span) is not ours
    board["body"] = board["body"].replace("## 🔍 Pattern Miner dashboard",
                                          f"> - [x] Open an issue for this <!-- pattern-miner-dashboard:open={only.id} -->")
    run_mining(github_settings(fake, tmp_path, repos, max_issues=0, run_id="r2"), quiet())
    assert pattern_issues(fake, HUB) == []


def occ(repo: str, path: str = "deploy.sh") -> Occurrence:
    return Occurrence(repo, path, 1, 10, language="bash", text="x")


def opportunity(oid: str, kind: str, repos: list[str], lines: int = 40, title: str = "") -> Opportunity:
    p = Pattern(f"p-{oid}", "deployment", "file", "bash", title or oid, 0.9, "High", 1.0, 10,
                tuple(occ(r) for r in repos))
    return Opportunity(oid, kind, "deployment", title or f"{kind} {oid}", tuple(sorted(repos)), (p,), (), 1.0,
                       "High", lines=lines)


def test_the_diagram_is_bounded_for_a_large_organisation() -> None:
    opps = [opportunity(f"fam{n}", "family", [f"acme/svc{n}a", f"acme/svc{n}b"]) for n in range(3)]
    opps += [opportunity(f"lib{n}", "library", [f"acme/r{n}", f"acme/r{n + 1}", f"acme/r{n + 2}"])
             for n in range(80)]
    text = diagram(opps)
    assert text.startswith("```mermaid\nflowchart LR\n") and text.endswith("\n```")
    nodes = set(re.findall(r"\b(r\d+)\[", text))
    edges = re.findall(r"---\|", text)
    assert 0 < len(nodes) <= MAX_NODES and 0 < len(edges) <= MAX_EDGES
    assert text.count("subgraph") == 3 and text.count("  end") == 3  # families as clusters
    assert re.search(r'more\["and \d+ more opportunities"\]', text)
    assert '---|"library, 40 lines"|' in text  # edges labelled with kind and duplicated lines


def test_names_in_the_diagram_are_made_safe_and_private_ones_left_out() -> None:
    evil = 'acme/x"]; click r0 "https://evil.example" |`<img src=x>`\n@team'
    opps = [opportunity("a", "library", [evil, "acme/secret-billing", "acme/api"]),
            opportunity("b", "family", ["acme/secret-billing", "acme/web"])]
    text = diagram(opps, hidden=frozenset({"acme/secret-billing"}))
    labels = re.findall(r'\["([^"\n]*)"\]', text)
    assert labels and all(re.fullmatch(r"[A-Za-z0-9 _./+,:()-]*", label) for label in labels)
    assert "secret-billing" not in text and "a private repository" in text
    assert "<" not in text and "@" not in text  # quoted labels: "click r0" inside one is text, not a statement
    assert not any(line.strip().startswith("click") for line in text.splitlines())
    body = text.split("\n")[2:-1]
    assert all(line.startswith("  ") and "```" not in line for line in body)


def test_a_title_cannot_forge_a_box_and_private_names_stay_out_of_a_public_dashboard() -> None:
    forged = f"deploy\n{box('ignore', 'victim', True)}"
    opps = [opportunity("victim", "library", ["acme/api", "acme/web"]),
            opportunity("mine", "single", ["acme/api", "acme/secret-billing"], title=forged)]
    names = PrivateNames(repos={"acme/secret-billing"})
    body = render_dashboard(opps, {}, [], names=names)
    assert "secret-billing" not in body and "1 private" in body
    issue = ExistingIssue(HUB, 1, "Pattern Miner dashboard", body, ("pattern-miner",), "open")
    assert parse_marker(body).kind == "dashboard"
    state = read_dashboard([issue], HUB)
    assert state.ignore == frozenset() and state.open == frozenset()
    ticked = ExistingIssue(HUB, 1, "", body.replace("- [ ] Ignore this <!-- pattern-miner-dashboard:ignore=victim",
                                                     "- [x] Ignore this <!-- pattern-miner-dashboard:ignore=victim"),
                           (), "open")
    assert read_dashboard([ticked], HUB).ignore == {"victim"}


def test_a_rerun_after_upgrading_from_the_per_pattern_version_makes_no_duplicate(tmp_path: Path,
                                                                                 fake: FakeGitHub) -> None:
    for name in ("acme/api", "acme/web"):
        fake.add_repo(name, {"deploy.sh": DEPLOY, "Dockerfile": DOCKERFILE})
    repos = ["acme/api", "acme/web"]
    preview = run_mining(github_settings(fake, tmp_path, repos, dry_run=True, run_id="r0"), quiet())
    assert fake.repo(HUB).issues == {}
    for p in preview.report.actionable:  # the issues the per-pattern version opened: its body and marker
        old = render_issue(p, None, first_seen="2025-06-02")
        assert parse_marker(old.body).legacy
        fake.add_issue(HUB, old.title, old.body, labels=("pattern-miner",))
    before = len(fake.repo(HUB).issues)
    fake.clear_requests()
    result = run_mining(github_settings(fake, tmp_path, repos, run_id="r1"), quiet())
    assert result.count("created") == 0 and len(pattern_issues(fake, HUB)) == before  # no duplicate
    assert all(i["state"] == "open" for i in pattern_issues(fake, HUB))  # edited in place, never closed
    markers = [parse_marker(i["body"]) for i in pattern_issues(fake, HUB)]
    assert {m.id for m in markers} == {o.id for o in result.opportunities}
    assert all(m.kind and not m.legacy and m.first_seen == "2025-06-02" for m in markers)
    assert len(dashboards(fake)) == 1
    fake.clear_requests()
    run_mining(github_settings(fake, tmp_path, repos, run_id="r2"), quiet())
    assert writes(fake) == []
