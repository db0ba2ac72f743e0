"""The GitHub source, through the real PyGithub client against the loopback fake."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pattern_miner.config import Config, OwnerSpec, RepositorySpec
from pattern_miner.console import Console
from pattern_miner.errors import SourceError
from pattern_miner.model import RepoSnapshot
from pattern_miner.sources.blobcache import BlobCache, RepoRecord, TreeEntry, git_blob_sha, git_tree_sha
from pattern_miner.sources.github import GitHubSource
from tests.fakes.github import FakeGitHub, Submodule, Symlink, git_hash

DEPLOY = "#!/bin/sh\nset -eu\ngcloud run deploy app --region us-central1\n"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server


def make_source(fake: FakeGitHub, config: Config, sleeps: list[float] | None = None, **kw: Any) -> GitHubSource:
    return GitHubSource(config, token=kw.pop("token", "t"), base_url=fake.url, paced=False,
                        sleep=(sleeps if sleeps is not None else []).append, **kw)


def scan(source: GitHubSource) -> dict[str, RepoSnapshot]:
    return {s.info.name: s for s in source.snapshots()}


def explicit(*names: str, **kw: Any) -> Config:
    return Config(repositories=tuple(RepositorySpec(n) for n in names), **kw)


def blob_requests(fake: FakeGitHub, repo: str = r"[^/]+/[^/]+") -> list[str]:
    return sorted(r.path.rsplit("/", 1)[1] for r in fake.requests_to("GET", rf"/repos/{repo}/git/blobs/.+"))


def test_org_discovery_pagination_and_rules(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/web", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/old", {"deploy.sh": DEPLOY}, archived=True)
    fake.add_repo("acme/copy", {"deploy.sh": DEPLOY}, fork=True)
    fake.add_repo("acme/secret", {"deploy.sh": DEPLOY}, private=True)
    fake.add_repo("acme/sandbox-1", {"deploy.sh": DEPLOY})
    config = Config(owners=(OwnerSpec("acme", exclude_repos=("sandbox-*",)),))
    source = make_source(fake, config)
    source.github.per_page = 2
    assert sorted(scan(source)) == ["acme/api", "acme/secret", "acme/web"]
    pages = fake.requests_to("GET", "/orgs/acme/repos")
    assert [p.query.get("page") for p in pages] == [None, "2", "3", "4"]  # 6 repos, 2 a page, then empty
    assert source.failures == []

    everything = Config(owners=(OwnerSpec("acme", include_archived=True, include_forks=True,
                                          include_private=False),))
    assert sorted(scan(make_source(fake, everything))) == [
        "acme/api", "acme/copy", "acme/old", "acme/sandbox-1", "acme/web"]


def test_user_discovery_other_user_and_token_user(fake: FakeGitHub) -> None:
    fake.add_repo("alice/tools", {"deploy.sh": DEPLOY}, owner_type="User")
    fake.add_repo("alice/diary", {"deploy.sh": DEPLOY}, owner_type="User", private=True)
    fake.add_repo("pm-bot/mine", {"deploy.sh": DEPLOY}, owner_type="User", private=True)
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    config = Config(owners=(OwnerSpec("alice"), OwnerSpec("pm-bot")))
    source = make_source(fake, config)
    snapshots = scan(source)
    assert sorted(snapshots) == ["alice/tools", "pm-bot/mine"]  # not the org repos the token user sees
    assert snapshots["pm-bot/mine"].info.private is True
    assert fake.requests_to("GET", "/users/alice/repos") and fake.requests_to("GET", "/user/repos")
    assert fake.requests_to("GET", "/user/repos")[0].query["affiliation"] == "owner"


def test_only_matching_blobs_are_fetched(fake: FakeGitHub) -> None:
    files = {"deploy.sh": DEPLOY, "README.md": "# hi\n", "Dockerfile": "FROM python:3.11\n",
             "node_modules/x/index.js": "module.exports = 1\n", "docs/guide.txt": "text\n"}
    fake.add_repo("acme/api", files)
    snapshot = scan(make_source(fake, explicit("acme/api")))["acme/api"]
    got = {f.path: f for f in snapshot.files}
    assert sorted(got) == ["Dockerfile", "deploy.sh"]
    assert got["deploy.sh"].data == DEPLOY.encode()
    assert got["deploy.sh"].sha == git_blob_sha(DEPLOY.encode())
    assert got["deploy.sh"].pattern_types == ("deployment", "code")
    assert blob_requests(fake) == sorted(git_blob_sha(files[p].encode()) for p in ("deploy.sh", "Dockerfile"))
    assert len(fake.requests_to("GET", r"/repos/acme/api/git/trees/.+")) == 1
    info = snapshot.info
    assert (info.commit, info.private, info.default_branch) == (fake.head("acme/api"), False, "main")
    assert info.html_url == f"{fake.url}/acme/api"


def test_scan_patterns_restrict_types(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY, "Dockerfile": "FROM x\n"})
    config = Config(repositories=(RepositorySpec("acme/api", scan_patterns=("docker",)),))
    snapshot = scan(make_source(fake, config))["acme/api"]
    assert [(f.path, f.pattern_types) for f in snapshot.files] == [("Dockerfile", ("docker",))]
    assert snapshot.info.scan_patterns == ("docker",)


def test_too_large_binary_symlink_submodule_are_skipped(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {
        "deploy.sh": DEPLOY, "deploy-big.sh": "echo x\n" * 100, "deploy-bin.sh": b"\x7fELF\x00\x01",
        "deploy-link.sh": Symlink("deploy.sh"), "scripts": Submodule("a" * 40),
    })
    config = explicit("acme/api", max_file_bytes=200)
    snapshot = scan(make_source(fake, config))["acme/api"]
    assert [f.path for f in snapshot.files] == ["deploy.sh"]
    assert sorted((s.path, s.reason) for s in snapshot.skips) == [
        ("deploy-big.sh", "too-large"), ("deploy-bin.sh", "binary"), ("deploy-link.sh", "symlink")]
    too_large = git_hash("blob", b"echo x\n" * 100)
    assert too_large not in blob_requests(fake)  # never fetched


def test_cache_unchanged_head_costs_one_request_per_repo(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY, "Dockerfile": "FROM x\n"})
    fake.add_repo("acme/web", {"deploy.sh": DEPLOY + "# web\n"})
    config = explicit("acme/api", "acme/web")
    first = scan(make_source(fake, config, cache_dir=tmp_path))
    fake.clear_requests()
    source = make_source(fake, config, cache_dir=tmp_path)
    second = scan(source)
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", "/repos/acme/api/branches/main"), ("GET", "/repos/acme/web/branches/main")]
    assert source.requests_made == 2
    for name in first:
        assert [(f.path, f.data, f.sha, f.pattern_types) for f in second[name].files] == [
            (f.path, f.data, f.sha, f.pattern_types) for f in first[name].files]
        assert second[name].info == first[name].info


def test_cache_with_org_listing_is_listing_plus_one_request_per_repo(fake: FakeGitHub, tmp_path: Path) -> None:
    for name in ("api", "web", "jobs"):
        fake.add_repo(f"acme/{name}", {"deploy.sh": DEPLOY + f"# {name}\n"})
    config = Config(owners=(OwnerSpec("acme"),))
    scan(make_source(fake, config, cache_dir=tmp_path))
    fake.clear_requests()
    scan(make_source(fake, config, cache_dir=tmp_path))
    per_repo = [r.path for r in fake.requests if r.path.startswith("/repos/")]
    assert sorted(per_repo) == [f"/repos/acme/{n}/branches/main" for n in ("api", "jobs", "web")]


def test_changed_file_fetches_only_that_blob(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY, "Dockerfile": "FROM x\n"})
    config = explicit("acme/api")
    scan(make_source(fake, config, cache_dir=tmp_path))
    fake.set_file("acme/api", "Dockerfile", "FROM y\n")
    fake.clear_requests()
    snapshot = scan(make_source(fake, config, cache_dir=tmp_path))["acme/api"]
    assert blob_requests(fake) == [git_blob_sha(b"FROM y\n")]
    assert {f.path: f.data for f in snapshot.files} == {"Dockerfile": b"FROM y\n", "deploy.sh": DEPLOY.encode()}
    assert snapshot.info.commit == fake.head("acme/api")


def test_corrupt_cache_entries_are_refetched(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    config = explicit("acme/api")
    scan(make_source(fake, config, cache_dir=tmp_path))
    sha = git_blob_sha(DEPLOY.encode())
    (tmp_path / "blobs" / sha[:2] / sha[2:]).write_bytes(b"garbage")
    for record in (tmp_path / "repos").iterdir():
        record.write_text("{not json")
    fake.clear_requests()
    snapshot = scan(make_source(fake, config, cache_dir=tmp_path))["acme/api"]
    assert [f.data for f in snapshot.files] == [DEPLOY.encode()]
    assert blob_requests(fake) == [sha]


def test_missing_and_rate_limited_repos_do_not_stop_others(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/busy", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/web", {"deploy.sh": DEPLOY})
    fake.primary_rate_limit("GET", "/repos/acme/busy/branches/main", reset_in=3600)
    err = io.StringIO()
    source = make_source(fake, explicit("acme/api", "acme/gone", "acme/busy", "acme/web"), max_wait=60,
                         console=Console(io.StringIO(), err))
    assert sorted(scan(source)) == ["acme/api", "acme/web"]
    reasons = {f.repo: f.reason for f in source.failures}
    assert reasons["acme/gone"] == "not found, or the token cannot read it (404)"
    assert reasons["acme/busy"].startswith("rate limited: GitHub asked to wait")
    assert "warning: acme/gone: not found" in err.getvalue()


def test_secondary_rate_limit_is_waited_then_succeeds(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.secondary_rate_limit("GET", "/repos/acme/api/branches/main", retry_after=7)
    fake.secondary_rate_limit("GET", r"/repos/acme/api/git/blobs/.+", retry_after=3, status=429)
    sleeps: list[float] = []
    source = make_source(fake, explicit("acme/api"), sleeps)
    assert [f.path for f in scan(source)["acme/api"].files] == ["deploy.sh"]
    assert sleeps == [7.0, 3.0]
    assert source.failures == []


def test_secondary_rate_limit_longer_than_max_wait_fails_the_repo(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.secondary_rate_limit("GET", "/repos/acme/api/branches/main", retry_after=3600)
    sleeps: list[float] = []
    source = make_source(fake, explicit("acme/api"), sleeps, max_wait=120)
    assert scan(source) == {}
    assert sleeps == []
    assert source.failures[0].reason == "rate limited: GitHub asked to wait 3600s, more than the 120s allowed"


def test_primary_rate_limit_waits_until_reset(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.primary_rate_limit("GET", r"/repos/acme/api/git/trees/.+", reset_in=30)
    sleeps: list[float] = []
    source = make_source(fake, explicit("acme/api"), sleeps)
    assert "acme/api" in scan(source)
    assert len(sleeps) == 1 and 25 < sleeps[0] <= 32  # until x-ratelimit-reset (+1 s), not longer


def test_server_errors_are_retried_with_backoff(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/down", {"deploy.sh": DEPLOY})
    fake.fail("GET", "/repos/acme/api/branches/main", 502, times=2)
    fake.fail("GET", "/repos/acme/down/branches/main", 500, times=100)
    sleeps: list[float] = []
    source = make_source(fake, explicit("acme/api", "acme/down"), sleeps)
    assert sorted(scan(source)) == ["acme/api"]
    assert sleeps[:1] == [2.0]  # 0 s, then 2 s, doubling
    assert len(fake.requests_to("GET", "/repos/acme/down/branches/main")) == 5
    assert source.failures[0].repo == "acme/down"
    assert source.failures[0].reason == "GitHub kept failing with server errors; gave up after 5 attempts"


def test_truncated_tree_is_a_failure(fake: FakeGitHub) -> None:
    fake.add_repo("acme/huge", {f"deploy{i}.sh": DEPLOY for i in range(4)}, truncated=True)
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    source = make_source(fake, explicit("acme/huge", "acme/api"))
    assert sorted(scan(source)) == ["acme/api"]
    assert source.failures[0].reason == "GitHub truncated the file tree (too many files); not scanned"
    assert blob_requests(fake, "acme/huge") == []


def test_malformed_response_is_a_failure(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.malformed("GET", r"/repos/acme/api/git/trees/.+")
    source = make_source(fake, explicit("acme/api"))
    assert scan(source) == {}
    assert source.failures[0].reason.startswith("malformed response from GitHub")


def test_owner_listing_failure_is_reported(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    source = make_source(fake, Config(owners=(OwnerSpec("nobody"), OwnerSpec("acme"))))
    assert sorted(scan(source)) == ["acme/api"]
    assert [f.repo for f in source.failures] == ["nobody"]


def test_bad_token_stops_the_run(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    source = make_source(fake, explicit("acme/api"), token="wrong")
    with pytest.raises(SourceError, match="rejected the token"):
        scan(source)


def test_repos_filter_restricts_and_warns(fake: FakeGitHub) -> None:
    for name in ("api", "web", "tools"):
        fake.add_repo(f"acme/{name}", {"deploy.sh": DEPLOY})
    err = io.StringIO()
    source = make_source(fake, Config(owners=(OwnerSpec("acme"),)), repos=["ACME/api", "acme/t*", "acme/nope"],
                         console=Console(io.StringIO(), err))
    assert sorted(scan(source)) == ["acme/api", "acme/tools"]
    assert "repository filter 'acme/nope' matches no configured repository" in err.getvalue()
    assert fake.requests_to("GET", "/repos/acme/web/.*") == []


def test_explicit_repo_listed_by_owner_is_scanned_once(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY, "Dockerfile": "FROM x\n"})
    config = Config(repositories=(RepositorySpec("acme/api", scan_patterns=("docker",)),),
                    owners=(OwnerSpec("acme"),))
    snapshots = list(make_source(fake, config).snapshots())
    assert [s.info.name for s in snapshots] == ["acme/api"]
    assert snapshots[0].info.scan_patterns == ("docker",)  # the explicit entry wins


def test_blob_cache_round_trip_and_corruption(tmp_path: Path) -> None:
    cache = BlobCache(tmp_path)
    data = b"echo hi\n"
    sha = git_blob_sha(data)
    assert cache.get_blob(sha) is None
    assert cache.put_blob(sha, data) and cache.get_blob(sha) == data
    assert not cache.put_blob(sha, b"other bytes")  # refuses bytes that do not hash to the name
    assert cache.get_blob("../../etc/passwd") is None
    entries = (TreeEntry("deploy.sh", "100755", sha, len(data)), TreeEntry("lib/sub", "160000", "c" * 40, 0))
    tree = git_tree_sha([(e.path, e.mode, e.sha) for e in entries])
    record = RepoRecord("Acme/API", "a" * 40, tree, True, "https://github.com/Acme/API", "main", entries)
    cache.put_repo(record)
    assert cache.get_repo("acme/api") == record and record.verified()
    assert cache.get_repo("acme/other") is None
    assert not RepoRecord("Acme/API", "a" * 40, tree, True, None, "main", entries[:1]).verified()
    path = next((tmp_path / "repos").iterdir())
    path.write_text('{"version": 2, "repo": "Acme/API"}')
    assert cache.get_repo("acme/api") is None
    assert [p.name for p in (tmp_path / "repos").iterdir() if p.name.startswith(".tmp")] == []


def test_renamed_default_branch_is_rediscovered(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    config = explicit("acme/api")
    scan(make_source(fake, config, cache_dir=tmp_path))
    repo = fake.repo("acme/api")
    repo.branches = {"trunk": repo.branches.pop("main")}
    repo.default_branch = "trunk"
    fake.clear_requests()
    snapshot = scan(make_source(fake, config, cache_dir=tmp_path))["acme/api"]
    assert [(r.path, r.status) for r in fake.requests] == [
        ("/repos/acme/api/branches/main", 404), ("/repos/acme/api", 200), ("/repos/acme/api/branches/trunk", 200)]
    assert snapshot.info.default_branch == "trunk" and [f.path for f in snapshot.files] == ["deploy.sh"]


def test_empty_repository_is_a_failure(fake: FakeGitHub) -> None:
    fake.add_repo("acme/empty", {})
    fake.repo("acme/empty").branches.clear()
    source = make_source(fake, explicit("acme/empty"))
    assert scan(source) == {}
    assert source.failures[0].reason == "default branch 'main' not found (empty repository?)"


def test_empty_files_are_real_blobs(fake: FakeGitHub, tmp_path: Path) -> None:
    """GitHub answers an empty blob as content "" (size 0): every Python package has an empty __init__.py."""
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY, "app/__init__.py": "", "app/config.py": ""})
    config = explicit("acme/api")
    source = make_source(fake, config, cache_dir=tmp_path)
    [snapshot] = scan(source).values()
    assert source.failures == []
    files = {f.path: f.data for f in snapshot.files}
    assert files["app/__init__.py"] == b"" and files["app/config.py"] == b"" and files["deploy.sh"] == DEPLOY.encode()
    empty = git_blob_sha(b"")
    assert BlobCache(tmp_path).get_blob(empty) == b""  # cached like any other blob
    fake.set_file("acme/api", "deploy.sh", DEPLOY + "echo done\n")  # a new head: the empty blob comes from the cache
    fake.clear_requests()
    [again] = scan(make_source(fake, config, cache_dir=tmp_path)).values()
    assert {f.path for f in again.files} == set(files) and empty not in blob_requests(fake)


def test_git_tree_sha_is_gits(fake: FakeGitHub) -> None:
    """The tree id computed from a tree's files equals the one git (the fake hashes as git does) gave it."""
    files = {"a.txt": "a\n", "a/b.sh": "b\n", "a-b/c": "c", "a/b/d.py": "", "z": Symlink("a.txt"),
             "ext/lib": Submodule("d" * 40), "é/ü.md": "unicode\n"}
    fake.add_repo("acme/api", files)
    gh = make_source(fake, explicit("acme/api")).github
    commit = gh.get_repo("acme/api").get_branch("main").commit
    tree = gh.get_repo("acme/api").get_git_tree(commit.sha, recursive=True)
    entries = [(e.path, e.mode, e.sha) for e in tree.tree if e.type != "tree"]
    assert git_tree_sha(entries) == tree.sha == commit.commit.tree.sha


