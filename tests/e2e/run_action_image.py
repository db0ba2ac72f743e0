"""Runs the Action's entrypoint the way a GitHub runner runs a Docker action, against the GitHub fake.

    python -m tests.e2e.run_action_image --docker IMAGE               # the built image (CI, release)
    python -m tests.e2e.run_action_image -- VENV/bin/pattern-miner action  # a locally installed entrypoint

What the runner gives a Docker action, and nothing else: INPUT_<NAME> for every input in action.yml (its
default, as the runner sends them), the GITHUB_* variables, the workspace mounted at /github/workspace as
the working directory, the file-command files under /github/file_commands, host networking. The
workspace holds the config and a decoy ``pattern_miner/`` package that aborts when imported: the
entrypoint must run the installed package. The fake GitHub (on 127.0.0.1) serves the demo repositories
of examples/repos, which are full of copies; the checks:

1. the run exits 0, its outputs are in $GITHUB_OUTPUT, its summary in $GITHUB_STEP_SUMMARY;
2. every repository was scanned and one issue per opportunity was created in the fake, and one dashboard;
3. a second run on the same workspace (its cache kept) writes nothing to GitHub.

Prints one line per run and ``OK`` (exit 0), or what failed and the action's output (exit 1).
Needs only the standard library and the fake (which imports pytest), not the package.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.fakes.github import FakeGitHub

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "repos"
OWNER = "acme"
HUB = f"{OWNER}/hub"  # the workflow's repository, where the issues go
DECOY = 'raise SystemExit("DECOY: the workspace\'s pattern_miner/ was imported, not the installed package")\n'
# where the runner mounts its directories in the container
MOUNTS = {"workspace": "/github/workspace", "file_commands": "/github/file_commands", "home": "/github/home"}
MAX_ISSUES = 10  # action.yml's max-issues default


def input_defaults(action_yml: str, token: str) -> dict[str, str]:
    """``INPUT_<NAME>`` -> default for every input of action.yml, as the runner sends them."""
    block = action_yml.split("\ninputs:\n", 1)[1].split("\n\n", 1)[0]
    env: dict[str, str] = {}
    name = ""
    for line in block.splitlines():
        if m := re.fullmatch(r"  ([a-z0-9-]+):", line):
            name = m.group(1)
            env[f"INPUT_{name.upper()}"] = ""
        elif m := re.fullmatch(r"    default: (.*)", line):
            value = m.group(1)
            value = json.loads(value) if value.startswith('"') else value
            env[f"INPUT_{name.upper()}"] = token if value == "${{ github.token }}" else value
    return env


def seed(fake: FakeGitHub) -> list[str]:
    fake.add_repo(HUB, {"README.md": "the workflow's repository\n"})
    names = []
    for repo in sorted(p for p in DEMO.iterdir() if p.is_dir()):
        files = {str(f.relative_to(repo)): f.read_bytes() for f in sorted(repo.rglob("*")) if f.is_file()}
        fake.add_repo(f"{OWNER}/{repo.name}", files)
        names.append(f"{OWNER}/{repo.name}")
    return names


def make_dirs(tmp: Path, repos: list[str]) -> dict[str, Path]:
    dirs = {name: tmp / name for name in MOUNTS}
    for path in dirs.values():
        path.mkdir()
    ws = dirs["workspace"]
    (ws / "config").mkdir()
    (ws / "config" / "repositories.json").write_text(json.dumps({"repositories": [{"repo": r} for r in repos]}))
    (ws / "pattern_miner").mkdir()
    (ws / "pattern_miner" / "__init__.py").write_text(DECOY)
    return dirs


def runner_env(fake: FakeGitHub, seen: dict[str, str], n: int) -> dict[str, str]:
    """The environment of run ``n``; ``seen``: the directories as the action sees them."""
    return {
        **input_defaults((ROOT / "action.yml").read_text(), fake.token),
        "HOME": seen["home"],
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": seen["workspace"],
        "GITHUB_OUTPUT": f"{seen['file_commands']}/set_output_{n}",
        "GITHUB_STEP_SUMMARY": f"{seen['file_commands']}/step_summary_{n}",
        "GITHUB_REPOSITORY": HUB,
        "GITHUB_REPOSITORY_OWNER": OWNER,
        "GITHUB_API_URL": fake.url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": str(n),
        "GITHUB_EVENT_NAME": "schedule",
        "RUNNER_OS": "Linux",
    }


def docker_command(image: str, dirs: dict[str, Path], env: dict[str, str]) -> list[str]:
    argv = ["docker", "run", "--rm", "--network", "host", "--workdir", MOUNTS["workspace"]]
    for name, host in dirs.items():
        argv += ["-v", f"{host}:{MOUNTS[name]}"]
    for key, value in env.items():
        argv += ["-e", f"{key}={value}"]
    return [*argv, image]


def parse_output_file(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: ``name<<DELIM`` … ``DELIM``, or ``name=value``."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if "<<" in lines[i]:
            name, delim = lines[i].split("<<", 1)
            end = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        else:
            if "=" in lines[i]:
                name, value = lines[i].split("=", 1)
                out[name] = value
            i += 1
    return out


def run_once(args: argparse.Namespace, fake: FakeGitHub, dirs: dict[str, Path], n: int) -> dict[str, Any]:
    if args.docker:
        env = runner_env(fake, MOUNTS, n)
        argv = docker_command(args.docker, dirs, env)
        proc_env = None  # the docker CLI's own environment; the container gets only the -e variables
        cwd = None
    else:
        env = runner_env(fake, {k: str(v) for k, v in dirs.items()}, n)
        program = args.command[0]  # run from the workspace: a relative path must not change meaning
        argv = [str(Path(program).absolute()) if "/" in program else program, *args.command[1:]]
        proc_env = {**env, "PATH": "/usr/local/bin:/usr/bin:/bin"}
        cwd = dirs["workspace"]
    if n == 1:
        print("$ " + shlex.join(argv))
    fake.clear_requests()
    start = time.monotonic()
    proc = subprocess.run(argv, env=proc_env, cwd=cwd, capture_output=True, text=True, timeout=600)
    output_file = dirs["file_commands"] / f"set_output_{n}"
    summary_file = dirs["file_commands"] / f"step_summary_{n}"
    return {
        "code": proc.returncode,
        "seconds": time.monotonic() - start,
        "log": proc.stdout + proc.stderr,
        "outputs": parse_output_file(output_file.read_text()) if output_file.exists() else {},
        "summary": summary_file.read_text() if summary_file.exists() else "",
        "writes": [f"{r.method} {r.path}" for r in fake.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")],
    }


DASHBOARD_MARKER = "<!-- pattern-miner:id=dashboard kind=dashboard"  # the dashboard issue's marker


def check_first(run: dict[str, Any], fake: FakeGitHub, repos: list[str], ws: Path) -> list[str]:
    out, failed = run["outputs"], []
    everything = list(fake.repo(HUB).issues.values())
    boards = [i for i in everything if DASHBOARD_MARKER in (i["body"] or "")]
    issues = [i for i in everything if i not in boards]
    if "DECOY" in run["log"]:
        failed.append("the entrypoint imported the workspace's pattern_miner/ instead of the installed package")
    if run["code"] != 0:
        failed.append(f"exit code {run['code']}")
    if out.get("repositories-scanned") != str(len(repos)):
        failed.append(f"repositories-scanned {out.get('repositories-scanned')!r}, expected {len(repos)}")
    opportunities = int(out.get("extraction-opportunities") or 0)
    expected = min(opportunities, MAX_ISSUES)
    if opportunities < 1 or out.get("issues-created") != str(expected) or len(issues) != expected:
        failed.append(f"{opportunities} opportunities, issues-created {out.get('issues-created')!r}, "
                      f"{len(issues)} issues in {HUB}: expected one issue per opportunity (at most {MAX_ISSUES})")
    report = out.get("report-path", "")
    if not report or Path(report).is_absolute() or not (ws / report).is_file():
        failed.append(f"report-path {report!r} is not a report file in the workspace")
    if "Repositories scanned" not in run["summary"]:
        failed.append("no job summary in $GITHUB_STEP_SUMMARY")
    if len(boards) != 1 or out.get("dashboard-issue") != str(boards[0]["number"]):
        failed.append(f"{len(boards)} dashboard issues, output dashboard-issue {out.get('dashboard-issue')!r}: "
                      "expected one")
    return failed


def check_second(run: dict[str, Any]) -> list[str]:
    failed = []
    if run["code"] != 0:
        failed.append(f"second run: exit code {run['code']}")
    if run["writes"] or run["outputs"].get("issues-created") != "0" or run["outputs"].get("issues-updated") != "0":
        failed.append(f"second run wrote to GitHub: {run['writes'] or run['outputs']}")
    return failed


def describe(n: int, run: dict[str, Any]) -> str:
    outputs = " ".join(f"{k}={v}" for k, v in run["outputs"].items())
    return f"run {n}: exit {run['code']} in {run['seconds']:.1f} s; {len(run['writes'])} writes to GitHub; {outputs}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docker", metavar="IMAGE", help="run this image as the runner does")
    ap.add_argument("command", nargs="*", help="after --: the entrypoint to run instead of an image")
    args = ap.parse_args(argv)
    if bool(args.docker) == bool(args.command):
        ap.error("give either --docker IMAGE or -- COMMAND...")
    # the container writes as root into the mounted directories: a non-root host may not delete them
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp, FakeGitHub() as fake:
        repos = seed(fake)
        dirs = make_dirs(Path(tmp), repos)
        first = run_once(args, fake, dirs, 1)
        print(describe(1, first))
        failed = check_first(first, fake, repos, dirs["workspace"])
        runs = [first]
        if not failed:
            second = run_once(args, fake, dirs, 2)
            print(describe(2, second))
            failed = check_second(second)
            runs.append(second)
        if failed:
            for n, run in enumerate(runs, 1):
                print(f"---- the action's output, run {n} ----\n{run['log']}")
            print("FAILED: " + "; ".join(failed))
            return 1
        print(f"OK: {len(repos)} repositories scanned, {len(fake.repo(HUB).issues)} issues created in {HUB}, "
              "none written again; the workspace's decoy pattern_miner/ was not imported")
        return 0


if __name__ == "__main__":
    sys.exit(main())
