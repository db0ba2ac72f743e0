"""Publishing per opportunity against the GitHub and Anthropic fakes, through PyGithub and the anthropic SDK:
one issue per opportunity, issues of the per-pattern version adopted, the body, max-issues, advice per
opportunity. (The dashboard: ``test_dashboard``; the whole job: ``test_mine_opportunities``.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pattern_miner.advise import AdviceSettings, advise, offline_recommendation, sanitize_recommendation
from pattern_miner.console import Console
from pattern_miner.effects import IssueWrites, Writers, commit
from pattern_miner.github_api import github_client
from pattern_miner.model import Occurrence, Opportunity, Pattern, RepoInfo, ScanReport
from pattern_miner.publish.plan import plan, plan_labels
from pattern_miner.publish.specs import Where, issue_specs
from pattern_miner.publish.targets import Targets
from pattern_miner.publish.tracker import GitHubTracker
from pattern_miner.publish.units import as_pattern, published, single
from pattern_miner.publish.write import EnsureResult
from pattern_miner.render import Templates, render_issue
from pattern_miner.render.marker import Marker, parse_marker
from pattern_miner.render.opportunity import render_opportunity
from pattern_miner.state import StateStore
from tests.fakes.anthropic import FakeAnthropic, json_block, message
from tests.fakes.github import FakeGitHub
from tests.test_advise_claude import good_answer

HUB = "acme/hub"
LABELS = ("pattern-miner",)


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(HUB, {"README.md": "hub"})
        yield server


def pat(pid: str, path: str, repos: tuple[str, ...] = ("acme/a", "acme/b"), *, text: str = "run a\nrun b\n",
        score: float = 1.0, private: tuple[str, ...] = ()) -> Pattern:
    occs = tuple(Occurrence(r, path, 1, 12, unit="function", name=pid, language="python", text=text + r,
                            private=r in private, url=f"https://github.com/{r}/blob/abc/{path}#L1-L12")
                 for r in repos)
    return Pattern(pid, "code", "function", "python", f"Python function `{pid}`", 0.9, "High", score, 12, occs,
                   content_hash=f"h-{pid}-{len(repos)}-{text}")


def opp(oid: str, kind: str, patterns: tuple[Pattern, ...], *, value: float = 10.0, rank: int = 1,
        shared: tuple[tuple[str, str], ...] = ()) -> Opportunity:
    """An opportunity built from its components (what ``pattern_miner.opportunities`` makes)."""
    repos = tuple(sorted({r for p in patterns for r in p.repos}))
    lines = sum(p.lines * (len(p.occurrences) - 1) for p in patterns)
    return Opportunity(oid, kind, "code", f"{kind} {oid} across {len(repos)} repositories", repos, patterns, (),
                       value, "High", rank=rank, lines=lines, shared=shared,
                       content_hash="|".join(p.content_hash for p in patterns))


def publish(fake: FakeGitHub, opportunities: list[Opportunity], *, max_create: int | None = None,
            ignored: dict[str, str] | None = None) -> EnsureResult:
    """What a run does with its opportunities: specs, plan, writes (PyGithub against the fake)."""
    tracker = GitHubTracker(github_client(fake.token, fake.url))
    targets = Targets(tracker, LABELS[0])
    targets.load(HUB, required=True)
    specs = issue_specs(opportunities, Where("central", HUB, LABELS, "redact"), targets, {},
                        lambda _t, _i: "2026-01-05", set(), Templates(), lambda _w: None)
    actions = plan(specs, targets.existing, live={(HUB, o.id) for o in opportunities},
                   can_close=lambda _r, _m: True, max_create=max_create, ignored=ignored)
    actions = plan_labels(tracker, actions, LABELS) + actions
    writers = Writers(tracker, StateStore(Path("unused.sqlite3")), None)
    return commit([IssueWrites(actions, LABELS[0])], writers, dry_run=False, console=Console(quiet=True)).issues


def writes(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.method in ("POST", "PATCH")]


def test_issues_of_the_per_pattern_version_are_adopted_by_their_opportunity(fake: FakeGitHub) -> None:
    p1, p2 = pat("p1", "svc/core.py"), pat("p2", "svc/http.py")
    for p in (p1, p2):  # what the per-pattern version published: its body, its marker (no kind, id = pattern)
        old = render_issue(p, None, first_seen="2025-11-03")
        fake.add_issue(HUB, old.title, old.body, labels=LABELS)
    assert parse_marker(fake.repo(HUB).issues[1]["body"]).legacy
    fake.clear_requests()

    lib = opp("library-7f3a", "library", (p1, p2))
    result = publish(fake, [lib])
    done = writes(fake)  # adopted in place (an edit, a comment saying what was added); the other folded into it
    assert "POST /repos/acme/hub/issues" not in done and result.get("created") == 0
    assert done.count("PATCH /repos/acme/hub/issues/1") == 1 and done.count("PATCH /repos/acme/hub/issues/2") == 1
    issue, folded = fake.repo(HUB).issues[1], fake.repo(HUB).issues[2]
    marker = parse_marker(issue["body"])
    assert (marker.id, marker.kind, marker.parts, marker.state) == ("library-7f3a", "library", ("p1", "p2"), "open")
    assert issue["state"] == "open" and marker.first_seen == "2026-01-05"
    assert (folded["state"], folded["state_reason"]) == ("closed", "not_planned")
    assert "Now part of #1" in fake.repo(HUB).comments[2][0]["body"]
    [said] = fake.repo(HUB).comments[1]  # the adopted issue says what it tracks now
    assert "one extraction opportunity (library, 2 clone groups" in said["body"]

    fake.clear_requests()
    publish(fake, [lib])
    assert writes(fake) == []  # a re-run writes nothing

    # a new component and a new copy: the same issue, edited; its id survives
    p3 = pat("p3", "svc/retry.py", ("acme/a", "acme/b", "acme/c"))
    grown = opp("library-7f3a", "library", (p1, p2, p3))
    fake.clear_requests()
    result = publish(fake, [grown])
    assert result.get("created") == 0 and writes(fake)[0] == "PATCH /repos/acme/hub/issues/1"
    assert parse_marker(fake.repo(HUB).issues[1]["body"]).parts == ("p1", "p2", "p3")
    assert len([i for i in fake.repo(HUB).issues.values() if i["state"] == "open"]) == 1


def test_a_single_keeps_the_per_pattern_issue_and_rewrites_its_marker(fake: FakeGitHub) -> None:
    p = pat("code-1a2b", "lib/util.py")
    old = render_issue(p, None, first_seen="2025-11-03")
    fake.add_issue(HUB, old.title, old.body, labels=LABELS)
    report = ScanReport(patterns=(p,), repositories=(RepoInfo("acme/a"), RepoInfo("acme/b")))
    [only] = published(report)  # no opportunities in the report: the adapter's single, under the pattern's id
    assert (only.id, only.kind, as_pattern(only)) == (p.id, "single", p)
    fake.clear_requests()
    result = publish(fake, [only])
    assert writes(fake) == ["PATCH /repos/acme/hub/issues/1"] and result.get("created") == 0
    marker = parse_marker(fake.repo(HUB).issues[1]["body"])
    assert (marker.kind, marker.parts, marker.copies) == ("single", (p.id,), old.marker.copies)


def test_the_body_lists_components_with_copies_similarity_and_lines_and_a_familys_files() -> None:
    p1 = pat("p1", "svc/core.py", ("acme/a", "acme/b", "acme/c"))
    p2 = pat("p2", "deploy.sh", ("acme/a", "acme/b"))
    fam = opp("family-01", "family", (p1, p2),
              shared=(("svc/core.py", "identical"), ("deploy.sh", "edited"), ("extra.py", "only acme/c")))
    seen = as_pattern(fam)
    marker = Marker.for_opportunity(fam, seen.occurrences, seen.content_hash, "2026-01-05")
    issue = render_opportunity(fam, None, marker=marker, occurrences=seen.occurrences, first_seen="2026-01-05")
    body = issue.body
    assert "1. **Python function `p1`** — function, 90% similar, about 12 lines, 3 copies" in body
    assert "2. **Python function `p2`** — function, 90% similar, about 12 lines, 2 copies" in body
    assert "[acme/c](https://github.com/acme/c)" in body and "svc/core.py (L1–L12)" in body
    assert "| `svc/core.py` | identical |" in body and "| `extra.py` | only acme/c |" in body
    assert body.rstrip().endswith(marker.render()) and parse_marker(body) == marker
    assert "### Consolidation options" in body and "**A monorepo**" in body  # a family's options


def test_a_redacted_opportunity_names_no_private_repository_or_file() -> None:
    p1 = pat("p1", "billing/ledger.py", ("acme/api", "acme/secret-billing"), private=("acme/secret-billing",))
    lib = opp("library-9", "library", (p1, pat("p2", "svc/http.py")),
              shared=(("billing/rotate.sh", "only acme/secret-billing"), ("svc/http.py", "identical")))
    seen = as_pattern(lib)
    marker = Marker.for_opportunity(lib, seen.occurrences, seen.content_hash, "2026-01-05", redact=True)
    body = render_opportunity(lib, None, marker=marker, occurrences=seen.occurrences, first_seen="2026-01-05",
                              redact=True).body
    assert "secret-billing" not in body and "rotate.sh" not in body, body
    assert "a private repository" in body and marker.private == 1 and "| `svc/http.py` | identical |" in body


def test_max_issues_opens_the_most_valuable_opportunities_first(fake: FakeGitHub) -> None:
    low = opp("single-low", "single", (pat("pa", "a.py"),), value=1.0, rank=3)
    top = opp("library-top", "library", (pat("pb", "b.py"), pat("pc", "c.py")), value=50.0, rank=1)
    mid = opp("region-mid", "region", (pat("pd", "d.py"),), value=9.0, rank=2)
    report = ScanReport(patterns=(), repositories=(), opportunities=(low, mid, top))
    result = publish(fake, list(published(report)), max_create=2)
    assert result.get("created") == 2 and result.get("skipped") == 1
    assert sorted(parse_marker(i["body"]).id for i in fake.repo(HUB).issues.values()) == ["library-top", "region-mid"]


def test_an_ignored_opportunity_is_closed_as_not_planned_until_its_content_changes(fake: FakeGitHub) -> None:
    lib = opp("library-1", "library", (pat("p1", "a.py"), pat("p2", "b.py")))
    publish(fake, [lib])
    content = parse_marker(fake.repo(HUB).issues[1]["body"]).content
    publish(fake, [lib], ignored={lib.id: content})
    issue = fake.repo(HUB).issues[1]
    assert (issue["state"], issue["state_reason"], parse_marker(issue["body"]).state) == ("closed", "not_planned",
                                                                                           "ignored")
    fake.clear_requests()
    publish(fake, [lib], ignored={lib.id: content})
    assert writes(fake) == []  # ignored: left alone, not reported again
    changed = opp("library-1", "library", (pat("p1", "a.py", text="run c\n"), pat("p2", "b.py")))
    result = publish(fake, [changed], ignored={lib.id: content})
    assert result.get("reopened") == 1 and fake.repo(HUB).issues[1]["state"] == "open"


def single_pattern(pid: str) -> Pattern:
    return pat(pid, f"{pid}.py")


def test_advice_is_asked_once_per_new_or_changed_opportunity(tmp_path: Path) -> None:
    lib = opp("library-1", "library", (pat("p1", "a.py"), pat("p2", "b.py")))
    one = single(pat("p3", "c.py"))
    with FakeAnthropic() as api:
        api.responder = lambda _r: message([json_block(good_answer(components=[
            {"name": "Shared", "description": "d", "occurrences": [0]}]))])
        settings = AdviceSettings(api_key=api.api_key, base_url=api.base_url, cache_dir=tmp_path, max_retries=0)
        first = advise([as_pattern(lib), as_pattern(one)], settings)
        assert len(api.messages_requests) == 2  # one call per opportunity, not per pattern (3)
        assert set(first.recommendations) == {"library-1", "p3"}
        assert {r.source for r in first.recommendations.values()} == {"claude"}
        again = advise([as_pattern(lib), as_pattern(one)], settings)
        assert len(api.messages_requests) == 2 and again.usage.cache_hits == 2  # unchanged: no call
        grown = opp("library-1", "library", lib.patterns + (pat("p4", "d.py"),))
        advise([as_pattern(grown), as_pattern(one)], settings)
        assert len(api.messages_requests) == 3  # only the changed opportunity is asked again
        prompt = str(api.messages_requests[-1].body["messages"])
        assert "d.py" in prompt and "a.py" in prompt  # the prompt shows every component's copies
        lone = pat("p9", "z.py")
        advise([lone], settings)  # what the per-pattern version asked ...
        calls = len(api.messages_requests)
        advise([as_pattern(single(lone))], settings)  # ... is the adapter's single: cached, no call after an upgrade
        assert len(api.messages_requests) == calls


def test_the_offline_advisor_proposes_one_upstream_for_a_family() -> None:
    shared = (pat("p1", "svc/core.py", ("acme/svc-a", "acme/svc-b")), pat("p2", "deploy.sh", ("acme/svc-a", "acme/svc-b")))
    fam = opp("family-1", "family", shared, shared=(("svc/core.py", "identical"), ("deploy.sh", "identical")))
    rec = sanitize_recommendation(offline_recommendation(as_pattern(fam)))
    assert rec.library_name == "svc-a-upstream" and rec.usage_language == "yaml"
    assert "https://github.com/acme/svc-a.git" in rec.usage and "copies of each other" in rec.summary
    assert [c.name for c in rec.components] == ["`deploy.sh`", "`svc/core.py`"]
    seen = as_pattern(fam)
    marker = Marker.for_opportunity(fam, seen.occurrences, seen.content_hash, "2026-01-05")
    body = render_opportunity(fam, rec, marker=marker, occurrences=seen.occurrences, first_seen="2026-01-05").body
    assert "Keep one upstream: `svc-a-upstream`" in body and "sync-upstream.yml" in body


def test_a_region_lists_only_its_own_copies_that_no_component_shows() -> None:
    from dataclasses import replace as with_

    p1, p2 = pat("p1", "tf/main.tf"), pat("p2", "tf/variables.tf")
    region = opp("region-1", "region", (p1, p2))
    # its sides: the two files in each repository (what the components show, spans a little wider), and one
    # file of acme/b that no component covers
    sides = tuple(with_(o, start_line=1, end_line=14, text="") for p in (p1, p2) for o in p.occurrences)
    extra = Occurrence("acme/b", "tf/outputs.tf", 1, 30, unit="file", language="hcl")
    for own, expected in ((sides, None), (sides + (extra,), "Copies (1)")):
        region = with_(region, occurrences=own)
        seen = as_pattern(region)
        marker = Marker.for_opportunity(region, seen.occurrences, seen.content_hash, "2026-01-05")
        body = render_opportunity(region, None, marker=marker, occurrences=seen.occurrences,
                                  first_seen="2026-01-05").body
        assert ("**Copies" in body) == (expected is not None), body
        if expected:
            assert f"3. **{expected}** — file, about 30 lines, 1 copy" in body  # no "0% similar" for them
            assert "tf/outputs.tf (L1–L30)" in body