def test_a_tampered_repository_record_is_not_trusted(fake: FakeGitHub, tmp_path: Path) -> None:
    """A cached record whose files do not hash to the head commit's tree is refetched, never trusted."""
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY, "Dockerfile": "FROM python:3.11\n"})
    config = explicit("acme/api")
    first = scan(make_source(fake, config, cache_dir=tmp_path))["acme/api"]
    record_path = next((tmp_path / "repos").iterdir())
    raw = json.loads(record_path.read_text())
    raw["entries"] = [e for e in raw["entries"] if e[0] != "deploy.sh"]  # "the file is gone"
    record_path.write_text(json.dumps(raw))
    fake.clear_requests()
    again = scan(make_source(fake, config, cache_dir=tmp_path))["acme/api"]
    assert [f.path for f in again.files] == [f.path for f in first.files] == ["Dockerfile", "deploy.sh"]
    assert len(fake.requests_to("GET", "/repos/acme/api/git/trees/.+")) == 1  # the tree, asked again


def test_a_repository_that_fails_stands_in_with_its_last_good_scan(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    config = explicit("acme/api")
    first = scan(make_source(fake, config, cache_dir=tmp_path))["acme/api"]
    fake.fail("GET", "/repos/acme/api/branches/main", 502, times=10)
    source = make_source(fake, config, cache_dir=tmp_path)
    stale = scan(source)["acme/api"]
    assert stale.info.stale and stale.info.commit == first.info.commit
    assert [(f.path, f.data) for f in stale.files] == [(f.path, f.data) for f in first.files]
    [failure] = source.failures
    assert failure.stale and "502" in failure.reason or "server errors" in failure.reason
    fresh = make_source(fake, config, cache_dir=tmp_path / "empty")
    assert scan(fresh) == {} and not fresh.failures[0].stale  # no last good scan: unknown, nothing stands in


def test_github_unreachable_is_a_short_reason() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    err = io.StringIO()
    source = GitHubSource(explicit("acme/api"), token="t", base_url=closed, paced=False,
                          sleep=[].append, console=Console(out=io.StringIO(), err=err))
    with pytest.raises(SourceError) as raised:  # nothing was ever reached: the run stops at once
        scan(source)
    assert str(raised.value) == f"cannot reach the GitHub API at {closed}: cannot reach GitHub (connection refused)"


def api_requests(fake: FakeGitHub, repo: str) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests if r.path.startswith(f"/repos/{repo}")]


