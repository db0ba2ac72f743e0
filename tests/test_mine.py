"""The whole job in-process: local and GitHub sources, dry run, publishing, privacy, failures, state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pattern_miner.console import Console
from pattern_miner.main import main
from pattern_miner.pipeline import RunResult
from pattern_miner.pipeline import run as run_pipeline
from pattern_miner.publish.targets import PREVIEW_TARGET
from pattern_miner.render.marker import parse_marker
from pattern_miner.settings import Settings, check
from pattern_miner.wiring import connect
from tests.fakes.github import FakeGitHub

DEPLOY = """#!/bin/bash
set -euo pipefail
PROJECT_ID="${PROJECT_ID:?set PROJECT_ID}"
SERVICE="${SERVICE:-app}"
REGION="${REGION:-us-central1}"
echo "Building $SERVICE"
gcloud builds submit --tag "gcr.io/$PROJECT_ID/$SERVICE" .
gcloud secrets describe api-key --project "$PROJECT_ID" >/dev/null || gcloud secrets create api-key
gcloud run deploy "$SERVICE" --image "gcr.io/$PROJECT_ID/$SERVICE" --region "$REGION" --platform managed
URL=$(gcloud run services describe "$SERVICE" --region "$REGION" --format 'value(status.url)')
echo "Deployed to $URL"
"""


def quiet() -> Console:
    return Console(quiet=True)


def run_mining(settings: Settings, console: Console) -> RunResult:
    """The job as the commands run it: wired from its settings, then run."""
    check(settings)
    return run_pipeline(settings, connect(settings, console), console)


def summary_markdown(result: RunResult, settings: Settings) -> str:
    return result.summary()


def write_repos(root: Path, names: tuple[str, ...], extra: dict[str, str] | None = None) -> list[str]:
    paths = []
    for name in names:
        d = root / name
        d.mkdir(parents=True)
        (d / "deploy.sh").write_text(DEPLOY + (extra or {}).get(name, ""))
        (d / "README.md").write_text(f"# {name}\n")
        paths.append(str(d))
    return paths


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo("acme/hub", {"README.md": "hub"})
        yield server


def pattern_issues(fake: FakeGitHub, repo: str) -> list[dict]:
    """The repository's issues but the dashboard (``dashboard`` is on by default: one more issue)."""
    return [i for i in fake.repo(repo).issues.values() if (m := parse_marker(i["body"])) and m.kind != "dashboard"]


def github_settings(fake: FakeGitHub, tmp_path: Path, repos: list[str], **kw: object) -> Settings:
    config = tmp_path / "repositories.json"
    config.write_text(json.dumps({"repositories": [{"repo": r} for r in repos]}))
    base = dict(config_path=str(config), source="github", token=fake.token, api_url=fake.url, dry_run=False,
                issue_repo="acme/hub", cache_dir=str(tmp_path / "cache"), summary_repo="acme/hub")
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def test_local_dry_run_renders_would_be_issues_and_a_report(tmp_path: Path) -> None:
    paths = write_repos(tmp_path, ("api", "web", "jobs"), {"jobs": "echo extra\n"})
    settings = Settings(source="local", local_paths=tuple(paths), cache_dir=str(tmp_path / "cache"))
    result = run_mining(settings, quiet())
    assert len(result.report.actionable) == 1
    assert result.issues is not None and result.issues.dry_run and result.issues.get("created") == 1
    [spec] = result.specs
    assert spec.repo == PREVIEW_TARGET and parse_marker(spec.body).id == result.report.actionable[0].id
    report = json.loads(Path(result.report_path).read_text())
    assert report["extraction_opportunities"] == 1 and report["dry_run"] is True
    assert "recommendations" in report["advice"] and report["history"]
    summary = summary_markdown(result, settings)
    assert "dry run" in summary and "Issues this run would write" in summary and spec.body in summary
    assert not (tmp_path / "cache" / "state.sqlite3").exists()  # a dry run leaves the state alone


