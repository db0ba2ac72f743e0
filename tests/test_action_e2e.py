"""The action end to end, run the way the runner runs it: the image's entrypoint (the installed
``pattern-miner action`` console script) in a subprocess with ONLY environment variables, in a workspace
with a decoy ``pattern_miner/`` package, against the fake GitHub on loopback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import entry_points, version
from pathlib import Path
from typing import Any

import pytest
import tree_sitter
import tree_sitter_yaml

from pattern_miner import __version__, settings
from pattern_miner.commands import action
from pattern_miner.render.marker import parse_marker
from tests.e2e.run_action_image import DECOY
from tests.fakes.github import FakeGitHub
from tests.test_actions import parse_output_file
from tests.test_mine import DEPLOY

ROOT = Path(__file__).resolve().parent.parent
HUB = "acme/hub"
DOCKERFILE = """FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home appuser
USER appuser
EXPOSE 8080
CMD ["gunicorn", "--bind", "0.0.0.0:8080", "--workers", "2", "app:app"]
"""


# ---- a YAML reader for action.yml and the workflows (tree-sitter-yaml is a dependency already) ----------


def _yaml(node: tree_sitter.Node) -> Any:
    kind = node.type
    if kind in ("stream", "document", "block_node", "flow_node"):
        named = [c for c in node.named_children if c.type not in ("comment", "tag", "anchor")]
        return _yaml(named[0]) if named else None
    if kind in ("block_mapping", "flow_mapping"):
        out = {}
        for pair in node.named_children:
            if pair.type in ("block_mapping_pair", "flow_pair"):
                key = pair.child_by_field_name("key")
                value = pair.child_by_field_name("value")
                out[_yaml(key)] = _yaml(value) if value is not None else None
        return out
    if kind in ("block_sequence", "flow_sequence"):
        return [_yaml(c) for c in node.named_children if c.type != "comment"]
    if kind == "block_sequence_item":
        return _yaml(node.named_children[0])
    if kind == "block_scalar":
        text = node.text.decode()
        return "\n".join(line.strip() for line in text.splitlines()[1:]) + "\n"
    text = node.text.decode()
    if kind == "double_quote_scalar":
        return json.loads(text)
    if kind == "single_quote_scalar":
        return text[1:-1].replace("''", "'")
    return text


def load_yaml(path: Path) -> Any:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_yaml.language()))
    tree = parser.parse(path.read_bytes())
    assert not tree.root_node.has_error, f"{path} is not valid YAML"
    return _yaml(tree.root_node)


def dockerfile_entrypoint() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    [line] = [ln for ln in text.splitlines() if ln.startswith("ENTRYPOINT")]
    return json.loads(line.removeprefix("ENTRYPOINT").strip())


def entrypoint_here() -> list[str]:
    """The image's entrypoint, the console script installed with this interpreter instead of the image's."""
    script, *args = dockerfile_entrypoint()
    return [str(Path(sysconfig.get_path("scripts")) / Path(script).name), *args]


# ---- running the action as a runner would ----------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    outputs: dict[str, str]
    summary: str


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.add_repo(HUB, {"README.md": "the workflow's repository"})
        yield server


def workspace(tmp_path: Path, repos: list[str]) -> Path:
    ws = tmp_path / "workspace"
    (ws / "config").mkdir(parents=True, exist_ok=True)
    (ws / "config" / "repositories.json").write_text(json.dumps({"repositories": [{"repo": r} for r in repos]}))
    (ws / "pattern_miner").mkdir(exist_ok=True)  # the runner's working directory: it must not be imported
    (ws / "pattern_miner" / "__init__.py").write_text(DECOY)
    return ws


def run_action(fake: FakeGitHub, ws: Path, n: int, api_url: str | None = None, *, step: str = "__run",
               runner_dir: str | None = None, **inputs: str) -> Run:
    runner = ws.parent / (runner_dir or f"runner-{n}")
    runner.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(runner),
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "GITHUB_REPOSITORY": HUB,
        "GITHUB_TOKEN": fake.token,
        "GITHUB_API_URL": api_url or fake.url,
        "GITHUB_WORKSPACE": str(ws),
        "GITHUB_RUN_ID": "1000",
        "GITHUB_RUN_ATTEMPT": str(n),
        "GITHUB_ACTION": step,
        "INPUT_GITHUB-TOKEN": fake.token,
        "INPUT_DRY-RUN": "false",
    }
    env.update({f"INPUT_{k.replace('_', '-').upper()}": v for k, v in inputs.items()})
    proc = subprocess.run(entrypoint_here(), env=env, cwd=ws, capture_output=True, text=True, timeout=120)
    assert "DECOY" not in proc.stdout + proc.stderr
    output = runner / "output"
    summary = runner / "summary.md"
    return Run(
        proc.returncode,
        proc.stdout + proc.stderr,
        parse_output_file(output.read_text()) if output.exists() else {},
        summary.read_text() if summary.exists() else "",
    )


def seed_copies(fake: FakeGitHub, names: list[str], **repo_kw: Any) -> None:
    """Copies edited after the copy (a line of each repository's own): two opportunities. Identical in
    every repository they would be stock files, one "adopt a shared template" opportunity."""
    for name in names:
        own = name.rsplit("/", 1)[-1]
        fake.add_repo(name, {"deploy.sh": DEPLOY + f'echo "{own} deployed"\n',
                             "Dockerfile": DOCKERFILE + f'LABEL service="{own}"\n', "README.md": f"# {name}\n"},
                      **repo_kw)


def writes(fake: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]


def hub_issues(fake: FakeGitHub) -> list[dict[str, Any]]:
    """The opportunities' issues (the dashboard, one more issue by default, is not one of them)."""
    return [i for i in fake.repo(HUB).issues.values() if (m := parse_marker(i["body"])) is None or m.kind != "dashboard"]


def dashboards(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [i for i in fake.repo(HUB).issues.values() if (m := parse_marker(i["body"])) and m.kind == "dashboard"]


# ---- the tests ------------------------------------------------------------------------------------


def test_two_runs_create_each_issue_once_then_a_changed_copy_edits_and_comments(fake: FakeGitHub, tmp_path: Path) -> None:
    repos = ["acme/api", "acme/web", "acme/jobs"]
    seed_copies(fake, repos)
    ws = workspace(tmp_path, repos)

    first = run_action(fake, ws, 1)
    assert first.code == 0, first.stdout
    created = int(first.outputs["issues-created"])
    assert created >= 2 and created == len(hub_issues(fake))
    assert first.outputs["repositories-scanned"] == "3"
    assert int(first.outputs["extraction-opportunities"]) == created
    [board] = dashboards(fake)  # one dashboard issue, opened after the opportunities' issues
    assert first.outputs["dashboard-issue"] == str(board["number"]) and first.outputs["opportunities-ignored"] == "0"
    assert first.outputs["report-path"] == ".pattern-miner-cache/pattern-miner-report.json"
    report = json.loads((ws / first.outputs["report-path"]).read_text())
    assert report["issues"]["created"] == created
    assert len({parse_marker(i["body"]).id for i in hub_issues(fake)}) == created
    assert f"::add-mask::{fake.token}" in first.stdout and "::group::" in first.stdout
    assert "| Repositories scanned |" in first.summary and "#1" in first.summary

    fake.clear_requests()
    second = run_action(fake, ws, 2)
    assert second.code == 0, second.stdout
    assert writes(fake) == []
    assert (second.outputs["issues-created"], second.outputs["issues-updated"]) == ("0", "0")
    assert len(hub_issues(fake)) == created

    fake.set_file("acme/jobs", "deploy.sh", DEPLOY + 'echo "Done: $SERVICE"\n')
    fake.clear_requests()
    third = run_action(fake, ws, 3)
    assert third.code == 0, third.stdout
    [board] = dashboards(fake)  # it shows the opportunity's new line count: edited after the issues, if at all
    board_edit = f"PATCH /repos/acme/hub/issues/{board['number']}"
    edits = [e for e in fake.requests_to("PATCH", r"/repos/acme/hub/issues/\d+") if f"PATCH {e.path}" != board_edit]
    comments = fake.requests_to("POST", r"/repos/acme/hub/issues/\d+/comments")
    assert (len(edits), len(comments)) == (1, 1), writes(fake)
    assert [w for w in writes(fake) if w != board_edit] == [f"PATCH {edits[0].path}", f"POST {comments[0].path}"]
    assert writes(fake)[2:] in ([], [board_edit])
    assert third.outputs["issues-updated"] == "1" and len(hub_issues(fake)) == created
    number = int(edits[0].path.rsplit("/", 1)[1])
    assert "Changed copy" in fake.repo(HUB).comments[number][0]["body"]
    assert "acme/jobs" in fake.repo(HUB).comments[number][0]["body"]


def test_repositories_with_empty_files_are_all_scanned(fake: FakeGitHub, tmp_path: Path) -> None:
    repos = ["acme/api", "acme/web", "acme/jobs"]
    seed_copies(fake, repos)
    for name in repos:
        for path in ("app/__init__.py", "app/tests/__init__.py", ".env.example"):
            fake.set_file(name, path, "")
    ws = workspace(tmp_path, [*repos, "acme/gone"])
    first = run_action(fake, ws, 1)
    assert first.code == 0, first.stdout
    assert first.outputs["repositories-scanned"] == "3"
    assert int(first.outputs["issues-created"]) >= 2 and len(hub_issues(fake)) >= 2
    assert "acme/gone" in first.summary and "404" in first.summary
    for name in repos:
        assert name not in [f["repo"] for f in json.loads((ws / first.outputs["report-path"]).read_text())["failures"]]
    fake.clear_requests()
    second = run_action(fake, ws, 2)
    assert second.code == 0, second.stdout
    assert writes(fake) == []


def test_forged_markers_in_files_and_file_names_change_nothing(fake: FakeGitHub, tmp_path: Path) -> None:
    repos = ["acme/api", "acme/web", "acme/jobs"]
    seed_copies(fake, repos)
    ws = workspace(tmp_path, repos)
    preview = run_action(fake, ws, 1, dry_run="true")  # the real pattern ids, to forge
    ids = [p["id"] for p in json.loads((ws / preview.outputs["report-path"]).read_text())["patterns"]]
    assert len(ids) >= 2
    forged = " ".join(f"<!-- pattern-miner:id={pid} state=resolved -->" for pid in reversed(ids))
    for name in repos:  # in the copied code (a comment: the copies still match) and in a file name
        fake.set_file(name, "deploy.sh", DEPLOY.replace("set -euo pipefail\n", f"set -euo pipefail\n# {forged}\n"))
        fake.set_file(name, f"tools/<!-- pattern-miner:id={ids[0]} -->.sh", DEPLOY)
    first = run_action(fake, ws, 2)
    assert first.code == 0, first.stdout
    issues = hub_issues(fake)
    assert len(issues) == int(first.outputs["issues-created"]) and all(i["state"] == "open" for i in issues)
    assert sorted(parse_marker(i["body"]).id for i in issues) == sorted(
        p["id"] for p in json.loads((ws / first.outputs["report-path"]).read_text())["patterns"]
        if p["confidence"] != "Low")
    assert all("<!-- pattern-miner" not in i["body"][: i["body"].rfind("<!--")] for i in issues)
    for n in (3, 4):
        fake.clear_requests()
        again = run_action(fake, ws, n)
        assert again.code == 0, again.stdout
        assert writes(fake) == []


def _corrupt(cache: Path, case: str) -> None:
    state = cache / "state.sqlite3"
    blobs = cache / "github" / "blobs"
    records = sorted((cache / "github" / "repos").glob("*.json"))
    assert records or not case.startswith("repository record"), sorted(
        str(p.relative_to(cache)) for p in cache.rglob("*") if "blobs" not in p.parts)  # what the first run left
    if case == "state is garbage":
        state.write_bytes(b"not a database " * 500)
    elif case == "state is truncated":
        data = state.read_bytes()
        for suffix in ("-wal", "-shm"):
            Path(f"{state}{suffix}").unlink(missing_ok=True)
        state.write_bytes(data[: len(data) // 3])
    elif case == "state is a directory":
        state.unlink()
        state.mkdir()
    elif case == "blob cache is a file":
        shutil.rmtree(blobs)
        blobs.write_text("x")
    elif case == "a blob is a directory":
        blob = next(p for p in blobs.rglob("*") if p.is_file())
        blob.unlink()
        blob.mkdir()
    elif case == "repository record is garbage":
        records[0].write_text('{"version": 1, "repo": ')
    elif case == "repository record is a directory":
        records[0].unlink()
        records[0].mkdir()
    elif case == "cache is a file":
        shutil.rmtree(cache)
        cache.write_text("x")


@pytest.mark.parametrize("case", ["state is garbage", "state is truncated", "state is a directory",
                                  "blob cache is a file", "a blob is a directory", "repository record is garbage",
                                  "repository record is a directory", "cache is a file"])
def test_a_damaged_cache_is_moved_aside_and_the_run_goes_on(fake: FakeGitHub, tmp_path: Path, case: str) -> None:
    repos = ["acme/api", "acme/web", "acme/jobs"]
    seed_copies(fake, repos)
    ws = workspace(tmp_path, repos)
    first = run_action(fake, ws, 1)
    assert first.code == 0 and int(first.outputs["issues-created"]) >= 2, first.stdout
    _corrupt(ws / ".pattern-miner-cache", case)
    fake.clear_requests()
    second = run_action(fake, ws, 2)
    assert second.code == 0, second.stdout
    assert "Traceback" not in second.stdout and _errors(second) == []
    assert writes(fake) == []  # the history comes back from the issues' markers: nothing is re-opened
    assert second.outputs["repositories-scanned"] == "3" and "| Repositories scanned |" in second.summary
    moved = [line for line in second.stdout.splitlines() if line.startswith("::warning::") and "moved" in line]
    assert len(moved) == (0 if case == "repository record is garbage" else 1), second.stdout
    fake.clear_requests()
    third = run_action(fake, ws, 3)
    assert third.code == 0 and writes(fake) == [] and "moved" not in third.stdout


@pytest.mark.parametrize("cache", ["kept", "lost"])
@pytest.mark.parametrize("fault", ["truncated tree", "404", "5xx", "rate limit"])
def test_a_repository_that_fails_once_causes_no_issue_churn(fake: FakeGitHub, tmp_path: Path, fault: str,
                                                            cache: str) -> None:
    repos = ["acme/api", "acme/web", "acme/jobs"]
    seed_copies(fake, repos)
    fake.set_file("acme/jobs", "deploy.sh", DEPLOY.replace('echo "Deployed to $URL"', 'echo "Live: $URL"\nexit 0'))
    ws = workspace(tmp_path, repos)
    first = run_action(fake, ws, 1)
    assert first.code == 0 and int(first.outputs["issues-created"]) >= 2, first.stdout
    before = {i["number"]: (i["title"], i["body"], i["state"]) for i in hub_issues(fake)}
    if fault == "truncated tree":
        fake.repo("acme/jobs").truncated = True
        fake.set_file("acme/jobs", "NOTES.md", "a new commit: the cached tree no longer applies\n")
    elif fault == "404":
        fake.fail("GET", "/repos/acme/jobs(/.*)?", 404, times=20)
    elif fault == "5xx":
        fake.fail("GET", "/repos/acme/jobs/.*", 503, times=40, headers={"Retry-After": "0"})  # retried at once
    else:
        fake.primary_rate_limit("GET", "/repos/acme/jobs/.*", reset_in=3600, times=20)
    if cache == "lost":
        shutil.rmtree(ws / ".pattern-miner-cache")
    fake.clear_requests()
    second = run_action(fake, ws, 2)
    assert second.code == 0, second.stdout
    assert "acme/jobs" in second.summary and writes(fake) == [], writes(fake)
    fake.repo("acme/jobs").truncated = False
    fake.faults.clear()
    fake.clear_requests()
    third = run_action(fake, ws, 3)
    assert third.code == 0, third.stdout
    assert writes(fake) == [], writes(fake)
    assert {i["number"]: (i["title"], i["body"], i["state"]) for i in hub_issues(fake)} == before


PRIVATE_NAMES = ("secret-billing", "secret-payroll", "ledger-sync-deploy", "ledger-private-rotation-key",
                 "payroll-runner")


@pytest.mark.parametrize("target", ["central", "per-repo"])
@pytest.mark.parametrize("mode", ["redact", "skip"])
def test_no_private_name_path_or_code_in_any_public_output(fake: FakeGitHub, tmp_path: Path, target: str,
                                                            mode: str) -> None:
    public = ["acme/api", "acme/web"]
    private = ["acme/secret-billing", "acme/secret-payroll"]
    seed_copies(fake, public)
    private_deploy = DEPLOY.replace('echo "Deployed to $URL"',
                                    'gcloud secrets versions access latest --secret ledger-private-rotation-key\n'
                                    'echo "Deployed to $URL"')
    for name in private:
        fake.add_repo(name, {"internal/ledger-sync-deploy.sh": private_deploy, "Dockerfile": DOCKERFILE,
                             "payroll-runner/Dockerfile": DOCKERFILE.replace("8080", "9090")}, private=True)
    ws = workspace(tmp_path, public + private)
    result = run_action(fake, ws, 1, issue_target=target, private_patterns=mode)
    assert result.code == 0, result.stdout
    assert int(result.outputs["issues-created"]) >= (0 if (mode, target) == ("skip", "central") else 1)
    report = (ws / result.outputs["report-path"]).read_text()
    public_repos = [HUB, *public]
    texts = {"summary": result.summary, "report artifact": report}
    for repo in public_repos:
        for issue in fake.repo(repo).issues.values():
            texts[f"{repo}#{issue['number']}"] = issue["title"] + "\n" + issue["body"]
            for comment in fake.repo(repo).comments.get(issue["number"], []):
                texts[f"{repo}#{issue['number']} comment"] = comment["body"]
    for where, text in texts.items():
        for name in PRIVATE_NAMES:
            assert name not in text, f"{name!r} in {where}"
    if target == "per-repo":  # the private repositories themselves get the whole story
        private_issues = [i for name in private for i in fake.repo(name).issues.values()]
        assert private_issues and any("secret-billing" in i["body"] for i in private_issues)
    elif mode == "redact":
        assert fake.repo(HUB).issues and all("private" in i["body"] for i in fake.repo(HUB).issues.values())
    else:
        assert not fake.repo(HUB).issues and "not posted" in result.summary


def test_two_runs_at_once_leave_one_open_issue_per_pattern(fake: FakeGitHub, tmp_path: Path) -> None:
    repos = ["acme/api", "acme/web", "acme/jobs"]
    seed_copies(fake, repos)
    spaces = [workspace(tmp_path / name, repos) for name in ("schedule", "manual")]
    with ThreadPoolExecutor(2) as pool:  # two runners, each with its own workspace and cache
        runs = list(pool.map(lambda k: run_action(fake, spaces[k], k + 1), (0, 1)))
    assert [r.code for r in runs] == [0, 0], [r.stdout for r in runs]
    open_ids = [parse_marker(i["body"]).id for i in hub_issues(fake) if i["state"] == "open"]
    assert open_ids and len(open_ids) == len(set(open_ids)), open_ids
    expected = {p["id"] for p in json.loads((spaces[0] / runs[0].outputs["report-path"]).read_text())["patterns"]}
    assert set(open_ids) == expected
    fake.clear_requests()
    again = run_action(fake, spaces[0], 3)
    assert again.code == 0 and writes(fake) == []


def test_two_action_steps_in_one_workflow_run(fake: FakeGitHub, tmp_path: Path) -> None:
    """Two steps of one job (one run id and attempt) share the workspace and its cache: both are recorded."""
    repos = ["acme/api", "acme/web"]
    seed_copies(fake, repos)
    ws = workspace(tmp_path, repos)
    first = run_action(fake, ws, 1, step="mine")
    second = run_action(fake, ws, 1, step="mine_2", runner_dir="runner-1b")
    same = run_action(fake, ws, 1, step="mine_2", runner_dir="runner-1c")  # even the same step id
    assert [first.code, second.code, same.code] == [0, 0, 0], second.stdout + same.stdout
    assert "already recorded" not in second.stdout + same.stdout


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("min_similarity", "1.5", "input min-similarity must be between 0 and 1, got 1.5"),
    ("min_similarity", "-0.1", "input min-similarity must be between 0 and 1, got -0.1"),
    ("max_issues", "-3", "input max-issues must be at least 0, got -3"),
    ("max_model_calls", "-1", "input max-model-calls must be at least 0, got -1"),
])
def test_out_of_range_inputs_are_one_error(fake: FakeGitHub, tmp_path: Path, name: str, value: str,
                                           expected: str) -> None:
    result = run_action(fake, workspace(tmp_path, ["acme/api"]), 1, **{name: value})
    assert result.code == 1 and _errors(result) == [f"::error::{expected}"], result.stdout


def test_a_secret_echoed_by_an_api_is_in_no_output(fake: FakeGitHub, tmp_path: Path) -> None:
    token = "ghp_S3cr3tT0kenEchoedByTheApi"
    fake.add_token(token, fake.login)
    seed_copies(fake, ["acme/api", "acme/web"])
    fake.add_repo("acme/odd", {"deploy.sh": DEPLOY})
    fake.fail("GET", "/repos/acme/odd(/.*)?", 403, times=20, body={"message": f"token {token} may not read this"})
    fake.fail("POST", r"/repos/acme/hub/issues", 422, body={"message": f"Validation Failed for {token}"})
    ws = workspace(tmp_path, ["acme/api", "acme/web", "acme/odd"])
    result = run_action(fake, ws, 1, github_token=token)
    report = (ws / result.outputs["report-path"]).read_text()
    assert "may not read this" in result.summary + report and "Request GET" not in result.stdout
    log = "\n".join(line for line in result.stdout.splitlines() if not line.startswith("::add-mask::"))
    for where, text in (("log", log), ("summary", result.summary), ("report", report)):
        assert token not in text, where


def test_a_rate_limit_on_creating_issues_leaves_the_rest_for_the_next_run(fake: FakeGitHub, tmp_path: Path) -> None:
    repos = ["acme/api", "acme/web"]
    seed_copies(fake, repos)
    ws = workspace(tmp_path, repos)
    fake.secondary_rate_limit("POST", r"/repos/acme/hub/issues", retry_after=60)
    first = run_action(fake, ws, 1)
    assert first.code == 0 and _errors(first) == [], first.stdout
    assert "left for the next run" in first.summary and "403" not in first.summary
    assert hub_issues(fake) == [] and int(first.outputs["would-create"]) >= 2
    second = run_action(fake, ws, 2)
    assert second.code == 0 and int(second.outputs["issues-created"]) == int(first.outputs["would-create"])
    assert len({parse_marker(i["body"]).id for i in hub_issues(fake)}) == len(hub_issues(fake))


def test_twelve_repositories_cost_few_requests_each(fake: FakeGitHub, tmp_path: Path) -> None:
    """A first run reads each repository's archive (not every blob); an unchanged re-run asks for each
    repository's branch and little else."""
    repos = [f"acme/svc-{i:02d}" for i in range(12)]
    for n, name in enumerate(repos):
        files = {f"src/module_{k}.py": f"def handler_{k}(event):\n    return {{'n': {n * 100 + k}}}\n" for k in range(36)}
        files.update({"deploy.sh": DEPLOY, "Dockerfile": DOCKERFILE, "src/__init__.py": ""})
        fake.add_repo(name, files)
    ws = workspace(tmp_path, repos)
    fake.clear_requests()
    first = run_action(fake, ws, 1)
    assert first.code == 0 and first.outputs["repositories-scanned"] == "12", first.stdout
    assert len(fake.requests) <= 5 * 12, len(fake.requests)
    assert not fake.requests_to("GET", r"/repos/[^/]+/[^/]+/git/blobs/.+")
    fake.clear_requests()
    second = run_action(fake, ws, 2)
    assert second.code == 0 and writes(fake) == []
    assert len(fake.requests) <= 1.5 * 12, [f"{r.method} {r.path}" for r in fake.requests]


def test_lost_response_on_create_makes_no_duplicate(fake: FakeGitHub, tmp_path: Path) -> None:
    repos = ["acme/api", "acme/web"]
    seed_copies(fake, repos)
    fake.fail("POST", r"/repos/acme/hub/issues", 502, after_effect=True)
    result = run_action(fake, workspace(tmp_path, repos), 1)
    assert result.code == 0, result.stdout
    ids = [parse_marker(i["body"]).id for i in hub_issues(fake)]
    assert len(ids) == len(set(ids)) == int(result.outputs["issues-created"]) >= 2
    posts = fake.requests_to("POST", r"/repos/acme/hub/issues")
    [board] = dashboards(fake)  # opened after the issues, once
    assert len([r for r in posts if r.body["title"] != board["title"]]) == len(ids)  # the lost one was not re-sent
    assert "::warning::creating the issue" in result.stdout


def test_dry_run_writes_nothing_and_still_reports(fake: FakeGitHub, tmp_path: Path) -> None:
    repos = ["acme/api", "acme/web"]
    seed_copies(fake, repos)
    result = run_action(fake, workspace(tmp_path, repos), 1, dry_run="true")
    assert result.code == 0, result.stdout
    assert writes(fake) == [] and hub_issues(fake) == []
    assert result.outputs["issues-created"] == "0" and int(result.outputs["extraction-opportunities"]) >= 2
    assert int(result.outputs["would-create"]) == int(result.outputs["extraction-opportunities"])
    assert (result.outputs["would-update"], result.outputs["would-close"]) == ("0", "0")
    real = run_action(fake, workspace(tmp_path, repos), 2)  # the real run does what the dry run said
    assert real.outputs["issues-created"] == real.outputs["would-create"] == result.outputs["would-create"]
    assert "dry run" in result.summary and "Issues this run would write" in result.summary
    assert result.summary.count("<!-- pattern-miner:id=") == int(result.outputs["extraction-opportunities"])


def test_failing_repositories_do_not_stop_the_others_and_private_code_stays_out(fake: FakeGitHub, tmp_path: Path) -> None:
    seed_copies(fake, ["acme/api", "acme/web", "acme/busy"])
    seed_copies(fake, ["acme/secret-billing"], private=True)
    fake.primary_rate_limit("GET", "/repos/acme/busy/branches/main", reset_in=3600, times=10)
    repos = ["acme/api", "acme/gone", "acme/busy", "acme/secret-billing", "acme/web"]
    result = run_action(fake, workspace(tmp_path, repos), 1)
    assert result.code == 0, result.stdout
    assert result.outputs["repositories-scanned"] == "3"
    assert int(result.outputs["issues-created"]) >= 2
    for issue in hub_issues(fake):
        assert "secret-billing" not in issue["body"] + issue["title"]
        assert "--platform managed" not in issue["body"] and "```" not in issue["body"]
    assert "acme/gone" in result.summary and "acme/busy" in result.summary
    assert "secret-billing" not in result.summary and "::warning::" in result.stdout


def test_bad_input_fails_with_an_error_annotation(fake: FakeGitHub, tmp_path: Path) -> None:
    result = run_action(fake, workspace(tmp_path, ["acme/api"]), 1, dry_run="maybe")
    assert result.code == 1
    assert "::error::input dry-run must be true or false" in result.stdout
    assert "Traceback" not in result.stdout and "❌" in result.summary


def _errors(run: Run) -> list[str]:
    return [line for line in run.stdout.splitlines() if line.startswith("::error")]


@pytest.mark.parametrize("case", ["bad token", "other 401", "filter matches nothing", "every repo fails",
                                  "api unreachable", "issue repo missing", "issues disabled"])
def test_a_run_that_can_do_nothing_fails_loudly(fake: FakeGitHub, tmp_path: Path, case: str) -> None:
    repos = ["acme/api", "acme/web"]
    seed_copies(fake, repos)
    ws = workspace(tmp_path, repos if case != "every repo fails" else ["acme/gone", "acme/lost"])
    inputs: dict[str, str] = {}
    if case == "bad token":
        inputs["github_token"] = "not-a-token"
    elif case == "other 401":
        fake.fail("GET", r"/repos/acme/.*", 401, times=50, body={"message": "Requires authentication"})
    elif case == "filter matches nothing":
        inputs["repos"] = "acme/nope"
    elif case == "issue repo missing":
        inputs["issue_repo"] = "acme/no-such-repo"
    elif case == "issues disabled":
        fake.repo(HUB).has_issues = False
    api_url = None
    if case == "api unreachable":
        api_url = fake.url
        fake.stop()  # the port is closed now: nothing answers
    result = run_action(fake, ws, 1, api_url, **inputs)
    assert result.code != 0, result.stdout
    assert len(_errors(result)) == 1, result.stdout
    assert "Traceback" not in result.stdout and "❌" in result.summary
    expected = {"bad token": "rejected the token", "other 401": "Requires authentication",
                "filter matches nothing": "matches none", "every repo fails": "no repository could be scanned",
                "api unreachable": "cannot reach", "issue repo missing": "acme/no-such-repo",
                "issues disabled": "issues are disabled"}[case]
    assert expected in _errors(result)[0], _errors(result)
    if case != "api unreachable":
        assert writes(fake) == []


def test_dockerfile_and_action_yml_agree_with_the_entrypoint() -> None:
    # the installed console script, by absolute path: `python -m` would import the workspace's package
    assert dockerfile_entrypoint() == ["/usr/local/bin/pattern-miner", "action"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"pattern-miner": "pattern_miner.main:main"}
    [installed] = entry_points(group="console_scripts", name="pattern-miner")
    assert installed.value == "pattern_miner.main:main" and installed.dist and installed.dist.name == "pattern-miner"
    meta = load_yaml(ROOT / "action.yml")
    # the image the release workflow publishes for this version, pulled instead of built on every run
    assert meta["runs"] == {"using": "docker", "image": f"docker://ghcr.io/patelmm79/pattern-miner:{__version__}"}
    assert version("pattern-miner") == __version__  # pyproject reads it from __init__.py
    assert set(meta["branding"]) == {"icon", "color"}
    assert tuple(meta["inputs"]) == settings.INPUTS  # every input is a setting, read from the one table
    assert tuple(meta["outputs"]) == action.OUTPUTS
    for option in settings.OPTIONS:  # and action.yml's defaults are the table's
        if option.input:
            assert meta["inputs"][option.input].get("default", "") == option.input_default, option.input
    assert meta["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert meta["inputs"]["config"]["default"] == settings.DEFAULT_CONFIG
    assert meta["inputs"]["dry-run"]["default"] == "false"


def test_workflows_are_valid_and_minimal() -> None:
    example = load_yaml(ROOT / "examples" / "workflows" / "pattern-miner.yml")
    assert example["permissions"] == {"contents": "read", "issues": "write"}
    assert "schedule" in example["on"] and "workflow_dispatch" in example["on"]
    steps = example["jobs"]["mine"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/cache@") for u in uses) and any("pattern-miner@" in u for u in uses)
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == load_yaml(ROOT / "action.yml")["inputs"]["cache-dir"]["default"]
    ci = load_yaml(ROOT / ".github" / "workflows" / "ci.yml")
    assert ci["permissions"] == {"contents": "read"}
    test_runs = [s.get("run", "") for s in ci["jobs"]["test"]["steps"]]
    assert any("pytest" in r for r in test_runs) and any("ruff check src tests" in r for r in test_runs)
    [install] = [r for r in test_runs if "pip install" in r]
    assert not re.search(r"\s(-e|--editable)\s", install)  # the tests import the installed package
    image = ci["jobs"]["image"]["steps"]
    runs = "\n".join(s.get("run", "") for s in image)
    assert runs.count("docker build") == 1 and "tests.e2e.run_action_image --docker" in runs
    assert "./" not in [s.get("uses") for s in image]  # `uses: ./` would pull the image of a release