def test_a_first_scan_reads_the_archive_not_every_blob(fake: FakeGitHub, tmp_path: Path) -> None:
    files: dict[str, Any] = {f"deploy/step{i}.sh": DEPLOY + f"echo {i}\n" for i in range(12)}
    files.update({"app/__init__.py": "", "bin/run.sh": "#!/bin/sh\nexec app\n", "link.sh": Symlink("bin/run.sh")})
    fake.add_repo("acme/api", files, private=True)
    source = make_source(fake, explicit("acme/api"), cache_dir=tmp_path)
    [snapshot] = scan(source).values()
    got = {f.path: f.data for f in snapshot.files}
    assert got == {p: v.encode() for p, v in files.items() if isinstance(v, str)}
    assert [s.reason for s in snapshot.skips if s.path == "link.sh"] == ["symlink"]
    assert blob_requests(fake) == [] and len(fake.downloads) == 1 and fake.downloads[0].status == 200
    assert len(api_requests(fake, "acme/api")) == 4  # the repository, its branch, its tree, the archive link
    fake.clear_requests()
    scan(make_source(fake, explicit("acme/api"), cache_dir=tmp_path))
    assert api_requests(fake, "acme/api") == ["GET /repos/acme/api/branches/main"]  # unchanged: one request
    fake.set_file("acme/api", "deploy/step3.sh", DEPLOY + "echo changed\n")
    fake.clear_requests()
    [again] = scan(make_source(fake, explicit("acme/api"), cache_dir=tmp_path)).values()
    assert len(api_requests(fake, "acme/api")) == 3 and len(blob_requests(fake)) == 1  # a small change: one blob
    assert {f.path: f.data for f in again.files}["deploy/step3.sh"] == (DEPLOY + "echo changed\n").encode()


