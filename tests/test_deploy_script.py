"""deploy-gcp.sh, run for real with a fake ``gcloud`` first on PATH that records its arguments and stdin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy-gcp.sh"
URL = "https://pattern-miner-abc123-uc.a.run.app"

FAKE_GCLOUD = f"""#!{sys.executable}
import json, os, sys
args = sys.argv[1:]
stdin = sys.stdin.read() if "--data-file=-" in args else None
with open(os.environ["FAKE_GCLOUD_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "stdin": stdin}}) + "\\n")
fail = os.environ.get("FAKE_GCLOUD_FAIL")
if fail and fail in " ".join(args):
    sys.stderr.write("ERROR: (gcloud) simulated failure\\n")
    sys.exit(1)
existing = set(filter(None, os.environ.get("FAKE_GCLOUD_EXISTING", "").split(",")))
if args[:3] == ["run", "services", "describe"]:
    print("{URL}")
elif "describe" in args and args[0] not in existing and " ".join(args[:2]) not in existing:
    sys.stderr.write("ERROR: (gcloud) NOT_FOUND: resource not found\\n")
    sys.exit(1)
"""


class Deploy:
    def __init__(self, tmp: Path) -> None:
        self.dir = tmp / "checkout"
        (self.dir / "config").mkdir(parents=True)
        shutil.copy(SCRIPT, self.dir / "deploy-gcp.sh")
        (self.dir / "config" / "repositories.json").write_text('{"repositories": [{"repo": "o/a"}]}')
        (self.dir / "Dockerfile").write_text("FROM python:3.11-slim\n")
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        gcloud = bin_dir / "gcloud"
        gcloud.write_text(FAKE_GCLOUD)
        gcloud.chmod(0o755)
        self.log = tmp / "gcloud.log"
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(tmp),
            "FAKE_GCLOUD_LOG": str(self.log),
            "GCP_PROJECT_ID": "my-proj",
            "GITHUB_TOKEN": "ghp_SECRET_GITHUB",
            "ANTHROPIC_API_KEY": "sk-ant-SECRET_ANTHROPIC",
            "DEV_NEXUS_URL": "https://dev-nexus-xyz.run.app",
            "ISSUE_REPO": "acme/platform",
            "IMAGE_TAG": "v1",
        }

    def __call__(self, *flags: str, **env: str | None) -> subprocess.CompletedProcess[str]:
        full = {**self.env, **env}
        full = {k: v for k, v in full.items() if v is not None}
        return subprocess.run(
            ["bash", str(self.dir / "deploy-gcp.sh"), *flags],
            env=full,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def find(self, *prefix: str) -> list[list[str]]:
        return [c["args"] for c in self.calls() if c["args"][: len(prefix)] == list(prefix)]


def flag(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


@pytest.fixture
def deploy(tmp_path: Path) -> Deploy:
    return Deploy(tmp_path)


def test_fresh_project_builds_pushes_deploys_and_schedules(deploy: Deploy) -> None:
    proc = deploy()
    assert proc.returncode == 0, proc.stderr
    calls = [c["args"] for c in deploy.calls()]
    order = [" ".join(c[:2]) for c in calls]
    assert order.index("services enable") < order.index("builds submit") < order.index("run deploy")
    assert order.index("run deploy") < order.index("scheduler jobs")

    image = "us-central1-docker.pkg.dev/my-proj/pattern-miner/pattern-miner:v1"
    assert deploy.find("artifacts", "repositories", "create")[0][3] == "pattern-miner"
    assert flag(deploy.find("builds", "submit")[0], "--tag") == image
    assert {c[3] for c in deploy.find("iam", "service-accounts", "create")} == {
        "pattern-miner-run",
        "pattern-miner-invoker",
    }

    run = deploy.find("run", "deploy")[0]
    assert run[2] == "pattern-miner" and flag(run, "--image") == image
    assert "--no-allow-unauthenticated" in run and "--allow-unauthenticated" not in run
    assert flag(run, "--service-account") == "pattern-miner-run@my-proj.iam.gserviceaccount.com"
    assert flag(run, "--command") == "uvicorn" and flag(run, "--args").startswith("pattern_miner.app:app,")
    secrets = flag(run, "--set-secrets").split(",")
    assert "GITHUB_TOKEN=pattern-miner-github-token:latest" in secrets
    assert "ANTHROPIC_API_KEY=pattern-miner-anthropic-api-key:latest" in secrets
    assert "/etc/pattern-miner/repositories.json=pattern-miner-config:latest" in secrets
    env = dict(kv.split("=", 1) for kv in flag(run, "--set-env-vars").split(","))
    assert env["DEV_NEXUS_URL"] == "https://dev-nexus-xyz.run.app" and env["ISSUE_REPO"] == "acme/platform"
    assert env["CONFIG"] == "/etc/pattern-miner/repositories.json"

    # secret values travel on stdin only
    created = {c["args"][2]: c["stdin"] for c in deploy.calls() if c["args"][:2] == ["secrets", "create"]}
    assert created["pattern-miner-github-token"] == "ghp_SECRET_GITHUB"
    assert created["pattern-miner-anthropic-api-key"] == "sk-ant-SECRET_ANTHROPIC"
    everything = json.dumps([c["args"] for c in deploy.calls()]) + proc.stdout + proc.stderr
    assert "SECRET_GITHUB" not in everything and "SECRET_ANTHROPIC" not in everything
    bindings = deploy.find("secrets", "add-iam-policy-binding")
    assert {b[2] for b in bindings} == {
        "pattern-miner-github-token",
        "pattern-miner-anthropic-api-key",
        "pattern-miner-config",
    }
    assert all(flag(b, "--role") == "roles/secretmanager.secretAccessor" for b in bindings)

    invoker = deploy.find("run", "services", "add-iam-policy-binding")[0]
    assert flag(invoker, "--member") == "serviceAccount:pattern-miner-invoker@my-proj.iam.gserviceaccount.com"
    assert flag(invoker, "--role") == "roles/run.invoker"
    job = deploy.find("scheduler", "jobs", "create", "http")[0]
    assert job[4] == "pattern-miner-weekly"
    assert flag(job, "--uri") == f"{URL}/api/mine-patterns" and flag(job, "--http-method") == "POST"
    assert flag(job, "--schedule") == "0 9 * * 1"
    assert (
        flag(job, "--oidc-service-account-email") == "pattern-miner-invoker@my-proj.iam.gserviceaccount.com"
    )
    assert flag(job, "--oidc-token-audience") == URL
    assert URL in proc.stdout


def test_redeploy_updates_existing_resources(deploy: Deploy) -> None:
    existing = "secrets,artifacts,iam,scheduler"
    proc = deploy(FAKE_GCLOUD_EXISTING=existing, ANTHROPIC_API_KEY=None)
    assert proc.returncode == 0, proc.stderr
    assert deploy.find("secrets", "create") == []
    added = {
        c["args"][3]: c["stdin"] for c in deploy.calls() if c["args"][:3] == ["secrets", "versions", "add"]
    }
    assert added["pattern-miner-github-token"] == "ghp_SECRET_GITHUB"
    assert "pattern-miner-anthropic-api-key" not in added  # unset: the existing secret is kept and used
    assert "ANTHROPIC_API_KEY=pattern-miner-anthropic-api-key:latest" in flag(
        deploy.find("run", "deploy")[0], "--set-secrets"
    )
    assert deploy.find("artifacts", "repositories", "create") == []
    assert deploy.find("iam", "service-accounts", "create") == []
    assert (
        deploy.find("scheduler", "jobs", "create") == []
        and len(deploy.find("scheduler", "jobs", "update")) == 1
    )


def test_options(deploy: Deploy) -> None:
    assert deploy("--allow-unauthenticated", "--no-schedule").returncode == 0
    run = deploy.find("run", "deploy")[0]
    assert "--allow-unauthenticated" in run and "--no-allow-unauthenticated" not in run
    assert deploy.find("scheduler") == []
    assert flag(run, "--set-secrets").count("ANTHROPIC") == 1


def test_without_anthropic_key_the_offline_advisor_is_used(deploy: Deploy) -> None:
    proc = deploy(ANTHROPIC_API_KEY=None)
    assert proc.returncode == 0, proc.stderr
    assert "offline advisor" in proc.stdout
    assert "ANTHROPIC" not in flag(deploy.find("run", "deploy")[0], "--set-secrets")


def test_dry_run_prints_commands_and_runs_nothing(deploy: Deploy) -> None:
    proc = deploy("--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert deploy.calls() == []
    lines = [line for line in proc.stdout.splitlines() if line.startswith("+ gcloud")]
    assert any(line.startswith("+ gcloud run deploy pattern-miner ") for line in lines)
    assert any(line.startswith("+ gcloud scheduler jobs create http ") for line in lines)
    assert any(line.startswith("+ gcloud secrets create pattern-miner-github-token ") for line in lines)
    assert "SECRET_GITHUB" not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("env", "flags", "message"),
    [
        ({"GCP_PROJECT_ID": None}, (), "GCP_PROJECT_ID is not set"),
        (
            {"GITHUB_TOKEN": None},
            (),
            "GITHUB_TOKEN is not set and secret pattern-miner-github-token does not exist",
        ),
        ({}, ("--bogus",), "unknown option: --bogus"),
        ({"CONFIG_FILE": "/nonexistent.json"}, (), "config file /nonexistent.json not found"),
    ],
)
def test_refuses_what_cannot_work(
    deploy: Deploy, env: dict[str, str | None], flags: tuple[str, ...], message: str
) -> None:
    proc = deploy(*flags, **env)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert deploy.find("run", "deploy") == []


def test_a_failing_step_stops_the_deploy(deploy: Deploy) -> None:
    proc = deploy(FAKE_GCLOUD_FAIL="builds submit")
    assert proc.returncode != 0
    assert "simulated failure" in proc.stderr
    assert deploy.find("run", "deploy") == [] and deploy.find("scheduler") == []


def test_help(deploy: Deploy) -> None:
    proc = deploy("--help")
    assert proc.returncode == 0 and "./deploy-gcp.sh [--dry-run]" in proc.stdout


def test_shellcheck_clean() -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not on PATH (apt-get install shellcheck)")
    proc = subprocess.run(["shellcheck", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout
