from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from pattern_miner.console import Console
from pattern_miner.devnexus import DevNexus, lesson, marker, matches_cross_repo
from pattern_miner.gcp_auth import GcpAuthError, IdTokenSource, on_cloud_run, token_expiry
from pattern_miner.model import Occurrence, Opportunity, Pattern, RepoInfo, ScanReport
from pattern_miner.publish.units import as_pattern
from pattern_miner.state import StateStore
from tests.fakes.devnexus import FakeDevNexus
from tests.fakes.metadata import FakeMetadata

TOKEN = "nexus-secret"


def pattern(
    pid: str,
    repos: list[str],
    *,
    title: str = "GCP Cloud Run deploy script",
    path: str = "deploy.sh",
    confidence: str = "High",
    features: tuple[str, ...] = ("gcloud", "docker"),
    private: bool = False,
) -> Pattern:
    occ = tuple(
        Occurrence(
            repo=r, path=path, start_line=1, end_line=30, text="gcloud run deploy SECRET", private=private
        )
        for r in repos
    )
    return Pattern(
        id=pid,
        pattern_type="deployment",
        kind="file",
        language="bash",
        title=title,
        similarity=0.87,
        confidence=confidence,
        score=3.0,
        lines=30,
        occurrences=occ,
        features=features,
        content_hash=f"h-{pid}-{len(repos)}",
    )


REC = SimpleNamespace(
    library_name="gcp-deployment-toolkit",
    summary="Deploy to Cloud Run with secrets.",
    time_savings=SimpleNamespace(minutes_per_use=30),
)


@pytest.fixture
def nexus() -> Iterator[FakeDevNexus]:
    with FakeDevNexus(tokens=[TOKEN]) as fake:
        yield fake


def client(url: str, **kwargs: object) -> DevNexus:
    kwargs.setdefault("on_cloud_run", False)
    return DevNexus(url, **kwargs)  # type: ignore[arg-type]


def closed_port_url() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


def test_new_patterns_are_posted_once_across_runs_and_known_ones_marked(
    nexus: FakeDevNexus, tmp_path: Path
) -> None:
    store = StateStore(tmp_path / "state.sqlite3")
    p1, p2 = pattern("p1", ["o/a", "o/b"]), pattern("p2", ["o/a", "o/c"], title="Dockerfile python base")
    rep = ScanReport(patterns=(p1, p2), repositories=tuple(RepoInfo(n) for n in ("o/a", "o/b", "o/c")))

    dn = client(nexus.url, token=TOKEN)
    assert dn.known_patterns([p1, p2]) == set()
    history = store.record_run(rep, run_id="r1", when=datetime(2025, 3, 3))
    result = dn.post([p1, p2], history, {"p1": REC})
    assert (result.posted, result.failed, result.known, result.skipped) == (2, 0, 0, 0), result.warnings
    assert [les["tags"][1] for les in nexus.lessons] == [marker("p1"), marker("p2")]
    assert all(c["authorization"] == f"Bearer {TOKEN}" for c in nexus.executed("add_lesson_learned"))

    # next week: nothing changed -> nothing posted
    history = store.record_run(rep, run_id="r2", when=datetime(2025, 3, 10))
    dn2 = client(nexus.url, token=TOKEN)
    assert dn2.known_patterns([p1, p2]) == {"p1", "p2"}
    result = dn2.post([p1, p2], history, {})
    assert (result.posted, result.skipped) == (0, 2)

    # the state was lost: every pattern looks new, but dev-nexus knows them by their marker
    dn3 = client(nexus.url, token=TOKEN)
    assert dn3.known_patterns([p1, p2]) == {"p1", "p2"}
    result = dn3.post([p1, p2], {}, {})
    assert (result.posted, result.known) == (0, 2)
    assert len(nexus.lessons) == 2

    # a copy is added to p1: the change is posted
    p1b = pattern("p1", ["o/a", "o/b", "o/c"])
    grown = store.record_run(
        ScanReport(patterns=(p1b, p2), repositories=rep.repositories), run_id="r3", when=datetime(2025, 3, 17)
    )
    dn4 = client(nexus.url, token=TOKEN)
    dn4.known_patterns([p1b, p2])
    result = dn4.post([p1b, p2], grown, {"p1": REC})
    assert (result.posted, result.skipped) == (1, 1)
    assert "new copies: o/c:deploy.sh" in nexus.lessons[-1]["context"]
    assert "status grown" in nexus.lessons[-1]["context"]