def test_a_file_the_archive_holds_differently_is_read_as_a_blob(fake: FakeGitHub) -> None:
    files = {f"s{i}.sh": DEPLOY + f"echo {i}\n" for i in range(5)}
    fake.add_repo("acme/api", files)
    fake.archive_rewrites["s2.sh"] = b"version https://git-lfs.github.com/spec/v1\noid sha256:00\n"
    [snapshot] = scan(make_source(fake, explicit("acme/api"))).values()
    assert {f.path: f.data for f in snapshot.files} == {p: v.encode() for p, v in files.items()}
    assert blob_requests(fake) == [git_blob_sha(files["s2.sh"].encode())]


def test_an_archive_that_fails_falls_back_to_blobs(fake: FakeGitHub) -> None:
    files = {f"s{i}.sh": DEPLOY + f"echo {i}\n" for i in range(5)}
    fake.add_repo("acme/api", files)
    fake.fail("GET", "/_codeload/.*", 502)
    err = io.StringIO()
    source = make_source(fake, explicit("acme/api"), console=Console(io.StringIO(), err))
    [snapshot] = scan(source).values()
    assert len(snapshot.files) == 5 and len(blob_requests(fake)) == 5 and source.failures == []
    assert "the archive could not be read" in err.getvalue()


def test_activity_pushed_at_is_the_head_commits_time_and_archived_comes_from_the_metadata(fake: FakeGitHub) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    fake.add_repo("acme/api", {"deploy.sh": DEPLOY})
    fake.add_repo("acme/old", {"deploy.sh": DEPLOY}, archived=True)
    listed = scan(make_source(fake, Config(owners=(OwnerSpec("acme", include_archived=True),))))
    named = scan(make_source(fake, explicit("acme/api", "acme/old")))
    for found in (listed, named):
        assert found["acme/old"].info.archived is True and found["acme/api"].info.archived is False
        pushed = found["acme/api"].info.pushed_at
        assert pushed is not None and before <= pushed <= datetime.now(UTC)
