from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from pattern_miner.advise.settings import AdviceResult
from pattern_miner.app import MAX_BODY_BYTES, MAX_RUNS_LIMIT, MineRequest, ServiceSettings, create_app
from pattern_miner.console import Console
from pattern_miner.effects import Committed
from pattern_miner.errors import ConfigError
from pattern_miner.model import Occurrence, Pattern, RepoInfo, ScanReport
from pattern_miner.pipeline import RunResult
from pattern_miner.publish.units import as_pattern, published
from pattern_miner.publish.write import EnsureResult
from pattern_miner.settings import Settings, from_service
from pattern_miner.state import StateStore
from tests.fakes.devnexus import FakeDevNexus
from tests.fakes.github import FakeGitHub

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, in a thread."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def wait_for_run(http: httpx.Client, run_id: str) -> dict[str, Any]:
    for _ in range(1000):
        body = http.get(f"/api/runs/{run_id}").json()
        if body["status"] != "running":
            return body
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} never finished")


def make_pattern(pid: str, repos: list[str], ptype: str = "deployment") -> Pattern:
    occ = tuple(
        Occurrence(repo=r, path="deploy.sh", start_line=1, end_line=12, text="echo secret") for r in repos
    )
    return Pattern(
        id=pid,
        pattern_type=ptype,
        kind="file",
        language="bash",
        title=f"{pid} script",
        similarity=0.9,
        confidence="High",
        score=2.0,
        lines=12,
        occurrences=occ,
    )