def test_cross_repo_patterns_mark_known_by_repos_and_keywords(nexus: FakeDevNexus) -> None:
    nexus.cross_repo_patterns = [
        {
            "pattern": "Cloud Run deployment with gcloud",
            "repositories": ["o/a", "o/b", "o/x"],
            "repo_count": 3,
            "pattern_type": "deployment",
        },
        {"pattern": "Structured logging setup", "repositories": ["o/c", "o/d"], "repo_count": 2},
    ]
    known = pattern("k", ["o/a", "o/b"])
    unrelated_words = pattern("u", ["o/c", "o/d"])
    one_repo_overlap = pattern("r", ["o/a", "o/q"])
    dn = client(nexus.url)
    assert dn.known_patterns([known, unrelated_words, one_repo_overlap]) == {"k"}
    calls = nexus.executed("get_cross_repo_patterns")
    assert calls[0]["input"] == {"min_repos": 2, "pattern_type": "deployment"}
    assert nexus.executed("query_patterns")[0]["input"]["keywords"] == [marker("k"), marker("r"), marker("u")]
    assert dn.warnings == []


def test_matching_rule_details() -> None:
    p = pattern("p", ["o/a", "o/b"], features=("gcloud",))
    entry = {"pattern": "docker", "repositories": [{"name": "O/A"}, "o/b"], "repo_count": 2}
    assert matches_cross_repo(pattern("p", ["o/a", "o/b"]), entry)  # one keyword, and it is shared
    assert not matches_cross_repo(p, entry)  # no shared keyword
    assert not matches_cross_repo(p, {"pattern": "", "repositories": ["o/a", "o/b"]})
    # three keywords of which only "cloud" is shared: not the same pattern
    assert not matches_cross_repo(p, {"pattern": "Cloud logging setup", "repositories": ["o/a", "o/b"]})
    assert matches_cross_repo(p, {"pattern": {"name": "Cloud Run deploy"}, "repositories": ["o/a", "o/b"]})


def test_write_skill_requiring_auth_without_credentials_posts_nothing(nexus: FakeDevNexus) -> None:
    console = Console(quiet=True)
    dn = client(nexus.url, console=console)
    result = dn.post([pattern("p1", ["o/a", "o/b"]), pattern("p2", ["o/a", "o/c"])], {}, {})
    assert (result.posted, result.failed) == (0, 2)
    assert "requires authentication" in result.warnings[0]
    assert nexus.executed("add_lesson_learned") == []  # nothing sent without credentials
    assert console.warnings == result.warnings


def test_wrong_token_gets_401_shape_as_a_warning(nexus: FakeDevNexus) -> None:
    result = client(nexus.url, token="wrong").post([pattern("p1", ["o/a", "o/b"])], {}, {})
    assert result.failed == 1
    assert "refused the credentials (HTTP 401: Authentication required)" in result.warnings[0]


def test_cloud_run_uses_a_cached_metadata_id_token() -> None:
    with FakeMetadata() as meta, FakeDevNexus(tokens=[]) as nexus:
        nexus.tokens = meta.issued  # dev-nexus accepts what the metadata server minted
        dn = DevNexus(nexus.url + "/", on_cloud_run=True, metadata_url=meta.url)
        result = dn.post([pattern("p1", ["o/a", "o/b"]), pattern("p2", ["o/a", "o/c"])], {}, {})
        assert result.posted == 2, result.warnings
        assert meta.audiences == [nexus.url]  # audience = the dev-nexus URL; one token for both calls
        assert {c["authorization"] for c in nexus.executed("add_lesson_learned")} == {
            f"Bearer {meta.issued[0]}"
        }


def test_id_token_refreshes_before_expiry_and_reports_errors() -> None:
    with FakeMetadata(lifetime=600) as meta, httpx.Client() as http:
        now = [1.0e9]
        src = IdTokenSource(http, meta.url, clock=lambda: now[0])
        first = src.token("https://nexus.example")
        exp = token_expiry(first)
        assert exp is not None
        now[0] = exp - 120
        assert src.token("https://nexus.example") == first
        now[0] = exp - 30  # inside the refresh margin
        assert src.token("https://nexus.example") != first
        assert len(meta.issued) == 2
        src.token("https://other.example")
        assert meta.audiences[-1] == "https://other.example"
        no_header = http.get(
            meta.url + "/computeMetadata/v1/instance/service-accounts/default/identity",
            params={"audience": "x"},
        )
        assert no_header.status_code == 403
    with httpx.Client() as http, pytest.raises(GcpAuthError, match="unreachable"):
        IdTokenSource(http, closed_port_url()).token("x")
    assert token_expiry("not-a-jwt") is None
    assert on_cloud_run({"K_SERVICE": "pattern-miner"}) and not on_cloud_run({})


