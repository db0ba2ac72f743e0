from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pattern_miner.config import default_config
from pattern_miner.console import Console
from pattern_miner.errors import SourceError
from pattern_miner.model import RepoSnapshot, Skip, Source
from pattern_miner.sources import local
from pattern_miner.sources.local import (
    LocalSource,
    git_blob_sha,
    parse_remote,
    read_git_info,
    repos_from_paths,
    repos_from_root,
)

SHA = "0123456789abcdef0123456789abcdef01234567"


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return root


def _scan(root: Path, name: str = "o/r", **kwargs: object) -> tuple[dict[str, bytes], list[Skip], RepoSnapshot]:
    config = kwargs.pop("config", default_config())
    source = LocalSource([(name, root)], config, **kwargs)  # type: ignore[arg-type]
    (snap,) = list(source.snapshots())
    files = {f.path: f.data for f in snap.files}
    return files, snap.skips, snap


def _fake_git(repo: Path, url: str | None, head: str = "ref: refs/heads/main\n") -> None:
    git = repo / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text(head)
    remote = f'[remote "origin"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n' if url else ""
    (git / "config").write_text(f"[core]\n\tbare = false\n{remote}[branch \"main\"]\n\tremote = origin\n")


def test_local_source_meets_the_protocol(tmp_path: Path) -> None:
    source: Source = LocalSource([], default_config())
    assert list(source.snapshots()) == [] and source.failures == []


def test_walk_is_sorted_and_classified(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "b.py": "print('b')\n", "a.py": "print('a')\n", "Dockerfile": "FROM python:3.12\n",
        "scripts/deploy.sh": "gcloud run deploy\n", "README.md": "# readme\n", "img/logo.svg": "<svg/>",
    })
    source = LocalSource([("o/r", tmp_path)], default_config())
    (snap,) = source.snapshots()
    files = list(snap.files)
    assert [f.path for f in files] == ["Dockerfile", "a.py", "b.py", "scripts/deploy.sh"]
    by_path = {f.path: f for f in files}
    assert by_path["Dockerfile"].pattern_types == ("docker", "code")
    assert by_path["scripts/deploy.sh"].pattern_types == ("deployment", "code")
    assert by_path["a.py"].data == b"print('a')\n"
    assert by_path["a.py"].sha == git_blob_sha(b"print('a')\n")
    assert snap.skips == []


def test_git_blob_sha_matches_git() -> None:
    assert git_blob_sha(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    assert git_blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_gitignore_root_nested_and_negation(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".gitignore": "*.gen.py\nbuild/\nsecret*.py\n!secret_example.py\n",
        "a.py": "a = 1\n", "x.gen.py": "x = 1\n", "build/out.py": "o = 1\n",
        "secret_prod.py": "k = 1\n", "secret_example.py": "k = 0\n",
        "pkg/.gitignore": "local_*.py\n!x.gen.py\n/only_here.py\n",
        "pkg/local_dev.py": "d = 1\n", "pkg/x.gen.py": "re-included by the nested file\n",
        "pkg/only_here.py": "anchored to pkg\n", "pkg/sub/only_here.py": "not anchored here\n",
        "pkg/sub/local_tmp.py": "nested rule applies below\n", "other/local_dev.py": "not under pkg\n",
        "pkg/build/inside.py": "ignored dir anywhere\n",
    })
    files, skips, _ = _scan(tmp_path)
    assert sorted(files) == [
        "a.py", "other/local_dev.py", "pkg/sub/only_here.py", "pkg/x.gen.py", "secret_example.py",
    ]
    assert skips == []


def test_git_info_exclude(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "a\n", "scratch.py": "s\n", "keep.py": "k\n", ".gitignore": "!keep.py\n"})
    _fake_git(tmp_path, None)
    (tmp_path / ".git" / "info").mkdir()
    (tmp_path / ".git" / "info" / "exclude").write_text("scratch.py\nkeep.py\n")
    files, _, _ = _scan(tmp_path)
    assert sorted(files) == ["a.py", "keep.py"]  # .gitignore overrides info/exclude


def test_always_skipped_dirs_and_config_exclude(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "app.py": "a\n", "node_modules/lib/client.js": "x\n", "web/node_modules/y.js": "y\n",
        "__pycache__/m.py": "c\n", "vendor/github.com/x/y.go": "package y\n", ".git/hooks/pre-commit.sh": "h\n",
        "legacy/old.py": "o\n", "package-lock.json": "{}\n", "vendor.py": "a file named like a dir is kept\n",
    })
    config = dataclasses.replace(default_config(), exclude=default_config().exclude + ("legacy/",))
    files, _, _ = _scan(tmp_path, config=config)
    # vendored code is scanned: one library vendored into several repositories is a finding
    assert sorted(files) == ["app.py", "vendor.py", "vendor/github.com/x/y.go"]