def test_mine_command_publishes_to_the_fake_once(tmp_path: Path, fake: FakeGitHub,
                                                 monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_repos(tmp_path, ("api", "web"))
    monkeypatch.setenv("GITHUB_TOKEN", fake.token)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.chdir(tmp_path)
    argv = ["mine", *paths, "--publish", "--issue-repo", "acme/hub", "--cache-dir", str(tmp_path / "c")]
    assert main(argv, quiet()) == 0
    assert len(pattern_issues(fake, "acme/hub")) == 1 and len(fake.repo("acme/hub").issues) == 2  # + dashboard
    fake.clear_requests()
    assert main(argv, quiet()) == 0
    assert [r for r in fake.requests if r.method != "GET"] == []
    assert "Issues created" in capsys.readouterr().out
    assert (tmp_path / "c" / "state.sqlite3").exists()


def test_mine_command_refuses_to_publish_without_a_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_repos(tmp_path, ("api", "web"))
    assert main(["mine", *paths, "--publish", "--cache-dir", str(tmp_path / "c")]) == 1
    assert "error: --publish needs GITHUB_TOKEN" in capsys.readouterr().err


def test_private_copies_never_reach_a_public_issue(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/web", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/secret-billing", {"deploy.sh": DEPLOY}, private=True)
    settings = github_settings(fake, tmp_path, ["acme/api", "acme/web", "acme/secret-billing"])
    result = run_mining(settings, quiet())
    [issue] = pattern_issues(fake, "acme/hub")
    for each in fake.repo("acme/hub").issues.values():  # the dashboard too
        assert "secret-billing" not in each["body"] and "secret-billing" not in each["title"]
    assert "--platform managed" not in issue["body"] and "```" not in issue["body"]  # no code at all
    assert "acme/api" in issue["body"] and "private" in issue["body"]
    assert any("private repositories" in w for w in result.warnings)
    summary = summary_markdown(result, settings)
    assert "secret-billing" not in summary and "1 private" in summary


def test_private_issue_repo_gets_the_full_issue_and_skip_mode_skips(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/secret-billing", {"deploy.sh": DEPLOY}, private=True)
    fake.add_repo("acme/private-hub", {"README.md": "x"}, private=True)
    repos = ["acme/api", "acme/secret-billing"]
    run_mining(github_settings(fake, tmp_path, repos, issue_repo="acme/private-hub"), quiet())
    [issue] = pattern_issues(fake, "acme/private-hub")
    assert "acme/secret-billing" in issue["body"] and "gcloud run deploy" in issue["body"]
    result = run_mining(github_settings(fake, tmp_path, repos, private_patterns="skip", run_id="r2"), quiet())
    assert fake.repo("acme/hub").issues == {} and any("not posted" in w for w in result.warnings)


def test_missing_and_rate_limited_repos_do_not_stop_the_run(tmp_path: Path, fake: FakeGitHub) -> None:
    for name in ("acme/api", "acme/web", "acme/busy"):
        fake.add_repo(name, {"deploy.sh": DEPLOY})
    fake.primary_rate_limit("GET", "/repos/acme/busy/branches/main", reset_in=3600, times=10)
    settings = github_settings(fake, tmp_path, ["acme/api", "acme/gone", "acme/busy", "acme/web"])
    result = run_mining(settings, quiet())
    assert {f.repo for f in result.report.failures} == {"acme/gone", "acme/busy"}
    assert len(pattern_issues(fake, "acme/hub")) == 1 and result.count("created") == 1
    summary = summary_markdown(result, settings)
    assert "Repositories that could not be scanned" in summary and "acme/gone" in summary


def test_pattern_is_not_closed_while_one_of_its_repos_fails(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/web", {"deploy.sh": DEPLOY})
    repos = ["acme/api", "acme/web"]
    run_mining(github_settings(fake, tmp_path, repos, run_id="r1"), quiet())
    fake.fail("GET", "/repos/acme/web", 404, times=10)
    fake.fail("GET", "/repos/acme/web/.*", 404, times=10)
    result = run_mining(github_settings(fake, tmp_path, repos, run_id="r2"), quiet())
    assert result.report.failures and fake.repo("acme/hub").issues[1]["state"] == "open"
    fake.faults.clear()
    fake.delete_file("acme/web", "deploy.sh")
    result = run_mining(github_settings(fake, tmp_path, repos, run_id="r3"), quiet())
    issue = fake.repo("acme/hub").issues[1]
    assert (issue["state"], issue["state_reason"], result.count("closed")) == ("closed", "completed", 1)


def test_per_repo_target_opens_one_issue_in_each_repo(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/web", {"deploy.sh": DEPLOY})
    result = run_mining(github_settings(fake, tmp_path, ["acme/api", "acme/web"], issue_target="per-repo"), quiet())
    assert result.count("created") == 2
    assert len(fake.repo("acme/api").issues) == 1 and len(fake.repo("acme/web").issues) == 1
    assert fake.repo("acme/hub").issues == {}


def test_lost_cache_rebuilds_state_from_issue_markers_and_writes_nothing(tmp_path: Path, fake: FakeGitHub) -> None:
    import shutil

    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/web", {"deploy.sh": DEPLOY})
    repos = ["acme/api", "acme/web"]
    run_mining(github_settings(fake, tmp_path, repos, run_id="r1"), quiet())
    body = fake.repo("acme/hub").issues[1]["body"]
    old = parse_marker(body)
    fake.repo("acme/hub").issues[1]["body"] = body.replace(old.first_seen, "2020-01-02")  # an old issue
    shutil.rmtree(tmp_path / "cache")
    fake.clear_requests()
    result = run_mining(github_settings(fake, tmp_path, repos, run_id="r2"), quiet())
    assert [r for r in fake.requests if r.method != "GET"] == []
    assert result.history[old.id].first_seen == "2020-01-02"  # seeded from the marker


def test_a_report_path_that_is_a_directory_is_one_clear_error(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_repos(tmp_path, ("api", "web"))
    (tmp_path / "out").mkdir()
    assert main(["mine", *paths, "--report", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"error: the report path {tmp_path / 'out'} is a directory: give a file name"