class FakeMiner:
    """Stands in for pattern_miner.mine.run_mining: a real ScanReport, recorded in the state like mine.py does."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.settings: list[Any] = []
        self.gate: threading.Event | None = None
        self.error: Exception | None = None

    def factory(self, request: MineRequest, run_id: str) -> Settings:
        return Settings(run_id=run_id, pattern_type=request.pattern_type, repos=tuple(request.repos or ()),
                        dry_run=request.dry_run)  # type: ignore[arg-type]

    def __call__(self, settings: Any, console: Console) -> Any:
        self.settings.append(settings)
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        console.warn("dev-nexus: not configured")
        report = ScanReport(
            patterns=(
                make_pattern("p1", ["o/a", "o/b", "o/c"]),
                make_pattern("d1", ["o/a", "o/b"], "docker"),
            ),
            repositories=tuple(RepoInfo(n) for n in ("o/a", "o/b", "o/c")),
        )
        opportunities = published(report)
        seen = [(as_pattern(o), tuple(p.id for p in o.patterns), o.to_dict()) for o in opportunities]
        history = self.store.record_run(report, run_id=settings.run_id or "r", when=datetime.now(UTC),
                                        opportunities=seen)
        issues = EnsureResult(dry_run=bool(settings.dry_run), counts={"created": 2})
        return RunResult(settings=settings, report=report, advice=AdviceResult({}), history=history, specs=[],
                         existing=[], committed=Committed(issues=issues), opportunities=opportunities)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[FakeMiner, Callable[..., FastAPI]]]:
    state = tmp_path / "cache" / "state.sqlite3"
    miner = FakeMiner(StateStore(state))

    def make(env: dict[str, str] | None = None) -> FastAPI:
        env = {"CONFIG": str(tmp_path / "missing.json"), **(env or {})}
        return create_app(miner, miner.factory, state, env=env)

    yield miner, make


def test_wait_true_returns_the_seed_shape_and_patterns_are_served(setup: Any) -> None:
    miner, make = setup
    with serve(make()) as url, httpx.Client(base_url=url) as http:
        resp = http.post("/api/mine-patterns", params={"wait": "true"})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["status"] == "completed"
        assert (body["repositories_scanned"], body["patterns_found"], body["extraction_opportunities"]) == (
            3,
            2,
            2,
        )
        assert body["issues"] == {"created": 2}
        assert body["changes"] == {"new": 2}
        assert body["warnings"] == ["dev-nexus: not configured"]

        all_patterns = http.get("/api/patterns").json()
        assert all_patterns["total"] == 2
        assert {p["id"] for p in all_patterns["patterns"]} == {"p1", "d1"}
        p1 = next(p for p in all_patterns["patterns"] if p["id"] == "p1")
        assert p1["similarity"] == 0.9 and p1["status"] == "new" and p1["repo_count"] == 3
        assert "text" not in p1["occurrences"][0]  # code is never served

        ranked = http.get("/api/opportunities").json()
        assert ranked["total"] == 2 and [o["rank"] for o in ranked["opportunities"]] == [1, 2]
        first = ranked["opportunities"][0]
        assert (first["kind"], first["parts"], first["status"]) == ("single", [first["id"]], "new")
        assert first["id"] in {"p1", "d1"} and "text" not in first["occurrences"][0]  # code is never served

        deploy = http.get("/api/patterns/deployment").json()
        assert [p["id"] for p in deploy["patterns"]] == ["p1"]
        assert http.get("/api/patterns/terraform").json()["total"] == 0  # a built-in type, nothing found
        missing = http.get("/api/patterns/no-such-type")
        assert missing.status_code == 404 and "unknown pattern type" in missing.json()["detail"]

        run = http.get(f"/api/runs/{body['run_id']}").json()
        assert run["status"] == "completed" and run["patterns_found"] == 2
        assert http.get("/api/runs/nope").status_code == 404
        assert http.get("/api/runs").json()["runs"][0]["run_id"] == body["run_id"]
        assert http.get("/health").json()["status"] == "healthy"

    # a restarted service still knows the run and the patterns, from the state store
    with serve(make()) as url, httpx.Client(base_url=url) as http:
        assert http.get(f"/api/runs/{body['run_id']}").json()["changes"] == {"new": 2}
        assert http.get("/api/patterns").json()["total"] == 2
        assert http.get("/api/opportunities").json()["total"] == 2


def test_background_run_202_then_409_while_running(setup: Any) -> None:
    miner, make = setup
    miner.gate = threading.Event()
    with serve(make()) as url, httpx.Client(base_url=url) as http:
        resp = http.post("/api/mine-patterns")
        assert resp.status_code == 202
        started = resp.json()
        assert started["status"] == "mining_started" and resp.headers["Location"] == started["status_url"]
        assert http.get(started["status_url"]).json()["status"] == "running"
        assert http.get("/health").json()["mining"] == started["run_id"]
        busy = http.post("/api/mine-patterns", params={"wait": "true"})
        assert busy.status_code == 409 and busy.json()["detail"]["run_id"] == started["run_id"]
        miner.gate.set()
        done = wait_for_run(http, started["run_id"])
        assert done["status"] == "completed" and done["extraction_opportunities"] == 2
        assert http.post("/api/mine-patterns", params={"wait": "1"}).status_code == 200  # free again


def test_query_parameters_and_json_body(setup: Any) -> None:
    miner, make = setup
    with serve(make()) as url, httpx.Client(base_url=url) as http:
        http.post(
            "/api/mine-patterns", params={"pattern_type": "deployment", "repos": "o/a, o/b", "wait": "true"}
        )
        http.post(
            "/api/mine-patterns",
            json={"pattern_type": "docker", "repos": ["o/c"], "wait": True, "dry_run": True},
        )
        got = [(s.pattern_type, s.repos, s.dry_run) for s in miner.settings]
        assert got == [("deployment", ("o/a", "o/b"), None), ("docker", ("o/c",), True)]
        assert http.post("/api/mine-patterns", json={"pattern_type": "nope"}).status_code == 422
        assert http.post("/api/mine-patterns", json={"colour": "red"}).status_code == 422
        assert http.post("/api/mine-patterns", content=b"[1, 2]").status_code == 422
        assert http.post("/api/mine-patterns", content=b"not json").status_code == 422
        assert len(miner.settings) == 2


def test_request_size_and_shape_are_bounded(setup: Any) -> None:
    """An authenticated caller cannot make the service buffer a huge body, nor answer 500 to a deep one."""
    miner, make = setup
    auth = {"Authorization": "Bearer s3cret"}
    with serve(make({"API_TOKEN": "s3cret"})) as url, httpx.Client(base_url=url, headers=auth) as http:
        # a declared Content-Length over the limit: 413 before the body is read
        big = http.post("/api/mine-patterns", content=b'{"repos": "' + b"a" * (MAX_BODY_BYTES + 1) + b'"}')
        assert big.status_code == 413 and "larger than" in big.json()["detail"]
        # a chunked body (no Content-Length) of 200 MB: reading stops past the limit
        sent = 0

        def chunks() -> Iterator[bytes]:
            nonlocal sent
            for _ in range(200):
                sent += 1 << 20
                yield b" " * (1 << 20)

        streamed = http.post("/api/mine-patterns", content=chunks())
        assert streamed.status_code == 413 and "larger than" in streamed.json()["detail"]
        assert sent < 100 << 20  # the upload was cut short, not read to its end
        # nested deeper than json can recurse: a 4xx with a clear message, not 500
        deep = http.post("/api/mine-patterns", content=b"[" * 50_000 + b"]" * 50_000)
        assert deep.status_code == 422 and deep.json()["detail"] == "the request body is nested too deeply"
        nested = http.post("/api/mine-patterns", content=b'{"repos": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
        assert nested.status_code == 422
        # a limit the state store cannot take, or that is no integer: 422 saying what is allowed
        for limit in ("100000000000000000000", "1e20", "abc", "-1"):
            resp = http.get("/api/runs", params={"limit": limit})
            assert resp.status_code == 422, (limit, resp.text)
            assert resp.json()["detail"][0]["loc"] == ["query", "limit"]
        assert http.get("/api/runs", params={"limit": MAX_RUNS_LIMIT}).status_code == 200
    assert miner.settings == []


def test_failed_runs_are_reported(setup: Any) -> None:
    miner, make = setup
    miner.error = ConfigError("config/repositories.json: no such file")
    with serve(make()) as url, httpx.Client(base_url=url) as http:
        resp = http.post("/api/mine-patterns", params={"wait": "true"})
        assert resp.status_code == 500
        assert resp.json()["status"] == "failed"
        assert resp.json()["error"] == "config/repositories.json: no such file"
        miner.error = KeyError("boom")
        started = http.post("/api/mine-patterns").json()
        failed = wait_for_run(http, started["run_id"])
        assert failed["status"] == "failed" and failed["error"].startswith("internal error: KeyError")
        assert http.post("/api/mine-patterns", params={"wait": "true"}).status_code == 500  # lock released


def test_bearer_token_auth(setup: Any) -> None:
    miner, make = setup
    with serve(make({"API_TOKEN": "s3cret"})) as url, httpx.Client(base_url=url) as http:
        assert http.get("/health").status_code == 200
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
            resp = http.post("/api/mine-patterns", headers=headers)
            assert resp.status_code == 401 and resp.headers["WWW-Authenticate"] == "Bearer"
            assert http.get("/api/patterns", headers=headers).status_code == 401
        ok = http.post(
            "/api/mine-patterns", params={"wait": "true"}, headers={"Authorization": "Bearer s3cret"}
        )
        assert ok.status_code == 200
        assert len(miner.settings) == 1


def test_pattern_types_come_from_the_config(setup: Any, tmp_path: Path) -> None:
    miner, _ = setup
    config = tmp_path / "repositories.json"
    config.write_text(
        json.dumps(
            {
                "repositories": [{"repo": "o/a"}],
                "pattern_types": {"helm": {"file_patterns": ["charts/**/*.yaml"]}},
            }
        )
    )
    app = create_app(miner, miner.factory, tmp_path / "state.sqlite3", env={"CONFIG": str(config)})
    with serve(app) as url, httpx.Client(base_url=url) as http:
        assert http.get("/api/patterns/helm").json() == {"pattern_type": "helm", "total": 0, "patterns": []}
        config.write_text("{broken")
        assert http.get("/api/patterns/helm").status_code == 500


def test_service_settings_from_env(tmp_path: Path) -> None:
    config = tmp_path / "repositories.json"
    config.write_text(json.dumps({"repositories": [{"repo": "o/a"}]}))
    env = {"GITHUB_TOKEN": " ghp_x ", "CACHE_DIR": str(tmp_path), "DRY_RUN": "true", "CONFIG": str(config),
           "DEV_NEXUS_URL": "https://nexus.run.app", "API_TOKEN": "s3cret"}
    s = ServiceSettings.from_env(env)
    assert s.cache_dir == tmp_path and s.config_path == config and s.api_token == "s3cret"
    assert ServiceSettings.from_env({}).config_path == Path("config/repositories.json")
    job = from_service(env, run_id="r1", pattern_type="docker")
    assert (job.token, job.dry_run, job.source, job.cache_dir) == ("ghp_x", True, "github", str(tmp_path))
    assert (job.dev_nexus_url, job.pattern_type, job.run_id) == ("https://nexus.run.app", "docker", "r1")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_seed_curl_command_works(setup: Any) -> None:
    miner, make = setup
    with serve(make()) as url:
        out = subprocess.run(
            ["curl", "-sS", "-X", "POST", f"{url}/api/mine-patterns"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        body = json.loads(out.stdout)
        assert body["status"] == "mining_started"
        with httpx.Client(base_url=url) as http:
            assert wait_for_run(http, body["run_id"])["status"] == "completed"


DEPLOY_SH = """#!/usr/bin/env bash
set -euo pipefail
PROJECT_ID="${GCP_PROJECT_ID:?set GCP_PROJECT_ID}"
REGION="${GCP_REGION:-us-central1}"
SERVICE="NAME"
IMAGE="gcr.io/${PROJECT_ID}/${SERVICE}:latest"
gcloud builds submit --tag "$IMAGE" --project "$PROJECT_ID"
gcloud run deploy "$SERVICE" --image "$IMAGE" --region "$REGION" --project "$PROJECT_ID" \\
  --set-secrets "API_KEY=api-key:latest" --no-allow-unauthenticated