def test_metadata_server_down_on_cloud_run_is_a_warning(nexus: FakeDevNexus) -> None:
    dn = DevNexus(nexus.url, on_cloud_run=True, metadata_url=closed_port_url())
    result = dn.post([pattern("p1", ["o/a", "o/b"])], {}, {})
    assert result.failed == 1
    assert any("no ID token" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("500", "HTTP 500: Execution failed: add_lesson_learned crashed"),
        ("success-false", "add_lesson_learned failed: Knowledge base is read-only"),
        ("garbage", "not a JSON object"),
    ],
)
def test_write_failure_shapes_are_warnings(nexus: FakeDevNexus, mode: str, expected: str) -> None:
    nexus.fail["add_lesson_learned"] = mode
    result = client(nexus.url, token=TOKEN).post(
        [pattern("p1", ["o/a", "o/b"]), pattern("p2", ["o/a", "o/c"])], {}, {}
    )
    assert (result.posted, result.failed) == (0, 2)
    assert expected in result.warnings[0]
    assert len(result.warnings) == 1  # the same failure is reported once


def test_read_failures_leave_the_other_read_working(nexus: FakeDevNexus) -> None:
    nexus.lessons.append({"repository": "o/a", "lesson": "x", "tags": [marker("p1")]})
    nexus.fail["get_cross_repo_patterns"] = "500"
    dn = client(nexus.url)
    assert dn.known_patterns([pattern("p1", ["o/a", "o/b"])]) == {"p1"}
    assert "get_cross_repo_patterns failed (HTTP 500: Execution failed" in dn.warnings[0]


def test_unknown_skill_shape(nexus: FakeDevNexus) -> None:
    dn = client(nexus.url, token=TOKEN)
    dn.skills()  # card read, then dev-nexus is redeployed without the skill
    nexus.skills = [s for s in nexus.skills if s["id"] != "add_lesson_learned"]
    result = dn.post([pattern("p1", ["o/a", "o/b"])], {}, {})
    assert "Unknown skill: add_lesson_learned" in result.warnings[0]
    # a write skill the card does not list at all
    other = client(nexus.url, token=TOKEN, write_skill="record_pattern").post(
        [pattern("p1", ["o/a", "o/b"])], {}, {}
    )
    assert other.failed == 1 and "lists no skill 'record_pattern'" in other.warnings[0]


def test_fake_speaks_the_missing_skill_id_shape(nexus: FakeDevNexus) -> None:
    resp = httpx.post(nexus.url + "/a2a/execute", json={"input": {}})
    assert resp.status_code == 400 and resp.json() == {"error": "Missing required field: skill_id"}
    assert httpx.get(nexus.url + "/health").json()["status"] == "healthy"


def test_dev_nexus_down_never_fails() -> None:
    dn = client(closed_port_url(), token=TOKEN)
    assert dn.known_patterns([pattern("p1", ["o/a", "o/b"])]) == set()
    result = dn.post([pattern("p1", ["o/a", "o/b"])], {}, {})
    assert (result.posted, result.failed) == (0, 1)
    assert dn.warnings[0].endswith(" is unreachable (connection refused)")


def test_slow_dev_nexus_times_out_once_then_is_skipped(nexus: FakeDevNexus) -> None:
    nexus.fail["get_cross_repo_patterns"] = "slow"
    nexus.delay = 1.5
    dn = client(nexus.url, token=TOKEN, timeout=0.3)
    assert dn.known_patterns([pattern("p1", ["o/a", "o/b"])]) == set()
    result = dn.post([pattern("p1", ["o/a", "o/b"])], {}, {})
    assert result.failed == 1
    assert "did not answer within 0.3s" in dn.warnings[0]
    assert nexus.executed("query_patterns") == [] and nexus.executed("add_lesson_learned") == []


def test_broken_agent_card(nexus: FakeDevNexus) -> None:
    nexus.fail["agent-card"] = "500"
    dn = client(nexus.url, token=TOKEN)
    assert dn.known_patterns([pattern("p1", ["o/a", "o/b"])]) == set()
    assert "no valid agent card" in dn.warnings[0]


def test_low_confidence_is_skipped(nexus: FakeDevNexus) -> None:
    result = client(nexus.url, token=TOKEN).post([pattern("p1", ["o/a", "o/b"], confidence="Low")], {}, {})
    assert (result.posted, result.skipped) == (0, 1)