def test_symlinks_are_skipped_not_followed(tmp_path: Path) -> None:
    outside = _tree(tmp_path / "outside", {"secret.py": "TOKEN = 'x'\n", "lib/util.py": "u\n"})
    repo = _tree(tmp_path / "repo", {"real.py": "r\n"})
    (repo / "link.py").symlink_to(outside / "secret.py")
    (repo / "linkdir").symlink_to(outside / "lib", target_is_directory=True)
    (repo / "dangling.py").symlink_to(tmp_path / "missing.py")
    files, skips, _ = _scan(repo)
    assert list(files) == ["real.py"]
    assert skips == [Skip("o/r", p, "symlink") for p in ("dangling.py", "link.py", "linkdir")]


def test_binary_skipped_invalid_utf8_kept(tmp_path: Path) -> None:
    latin1 = "name = 'café'\n".encode("latin-1")
    _tree(tmp_path, {
        "blob.py": b"x = 1\n\x00\x01\x02", "late_nul.py": b"#" * 9000 + b"\x00",
        "latin1.py": latin1, "ok.py": "ok\n",
    })
    files, skips, _ = _scan(tmp_path)
    assert skips == [Skip("o/r", "blob.py", "binary")]
    assert files["latin1.py"] == latin1  # bytes, untouched: the parser decodes with replacement
    assert "late_nul.py" in files  # only the first 8 KiB are sniffed


def test_huge_sparse_file_skipped_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, {"small.py": "s\n"})
    with open(tmp_path / "huge.py", "wb") as f:
        f.truncate(50 * 1024 * 1024)
    opened: list[str] = []
    real_open = os.open

    def spy(path: str, *args: object, **kwargs: object) -> int:
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(local.os, "open", spy)
    files, skips, _ = _scan(tmp_path)
    assert list(files) == ["small.py"]
    assert skips == [Skip("o/r", "huge.py", "too-large")]
    assert not any(p.endswith("huge.py") for p in opened)
    assert any(p.endswith("small.py") for p in opened)


def test_size_limit_boundary(tmp_path: Path) -> None:
    _tree(tmp_path, {"at.py": "a" * 100, "over.py": "a" * 101})
    config = dataclasses.replace(default_config(), max_file_bytes=100)
    files, skips, _ = _scan(tmp_path, config=config)
    assert list(files) == ["at.py"]
    assert skips == [Skip("o/r", "over.py", "too-large")]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_and_dir(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "a\n", "locked.py": "l\n", "closed/b.py": "b\n"})
    (tmp_path / "locked.py").chmod(0)
    (tmp_path / "closed").chmod(0)
    try:
        files, skips, _ = _scan(tmp_path)
    finally:
        (tmp_path / "locked.py").chmod(0o644)
        (tmp_path / "closed").chmod(0o755)
    assert list(files) == ["a.py"]
    assert sorted(s.reason for s in skips) == ["unreadable", "unreadable"]


def test_read_and_list_errors_become_unreadable_skips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, {"a.py": "a\n", "locked.py": "l\n", "closed/b.py": "b\n"})
    real_open, real_scandir = os.open, os.scandir

    def deny_open(path: str, *args: object, **kwargs: object) -> int:
        if os.fspath(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def deny_scandir(path: str | os.PathLike[str]) -> object:
        if os.fspath(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(local.os, "open", deny_open)
    monkeypatch.setattr(local.os, "scandir", deny_scandir)
    files, skips, _ = _scan(tmp_path)
    assert list(files) == ["a.py"]
    assert skips == [Skip("o/r", "closed", "unreadable"), Skip("o/r", "locked.py", "unreadable")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_never_opened(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "a\n"})
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "pipe.bin")
    files, skips, _ = _scan(tmp_path)
    assert list(files) == ["a.py"]
    assert skips == [Skip("o/r", "pipe.py", "special")]


def test_empty_directory(tmp_path: Path) -> None:
    files, skips, snap = _scan(tmp_path)
    assert files == {} and skips == []
    assert snap.info.name == "o/r" and snap.info.commit is None and snap.info.html_url is None


def test_files_are_lazy_and_skips_appear_as_the_walk_goes(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "a\n", "b.py": b"\x00", "c.py": "c\n"})
    (snap,) = LocalSource([("o/r", tmp_path)], default_config()).snapshots()
    assert snap.skips == []
    it = iter(snap.files)
    assert next(it).path == "a.py"
    assert snap.skips == []
    assert next(it).path == "c.py"
    assert snap.skips == [Skip("o/r", "b.py", "binary")]


