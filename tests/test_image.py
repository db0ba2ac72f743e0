"""The Action's image and its release: pinned base, hash-locked dependencies, a small build context, a
release that publishes exactly the version action.yml runs, and the runner-like check CI runs on the image."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

from pattern_miner import __version__
from tests.e2e.run_action_image import docker_command, input_defaults
from tests.test_action_e2e import load_yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def lock_pins(name: str) -> dict[str, tuple[str, int]]:
    """requirements lock file -> {normalized name: (version, number of hashes)}."""
    pins: dict[str, tuple[str, int]] = {}
    for entry in re.split(r"\n(?=\S)", (ROOT / name).read_text()):
        if match := re.match(r"([A-Za-z0-9_.-]+)==(\S+)", entry):
            pins[normalize(match.group(1))] = (match.group(2), entry.count("--hash=sha256:"))
    return pins


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def exact_pins(requirements: list[str]) -> dict[str, str]:
    out = {}
    for req in requirements:
        name, _, pinned = req.partition("==")
        assert pinned, f"{req} is not pinned"
        out[normalize(name)] = pinned
    return out


def test_the_base_image_is_an_exact_python_release_named_once() -> None:
    froms = re.findall(r"^FROM (\S+)(?: AS (\w+))?$", DOCKERFILE, re.MULTILINE)
    assert froms[0][1] == "base" and re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", froms[0][0])
    assert {image for image, _ in froms[1:]} == {"base"}  # Dependabot updates the one tagged line
    assert "ARG" not in DOCKERFILE.split("FROM", 1)[0]


def test_the_image_installs_the_lock_with_hashes_then_the_wheel_without_deps() -> None:
    runs = [ln for ln in DOCKERFILE.splitlines() if ln.startswith("RUN ")]
    assert any("pip install --require-hashes --no-deps -r requirements-build.lock" in r for r in runs)
    assert any("pip wheel --no-build-isolation --no-deps" in r for r in runs)
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    assert "pip install --require-hashes --no-deps -r /tmp/requirements.lock" in final
    assert re.search(r"pip install --no-deps /tmp/dist/\*\.whl .*&& pip check", final)
    # the runner sets the working directory and must run the action as root (see the Dockerfile)
    assert not re.search(r"^(WORKDIR|USER) ", final, re.MULTILINE) and not re.search(r"^USER ", DOCKERFILE, re.MULTILINE)


def test_the_locks_pin_every_requirement_with_hashes() -> None:
    runtime = lock_pins("requirements.lock")
    assert all(hashes for _, hashes in runtime.values())
    for name, pinned in exact_pins(PYPROJECT["project"]["dependencies"]).items():
        assert runtime.get(name, ("missing", 0))[0] == pinned, f"{name}: run scripts/lock.sh"
    build = lock_pins("requirements-build.lock")
    assert {n: v for n, (v, _) in build.items()} == exact_pins(PYPROJECT["build-system"]["requires"])
    assert all(hashes for _, hashes in build.values())


def test_the_build_context_leaves_out_everything_the_image_does_not_copy() -> None:
    ignored = {ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()
               if ln.strip() and not ln.startswith("#")}
    assert {".venv", ".git", "tests", "bench", "docs", "examples", "build", "dist", "**/*.egg-info"} <= ignored
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.MULTILINE)
    sources = {src for line in copied for src in line.split()}
    assert sources == {"requirements-build.lock", "pyproject.toml", "README.md", "src", "requirements.lock"}
    assert not sources & ignored


def test_the_release_check_accepts_only_this_version() -> None:
    def check(tag: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "scripts" / "check_release.py"), tag],
                              capture_output=True, text=True, timeout=30)

    assert check(f"v{__version__}").returncode == 0
    wrong = check("v999.0.0")
    assert wrong.returncode == 1 and wrong.stdout.startswith("::error::tag v999.0.0 != v + __version__")


def test_the_release_workflow_publishes_the_image_and_moves_the_major_tag() -> None:
    release = load_yaml(ROOT / ".github" / "workflows" / "release.yml")
    assert release["on"] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}
    assert release["permissions"] == {"contents": "write", "packages": "write"}
    assert release["env"]["IMAGE"] == "ghcr.io/patelmm79/pattern-miner"
    steps = release["jobs"]["release"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert all(re.fullmatch(r"docker/[\w-]+@v\d+\.\d+\.\d+", u) for u in uses if u.startswith("docker/"))
    runs = [s.get("run", "") for s in steps]
    order = [next(i for i, r in enumerate(runs) if needle in r) for needle in
             ("check_release.py", "run_action_image --docker", "docker push", "git push --force")]
    assert order == sorted(order)  # checked, tested, pushed, then v1 moved
    meta = next(s for s in steps if s.get("id") == "meta")
    assert meta["with"]["tags"].split() == ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}"]


def test_dependabot_updates_the_base_image_the_actions_and_the_pins_weekly() -> None:
    updates = load_yaml(ROOT / ".github" / "dependabot.yml")["updates"]
    assert {u["package-ecosystem"] for u in updates} == {"docker", "github-actions", "pip"}
    assert {u["schedule"]["interval"] for u in updates} == {"weekly"}
    docker = next(u for u in updates if u["package-ecosystem"] == "docker")
    assert docker["ignore"] == [{"dependency-name": "python", "versions": [">=3.12"]}]  # the lock is for 3.11


def test_the_runner_like_run_sends_every_input_default_and_mounts_the_workspace() -> None:
    env = input_defaults((ROOT / "action.yml").read_text(), token="tok")
    meta = load_yaml(ROOT / "action.yml")
    assert list(env) == [f"INPUT_{name.upper()}" for name in meta["inputs"]]
    assert env["INPUT_GITHUB-TOKEN"] == "tok" and env["INPUT_DRY-RUN"] == "false" and env["INPUT_MODEL"] == ""
    argv = docker_command("img", {"workspace": Path("/w"), "file_commands": Path("/f")}, {"A": "1"})
    assert argv == ["docker", "run", "--rm", "--network", "host", "--workdir", "/github/workspace",
                    "-v", "/w:/github/workspace", "-v", "/f:/github/file_commands", "-e", "A=1", "img"]


def run_script(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.e2e.run_action_image", "--", *command], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_the_runner_like_run_passes_with_the_installed_console_script() -> None:
    result = run_script(str(Path(sysconfig.get_path("scripts")) / "pattern-miner"), "action")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("OK: 5 repositories scanned")


def test_the_runner_like_run_catches_an_entrypoint_that_imports_the_workspace() -> None:
    result = run_script(sys.executable, "-m", "pattern_miner", "action")  # the old entrypoint
    assert result.returncode == 1
    assert "FAILED: the entrypoint imported the workspace's pattern_miner/" in result.stdout