URL=$(gcloud run services describe "$SERVICE" --region "$REGION" --format 'value(status.url)')
echo "deployed to $URL"
"""


def local_tree(root: Path) -> Path:
    """Two local checkouts sharing a deploy script, and a config listing them by path."""
    for name in ("billing", "search"):
        (root / "repos" / name).mkdir(parents=True)
        (root / "repos" / name / "deploy.sh").write_text(DEPLOY_SH.replace("NAME", name))
    (root / "repos" / "search" / "README.md").write_text("# search\n")
    config = root / "config" / "repositories.json"
    config.parent.mkdir()
    config.write_text(
        json.dumps(
            {
                "repositories": [
                    {"repo": "acme/billing", "path": "../repos/billing"},
                    {"repo": "acme/search", "path": "../repos/search"},
                ]
            }
        )
    )
    return config


def test_real_pipeline_end_to_end(tmp_path: Path) -> None:
    config = local_tree(tmp_path)
    app = create_app(env={"CONFIG": str(config), "CACHE_DIR": str(tmp_path / "cache")})
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        body = http.post("/api/mine-patterns", params={"wait": "true"}).json()
        assert body["status"] == "completed", body
        assert body["repositories_scanned"] == 2 and body["patterns_found"] >= 1
        assert body["dry_run"] is True  # no GITHUB_TOKEN: local checkouts, nowhere to publish
        assert body["changes"].get("new", 0) >= 1
        served = http.get("/api/patterns/deployment").json()
        assert served["total"] >= 1
        assert served["patterns"][0]["repos"] == ["local/billing", "local/search"]  # named from the checkouts

        one = http.post("/api/mine-patterns", params={"wait": "true", "repos": "acme/search"}).json()
        assert (
            one["status"] == "completed" and one["repositories_scanned"] == 1 and one["patterns_found"] == 0
        )
        none = http.post("/api/mine-patterns", params={"wait": "true", "repos": "acme/nope"})
        assert none.status_code == 422 and "no repositories[].path" in none.json()["detail"]
        refused = http.post("/api/mine-patterns", params={"wait": "true", "dry_run": "false"})
        assert refused.status_code == 422 and refused.json()["detail"] == "publishing needs GITHUB_TOKEN"
        config.write_text("{broken")  # a broken config: the answer says why, and no run is started
        broken = http.post("/api/mine-patterns")
        assert broken.status_code == 422 and broken.json()["detail"].startswith(f"{config}: not valid JSON")
        assert [r["run_id"] for r in http.get("/api/runs").json()["runs"]] == [one["run_id"], body["run_id"]]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_seed_commands_as_written(tmp_path: Path) -> None:
    """`uvicorn pattern_miner.app:app --port N` in a checkout with config/repositories.json, then the seed's curl."""
    local_tree(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_TOKEN", "ANTHROPIC_API_KEY", "DEV_NEXUS_URL", "API_TOKEN", "CONFIG", "CACHE_DIR")
    }
    uvicorn_bin = Path(sys.executable).parent / "uvicorn"
    server = subprocess.Popen(
        [str(uvicorn_bin), "pattern_miner.app:app", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(300):
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            out = subprocess.run(
                ["curl", "-sS", "-X", "POST", f"http://localhost:{port}/api/mine-patterns"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            )
            body = json.loads(out.stdout)
            assert body["status"] == "mining_started"
            done = wait_for_run(http, body["run_id"])
            assert done["status"] == "completed", done
            assert done["repositories_scanned"] == 2 and done["extraction_opportunities"] >= 1
            assert http.get("/api/patterns").json()["total"] >= 1
        assert (tmp_path / ".pattern-miner-cache").is_dir()  # the CLI's default cache directory
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_readme_service_commands_work_on_the_demo(tmp_path: Path) -> None:
    """The README's service commands, as written, from the checkout: the demo config, no token."""
    readme = (ROOT / "README.md").read_text()
    assert "CONFIG=examples/demo-config.json uvicorn pattern_miner.app:app --port 8081" in readme
    assert "curl -X POST 'http://localhost:8081/api/mine-patterns?wait=true'" in readme
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "API_TOKEN", "CONFIG", "CACHE_DIR")}
    env.update(CONFIG="examples/demo-config.json", CACHE_DIR=str(tmp_path / "cache"))
    server = subprocess.Popen([str(Path(sys.executable).parent / "uvicorn"), "pattern_miner.app:app", "--port",
                               str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            for _ in range(300):
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            out = subprocess.run(["curl", "-sS", "-X", "POST", f"http://localhost:{port}/api/mine-patterns?wait=true"],
                                 capture_output=True, text=True, timeout=120, check=True)
            body = json.loads(out.stdout)
            assert body["status"] == "completed", body
            assert body["repositories_scanned"] == 5 and body["extraction_opportunities"] >= 3
            assert http.get("/api/patterns/deployment").json()["total"] >= 1
    finally:
        server.terminate()
        server.wait(10)


def test_service_publishes_tracks_history_and_feeds_dev_nexus(tmp_path: Path) -> None:
    """Four weekly runs through the service against fake GitHub + fake dev-nexus, the real pipeline between."""
    with FakeGitHub() as gh, FakeDevNexus(tokens=["nx"]) as nexus:
        gh.add_repo("acme/hub", {"README.md": "hub"})
        for name in ("billing", "search"):
            gh.add_repo(f"acme/{name}", {"deploy.sh": DEPLOY_SH.replace("NAME", name), "README.md": name})
        gh.add_repo("acme/jobs", {"README.md": "jobs"})
        config = tmp_path / "repositories.json"
        config.write_text(
            json.dumps({"repositories": [{"repo": f"acme/{n}"} for n in ("billing", "search", "jobs")]})
        )
        env = {
            "CONFIG": str(config),
            "CACHE_DIR": str(tmp_path / "cache"),
            "GITHUB_TOKEN": gh.token,
            "GITHUB_API_URL": gh.url,
            "ISSUE_REPO": "acme/hub",
            "DEV_NEXUS_URL": nexus.url,
            "DEV_NEXUS_TOKEN": "nx",
        }
        with serve(create_app(env=env)) as url, httpx.Client(base_url=url, timeout=60) as http:

            def mine() -> dict[str, Any]:
                body = http.post("/api/mine-patterns", params={"wait": "true"}).json()
                assert body["status"] == "completed", body
                return body

            first = mine()  # new: one issue, one lesson in dev-nexus
            assert first["dry_run"] is False and first["changes"] == {"new": 1}
            assert first["issues"]["created"] == 1 and first["dev_nexus"]["posted"] == 1
            issue, board = gh.repo("acme/hub").issues.values()  # its issue, then the dashboard
            assert issue["state"] == "open" and "pattern-miner:id=dashboard" in board["body"]
            [lesson] = nexus.lessons
            opportunity_id = http.get("/api/opportunities").json()["opportunities"][0]["id"]
            assert f"pattern-miner:{opportunity_id}" in lesson["tags"]  # posted per opportunity

            second = mine()  # unchanged: dev-nexus already knows it, nothing posted again
            assert second["changes"] == {"unchanged": 1}
            assert second["dev_nexus"]["posted"] == 0 and len(nexus.lessons) == 1

            gh.set_file("acme/jobs", "deploy.sh", DEPLOY_SH.replace("NAME", "jobs"))
            third = mine()  # grown: the change is posted
            assert third["changes"] == {"grown": 1} and third["dev_nexus"]["posted"] == 1
            assert "status grown" in nexus.lessons[-1]["context"]
            assert http.get("/api/patterns").json()["patterns"][0]["repo_count"] == 3

            for name in ("billing", "search", "jobs"):
                gh.delete_file(f"acme/{name}", "deploy.sh")
            fourth = mine()  # resolved: the issue is closed
            assert fourth["changes"] == {"resolved": 1}
            assert issue["state"] == "closed"
            assert http.get("/api/patterns").json()["total"] == 0
            assert [r["changes"] for r in http.get("/api/runs").json()["runs"]][:4] == [
                {"resolved": 1},
                {"grown": 1},
                {"unchanged": 1},
                {"new": 1},
            ]

            nexus.stop()  # dev-nexus down: the run still succeeds, with a warning
            gh.set_file("acme/billing", "deploy.sh", DEPLOY_SH.replace("NAME", "billing"))
            gh.set_file("acme/search", "deploy.sh", DEPLOY_SH.replace("NAME", "search"))
            fifth = mine()
            assert fifth["changes"] == {"new": 1}
            assert any("dev-nexus" in w and "unreachable" in w for w in fifth["warnings"])