def test_scan_patterns_by_repo(tmp_path: Path) -> None:
    _tree(tmp_path, {"Dockerfile": "FROM x\n", "app.py": "a\n", "deploy.sh": "d\n"})
    files, _, snap = _scan(tmp_path, scan_patterns_by_repo={"o/r": ["docker"]})
    assert list(files) == ["Dockerfile"]
    assert snap.info.scan_patterns == ("docker",)


def test_missing_repository_becomes_a_failure(tmp_path: Path) -> None:
    console = Console(out=io.StringIO(), err=io.StringIO())
    _tree(tmp_path / "ok", {"a.py": "a\n"})
    source = LocalSource([("o/gone", tmp_path / "gone"), ("o/ok", tmp_path / "ok")], default_config(), console)
    assert [s.info.name for s in source.snapshots()] == ["o/ok"]
    assert [f.repo for f in source.failures] == ["o/gone"]
    assert "no such directory" in source.failures[0].reason
    assert console.warnings


REMOTES = [
    ("https://github.com/acme/checkout-api.git", ("github.com", "acme", "checkout-api")),
    ("https://github.com/acme/checkout-api", ("github.com", "acme", "checkout-api")),
    ("https://x-access-token:abc@github.com/acme/api/", ("github.com", "acme", "api")),
    ("git@github.com:acme/billing-worker.git", ("github.com", "acme", "billing-worker")),
    ("github.com:acme/x.git", ("github.com", "acme", "x")),
    ("ssh://git@github.com/acme/ops-tools.git", ("github.com", "acme", "ops-tools")),
    ("ssh://git@github.com:22/acme/ops-tools", ("github.com", "acme", "ops-tools")),
    ("git://GitHub.com/acme/x.y.git", ("github.com", "acme", "x.y")),
    ("https://gitlab.example.com/group/sub/proj.git", ("gitlab.example.com", "sub", "proj")),
    ("/srv/git/proj.git", None),
    ("file:///srv/git/a/b.git", None),
    ("https://github.com/onlyowner", None),
    ("", None),
]


@pytest.mark.parametrize(("url", "expected"), REMOTES)
def test_parse_remote(url: str, expected: tuple[str, str, str] | None) -> None:
    assert parse_remote(url) == expected


def test_repos_from_paths_names(tmp_path: Path) -> None:
    gh = tmp_path / "a" / "checkout"
    gh.mkdir(parents=True)
    _fake_git(gh, "git@github.com:acme/checkout-api.git")
    (gh / ".git" / "refs" / "heads" / "main").write_text(SHA + "\n")
    lab = tmp_path / "b" / "lab"
    lab.mkdir(parents=True)
    _fake_git(lab, "https://gitlab.com/team/lab-proj.git")
    plain = tmp_path / "c" / "plain"
    plain.mkdir(parents=True)
    twin = tmp_path / "d" / "plain"
    twin.mkdir(parents=True)
    assert repos_from_paths([gh, lab, plain, str(twin)]) == [
        ("acme/checkout-api", gh.resolve()), ("team/lab-proj", lab.resolve()),
        ("local/plain", plain.resolve()), ("local/plain-2", twin.resolve()),
    ]
    infos = {s.info.name: s.info for s in LocalSource(repos_from_paths([gh, lab]), default_config()).snapshots()}
    assert infos["acme/checkout-api"].commit == SHA
    assert infos["acme/checkout-api"].default_branch == "main"
    assert infos["acme/checkout-api"].html_url == "https://github.com/acme/checkout-api"
    assert infos["team/lab-proj"].html_url is None  # only GitHub remotes get links


def test_repos_from_paths_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"nope: no such directory$"):
        repos_from_paths([tmp_path / "nope"])
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(SourceError, match=r"f\.txt: not a directory$"):
        repos_from_paths([tmp_path / "f.txt"])


