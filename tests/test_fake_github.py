"""The fake GitHub server, exercised through the real PyGithub client."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest
from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededException
from github.GithubException import BadCredentialsException, UnknownObjectException

from tests.fakes.github import FakeGitHub, Submodule, Symlink, git_hash


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server


def client(fake: FakeGitHub, *, retry: object = None, per_page: int = 30, token: str = "t") -> Github:
    return Github(base_url=fake.url, auth=Auth.Token(token), retry=retry, per_page=per_page,
                  seconds_between_requests=None, seconds_between_writes=None)


def test_repo_branch_tree_blob_round_trip(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"deploy.sh": "echo hi\n", "ci/build.yml": b"on: push\n",
                                      "latest": Symlink("deploy.sh"), "vendor/lib": Submodule("a" * 40)})
    repo = client(fake).get_repo("acme/api")
    assert (repo.private, repo.default_branch, repo.owner.login) == (False, "main", "acme")
    assert repo.html_url.startswith(fake.url)
    head = repo.get_branch("main").commit.sha
    assert head == fake.head("acme/api") == repo.get_commit("HEAD").sha
    tree = repo.get_git_tree(head, recursive=True)
    entries = {e.path: (e.type, e.mode) for e in tree.tree}
    assert entries == {"ci": ("tree", "40000"), "ci/build.yml": ("blob", "100644"),
                       "deploy.sh": ("blob", "100644"), "latest": ("blob", "120000"),
                       "vendor": ("tree", "40000"), "vendor/lib": ("commit", "160000")}
    assert tree.raw_data["truncated"] is False
    sha = next(e.sha for e in tree.tree if e.path == "deploy.sh")
    assert sha == git_hash("blob", b"echo hi\n")  # real git object ids
    blob = repo.get_git_blob(sha)
    assert (blob.encoding, base64.b64decode(blob.content)) == ("base64", b"echo hi\n")
    assert repo.get_contents("ci/build.yml").decoded_content == b"on: push\n"


def test_set_and_delete_file_make_new_commits(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"a.txt": "1", "b.txt": "2"})
    first = fake.head("acme/api")
    second = fake.set_file("acme/api", "a.txt", "changed")
    third = fake.delete_file("acme/api", "b.txt")
    repo = client(fake).get_repo("acme/api")
    assert len({first, second, third}) == 3
    assert repo.get_commit(third).parents[0].sha == second
    assert [e.path for e in repo.get_git_tree(third, recursive=True).tree] == ["a.txt"]
    assert [e.path for e in repo.get_git_tree(first, recursive=True).tree] == ["a.txt", "b.txt"]


def test_link_pagination_over_org_repos(fake: FakeGitHub) -> None:
    for i in range(7):
        fake.add_repo(f"acme/r{i}", {"x": "y"})
    repos = client(fake, per_page=3).get_organization("acme").get_repos()
    assert [r.name for r in repos] == [f"r{i}" for i in range(7)]
    pages = fake.requests_to("GET", "/orgs/acme/repos")
    assert [p.query.get("page") for p in pages] == [None, "2", "3"]
    assert all(p.query["per_page"] == "3" for p in pages)


def test_link_header_format() -> None:
    with FakeGitHub() as fake:
        for i in range(5):
            fake.add_repo(f"acme/r{i}", {"x": "y"})
        response = httpx.get(f"{fake.url}/orgs/acme/repos", params={"per_page": 2, "page": 2},
                             headers={"Authorization": "token t"})
    assert response.headers["content-type"].startswith("application/json")
    links = response.headers["link"]
    assert 'page=3>; rel="next"' in links and 'page=3>; rel="last"' in links and 'rel="prev"' in links
    assert response.headers["x-ratelimit-limit"] == "5000"


def test_private_archived_fork_and_user_discovery(fake: FakeGitHub) -> None:
    fake.add_repo("acme/open", {"x": "1"})
    fake.add_repo("acme/secret", {"x": "1"}, private=True)
    fake.add_repo("alice/pub", {"x": "1"}, owner_type="User")
    fake.add_repo("alice/priv", {"x": "1"}, owner_type="User", private=True)
    fake.add_repo("pm-bot/mine", {"x": "1"}, private=True, owner_type="User")
    fake.add_repo("pm-bot/old", {"x": "1"}, archived=True, fork=True, owner_type="User")
    gh = client(fake)
    assert sorted(r.name for r in gh.get_organization("acme").get_repos()) == ["open", "secret"]
    assert [r.name for r in gh.get_user("alice").get_repos()] == ["pub"]
    mine = {r.full_name: r for r in gh.get_user().get_repos()}
    assert sorted(mine) == ["acme/open", "acme/secret", "pm-bot/mine", "pm-bot/old"]
    assert mine["pm-bot/old"].archived and mine["pm-bot/old"].fork and mine["pm-bot/mine"].private
    with pytest.raises(UnknownObjectException):
        gh.get_repo("alice/priv")  # private repos of others are hidden as 404
    anonymous = Github(base_url=fake.url, retry=None)
    assert [r.name for r in anonymous.get_organization("acme").get_repos()] == ["open"]


def test_errors_404_and_bad_credentials(fake: FakeGitHub) -> None:
    with pytest.raises(UnknownObjectException) as info:
        client(fake).get_repo("acme/missing")
    assert info.value.data["message"] == "Not Found" and "documentation_url" in info.value.data
    with pytest.raises(BadCredentialsException):
        _ = client(fake, token="wrong").get_user().login


def test_etag_gives_304(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    repo = client(fake).get_repo("acme/api")
    assert repo.update() is False  # conditional request answered 304 Not Modified
    assert fake.requests[-1].status == 304 and fake.requests[-1].headers["if-none-match"]


def test_fail_answers_n_times_then_recovers(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    fake.fail("GET", r"/repos/acme/api", 500, times=2)
    gh = client(fake)
    for _ in range(2):
        with pytest.raises(GithubException) as info:
            gh.get_repo("acme/api")
        assert info.value.status == 500
    assert gh.get_repo("acme/api").name == "api"


def test_malformed_json(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    fake.malformed("GET", r"/repos/acme/api")
    response = httpx.get(f"{fake.url}/repos/acme/api", headers={"Authorization": "token t"})
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert response.status_code == 200


def test_secondary_rate_limit_is_retried_by_pygithub(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    fake.secondary_rate_limit("GET", r"/repos/acme/api", retry_after=0, status=429)
    fake.secondary_rate_limit("GET", r"/repos/acme/api", retry_after=0, status=403)
    gh = client(fake, retry=GithubRetry(total=3, secondary_rate_wait=0))
    assert gh.get_repo("acme/api").name == "api"
    statuses = [r.status for r in fake.requests_to("GET", "/repos/acme/api")]
    assert statuses == [429, 403, 200]


def test_primary_rate_limit_without_retry_raises(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    fake.primary_rate_limit("GET", r"/repos/acme/api", reset_in=30)
    with pytest.raises(RateLimitExceededException) as info:
        client(fake).get_repo("acme/api")
    assert info.value.headers["x-ratelimit-remaining"] == "0"
    assert int(info.value.headers["x-ratelimit-reset"]) > 0


def test_running_out_of_requests_gives_primary_limit(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    fake.state.rate_remaining = 1
    gh = client(fake)
    gh.get_repo("acme/api")
    with pytest.raises(RateLimitExceededException):
        gh.get_repo("acme/api")


def test_after_effect_performs_then_fails(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    fake.fail("POST", r"/repos/acme/api/issues", 502, after_effect=True)
    repo = client(fake).get_repo("acme/api")
    with pytest.raises(GithubException) as info:
        repo.create_issue("Extract deploy", body="<!-- pattern-miner:abc -->")
    assert info.value.status == 502
    assert [i.title for i in repo.get_issues()] == ["Extract deploy"]  # it was created anyway


def test_issues_labels_comments_and_search(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    fake.add_issue("acme/api", "a pull request", "pattern-miner:abc", pull_request=True)
    fake.add_issue("acme/api", "old", "nothing", labels=("pattern-miner",), state="closed")
    repo = client(fake).get_repo("acme/api")
    issue = repo.create_issue("Extract deploy", body="marker <!-- pattern-miner:abc -->", labels=["pattern-miner"])
    assert issue.number == 3 and issue.user.login == "pm-bot"
    assert [i.number for i in repo.get_issues(state="all", labels=["pattern-miner"])] == [3, 2]
    assert [i.number for i in repo.get_issues(creator="pm-bot")] == [3, 1]  # PRs are listed, like GitHub
    issue.edit(title="Extract deploy (2 repos)", state="closed", state_reason="not_planned")
    assert (issue.title, issue.state, issue.state_reason) == ("Extract deploy (2 repos)", "closed", "not_planned")
    issue.edit(state="open")
    assert (issue.state, issue.state_reason) == ("open", "reopened")
    issue.create_comment("a new copy appeared")
    assert [c.body for c in issue.get_comments()] == ["a new copy appeared"]
    repo.create_label("duplication", "ff0000", "copied code")
    with pytest.raises(GithubException) as info:
        repo.create_label("Duplication", "00ff00")
    assert info.value.status == 422
    assert repo.get_label("duplication").color == "ff0000"
    issue.add_to_labels("duplication")
    assert [label.name for label in repo.get_issue(3).labels] == ["pattern-miner", "duplication"]
    found = client(fake).search_issues('repo:acme/api is:issue in:body "pattern-miner:abc"')
    assert [i.number for i in found] == [3]
    assert found.totalCount == 1
    assert [i.number for i in client(fake).search_issues("repo:acme/api label:pattern-miner")] == [3, 2]


def test_read_only_token_cannot_write(fake: FakeGitHub) -> None:
    fake.add_repo("acme/api", {"x": "1"})
    fake.add_token("ro", "reader", write=False)
    fake.state.accounts["acme"].members.add("reader")
    repo = client(fake, token="ro").get_repo("acme/api")
    with pytest.raises(GithubException) as info:
        repo.create_issue("nope")
    assert info.value.status == 403


def test_truncated_tree(fake: FakeGitHub) -> None:
    fake.add_repo("acme/big", {f"f{i}.txt": str(i) for i in range(10)}, truncated=True)
    repo = client(fake).get_repo("acme/big")
    tree = repo.get_git_tree("main", recursive=True)
    assert tree.raw_data["truncated"] is True and len(tree.tree) == 5