def test_lesson_has_no_code_and_fits_the_schema(nexus: FakeDevNexus) -> None:
    p = pattern("p1", ["o/a", "o/b", "o/b"], private=True)
    hist = SimpleNamespace(status="new", first_seen="2025-03-03", added=(), removed=())
    card = client(nexus.url).skills()["add_lesson_learned"]
    out = lesson(p, hist, REC, card)
    assert set(out) == {"repository", "category", "lesson", "context", "severity", "tags", "related_files"}
    assert out["repository"] == "o/b"  # the repository with the most copies
    assert out["category"] == "architecture" and out["severity"] == "info"
    assert "gcp-deployment-toolkit" in out["lesson"] and "30 minutes per use" in out["lesson"]
    assert "87% similar" in out["lesson"] and "first seen 2025-03-03" in out["context"]
    assert "SECRET" not in str(out)  # code text is never sent
    assert out["related_files"] == ["o/a:deploy.sh", "o/b:deploy.sh"]
    bare = lesson(p, None, None, None)  # no recommendation, no schema: still complete
    assert bare["category"] == "architecture" and "library" not in bare["lesson"]
    assert (
        lesson(p, None, {"library_name": "x", "summary": None, "time_savings": None}, None)["tags"][-1]
        == "library:x"
    )
    restricted = {
        "input_schema": {"properties": {"repository": {}, "lesson": {}, "category": {"enum": ["misc"]}}}
    }
    assert lesson(p, None, None, restricted) == {
        "repository": "o/b",
        "category": "misc",
        "lesson": bare["lesson"],
    }


def test_run_with_dev_nexus_over_two_weeks_posts_each_pattern_once(
    nexus: FakeDevNexus, tmp_path: Path
) -> None:
    store = StateStore(tmp_path / "s.sqlite3")
    pats = [pattern(f"p{i}", ["o/a", "o/b"]) for i in range(3)]
    rep = ScanReport(patterns=tuple(pats), repositories=(RepoInfo("o/a"), RepoInfo("o/b")))
    start = datetime(2025, 1, 6)
    for week in range(2):
        dn = client(nexus.url, token=TOKEN)
        dn.known_patterns(pats)
        dn.post(pats, store.record_run(rep, run_id=f"w{week}", when=start + timedelta(weeks=week)), {})
    assert sorted(les["tags"][1] for les in nexus.lessons) == [marker(f"p{i}") for i in range(3)]


def test_posts_are_per_opportunity(nexus: FakeDevNexus, tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite3")
    p1, p2 = pattern("p1", ["o/a", "o/b"]), pattern("p2", ["o/a", "o/b"], title="Dockerfile", path="Dockerfile")
    repos = tuple(RepoInfo(n) for n in ("o/a", "o/b", "o/c"))

    def run(run_id: str, parts: tuple[Pattern, ...], when: datetime) -> tuple[Pattern, dict[str, Any]]:
        lib = Opportunity("library-1", "library", "deployment", "Deploy kit", ("o/a", "o/b"), parts, (), 3.0,
                          "High", rank=1, content_hash="|".join(p.id + str(len(p.occurrences)) for p in parts))
        seen = as_pattern(lib)
        history: dict[str, Any] = {}
        store.record_run(ScanReport(patterns=parts, repositories=repos), run_id=run_id, when=when,
                         opportunities=[(seen, tuple(p.id for p in parts), lib.to_dict())], into=history)
        return seen, history

    seen, history = run("r1", (p1, p2), datetime(2025, 3, 3))
    result = client(nexus.url, token=TOKEN).post([seen], history, {"library-1": REC})
    assert (result.posted, result.skipped) == (1, 0)  # one lesson for the opportunity, not one per pattern
    [posted] = nexus.lessons
    assert posted["tags"][1] == marker("library-1") and "opportunity library-1" in posted["context"]
    assert len(posted["related_files"]) == 4  # every copy of both components
    seen, history = run("r2", (p1, p2), datetime(2025, 3, 10))
    assert client(nexus.url, token=TOKEN).post([seen], history, {}).posted == 0  # unchanged
    seen, history = run("r3", (pattern("p1", ["o/a", "o/b", "o/c"]), p2), datetime(2025, 3, 17))
    assert client(nexus.url, token=TOKEN).post([seen], history, {}).posted == 1
    assert "status grown" in nexus.lessons[-1]["context"]