def test_repos_from_root(tmp_path: Path) -> None:
    for d in ("acme/api", "acme/web", "bob/tools", ".cache/x", "acme/.hidden"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "acme" / "notes.txt").write_text("x")
    (tmp_path / "loose.txt").write_text("x")
    assert repos_from_root(tmp_path) == [
        ("acme/api", tmp_path / "acme" / "api"), ("acme/web", tmp_path / "acme" / "web"),
        ("bob/tools", tmp_path / "bob" / "tools"),
    ]


def test_repos_from_root_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such directory"):
        repos_from_root(tmp_path / "missing")
    with pytest.raises(SourceError, match="no repositories found"):
        repos_from_root(tmp_path)


def test_git_info_detached_packed_and_worktree(tmp_path: Path) -> None:
    detached = tmp_path / "detached"
    _fake_git(detached, None, head=SHA + "\n")
    assert read_git_info(detached) == local.GitInfo(None, SHA, None)

    packed = tmp_path / "packed"
    _fake_git(packed, "https://github.com/o/p")
    (packed / ".git" / "packed-refs").write_text(f"# pack-refs with: peeled\n{SHA} refs/heads/main\n")
    assert read_git_info(packed) == local.GitInfo("https://github.com/o/p", SHA, "main")

    # a worktree: .git is a file pointing into the main repository's worktrees/ folder
    wt_git = packed / ".git" / "worktrees" / "wt"
    wt_git.mkdir(parents=True)
    (wt_git / "HEAD").write_text("ref: refs/heads/feature\n")
    (wt_git / "commondir").write_text("../..\n")
    (packed / ".git" / "refs" / "heads" / "feature").write_text("f" * 40 + "\n")
    wt = tmp_path / "wt"
    wt.mkdir()
    (wt / ".git").write_text(f"gitdir: {wt_git}\n")
    assert read_git_info(wt) == local.GitInfo("https://github.com/o/p", "f" * 40, "feature")
    assert repos_from_paths([wt])[0][0] == "o/p"

    assert read_git_info(tmp_path / "nothing") == local.GitInfo()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_real_git_checkout(tmp_path: Path) -> None:
    repo = _tree(tmp_path / "svc", {"app.py": "print(1)\n", ".gitignore": "*.log\n", "x.log": "l\n"})
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q", "-b", "trunk")
    git("remote", "add", "origin", "https://github.com/acme/svc.git")
    git("add", "app.py", ".gitignore")
    git("commit", "-q", "-m", "init")
    git("pack-refs", "--all")
    ((name, path),) = repos_from_paths([repo])
    (snap,) = LocalSource([(name, path)], default_config()).snapshots()
    assert name == "acme/svc"
    assert snap.info.commit == git("rev-parse", "HEAD")
    assert snap.info.default_branch == "trunk"
    files = {f.path: f for f in snap.files}
    assert list(files) == ["app.py"]
    assert files["app.py"].sha == git("hash-object", "app.py")


def test_example_repositories_walk_cleanly() -> None:
    root = Path(__file__).resolve().parent.parent / "examples" / "repos"
    repos = repos_from_paths(sorted(p for p in root.iterdir() if p.is_dir()))
    assert [name for name, _ in repos] == [
        "local/billing-worker", "local/checkout-api", "local/inventory-service", "local/ops-tools",
        "local/search-frontend",
    ]
    types: dict[str, tuple[str, ...]] = {}
    for snap in LocalSource(repos, default_config()).snapshots():
        for f in snap.files:
            types[f"{snap.info.name.split('/')[1]}/{f.path}"] = f.pattern_types
        assert snap.skips == [] and snap.info.commit is None  # plain directories, no .git
    for planted, kind in [
        ("checkout-api/deploy.sh", "deployment"), ("billing-worker/scripts/deploy-gcp.sh", "deployment"),
        ("search-frontend/deploy.sh", "deployment"), ("inventory-service/Dockerfile", "docker"),
        ("billing-worker/.github/workflows/ci.yml", "github_actions"),
        ("inventory-service/inventory/clients/warehouse_client.py", "api_client"),
        ("ops-tools/terraform/modules/cloud-run-service/main.tf", "terraform"),
        ("billing-worker/worker/settings.py", "configuration"),
    ]:
        assert types[planted][0] == kind


def test_virtualenvs_are_recognized_by_their_marker_not_their_name(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "src/venv/__init__.py": "a package that happens to be called venv\n",
        "env/pyvenv.cfg": "home = /usr/bin\n", "env/lib/site.py": "installed dependency\n",
        ".venv/lib/x.py": "always skipped\n",
    })
    files, _, _ = _scan(tmp_path)
    assert sorted(files) == ["src/venv/__init__.py"]
