"""A fake GitHub REST API on 127.0.0.1, spoken to through the real PyGithub client.

    with FakeGitHub() as fake:
        fake.add_repo("acme/api", {"deploy.sh": "echo hi\\n"})
        gh = Github(base_url=fake.url, auth=Auth.Token(fake.token), retry=None)
        gh.get_repo("acme/api").get_branch("main").commit.sha

What it models (the documented wire format, close enough for PyGithub 2.10.0 unmodified):
- accounts (users and orgs, org membership), tokens (``"t"`` belongs to user ``pm-bot``; unknown
  tokens get 401 "Bad credentials"; read-only tokens get 403 on writes);
- repositories (private/archived/fork/has_issues, default branch) with real git object ids: blobs,
  trees and commits are hashed as git hashes them; ``set_file``/``delete_file`` make a new commit;
- issues (pull requests can be seeded: listed like GitHub does, excluded by ``is:issue``), comments,
  labels and ``/search/issues``;
- ``Link`` pagination (``per_page``/``page``), ETag + ``If-None-Match`` -> 304, ``x-ratelimit-*`` on
  every response (running out gives the documented primary-limit 403);
- repository archives: ``GET /repos/{o}/{r}/tarball/{ref}`` answers 302 to a download (``/_codeload/...``,
  a short-lived token in the URL for a private repository) that is not counted against the rate limit
  and serves a real tar.gz as ``git archive`` writes it (``{owner}-{repo}-{sha7}/`` prefix, a pax
  header with the commit id, symlinks as links, no submodules);
- faults: ``fail(method, path_regex, status, ...)`` answers the next matching requests with an error
  (or any body, e.g. malformed JSON); ``after_effect=True`` performs the request first.

Every request is logged in ``.requests`` (method, path, query, body, headers, status).
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import re
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import pytest

DOCS = "https://docs.github.com/rest"
RATE_LIMIT = 5000
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID."
)
DEFAULT_MESSAGES = {
    400: "Problems parsing JSON",
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    410: "Issues are disabled for this repo",
    422: "Validation Failed",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Symlink:
    """A symbolic link in a seeded repository (a blob with mode 120000)."""

    target: str


@dataclass(frozen=True)
class Submodule:
    """A submodule in a seeded repository (a ``commit`` entry with mode 160000)."""

    sha: str


FileValue = bytes | str | Symlink | Submodule


@dataclass
class Account:
    login: str
    id: int
    type: str  # "User" | "Organization"
    members: set[str] = field(default_factory=set)  # org members (logins)


@dataclass
class Commit:
    sha: str
    tree: str
    parents: list[str]
    message: str
    date: str


@dataclass
class FakeRepo:
    full_name: str
    id: int
    owner: str
    private: bool = False
    archived: bool = False
    fork: bool = False
    has_issues: bool = True
    default_branch: str = "main"
    truncated: bool = False  # answer recursive tree requests with truncated=true and half the entries
    files: dict[str, FileValue] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)  # name -> commit sha
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower-case name -> label
    next_number: int = 1
    created_at: str = ""

    @property
    def name(self) -> str:
        return self.full_name.split("/", 1)[1]


@dataclass
class Token:
    login: str
    write: bool = True
    integration: bool = False  # an app's or the workflow's token: GET /user is refused, issues are by a Bot


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    status: int = 0


@dataclass
class Fault:
    method: str
    path_regex: str
    status: int
    times: int
    headers: dict[str, str]
    body: Any
    after_effect: bool


@dataclass
class State:
    accounts: dict[str, Account] = field(default_factory=dict)  # lower-case login -> account
    repos: dict[str, FakeRepo] = field(default_factory=dict)  # lower-case full name -> repo
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)  # sha -> (mode, type, name, sha)
    commits: dict[str, Commit] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    rate_remaining: int = RATE_LIMIT
    rate_reset: int = 0


class HttpError(Exception):
    def __init__(self, status: int, message: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.payload: dict[str, Any] = {
            "message": message or DEFAULT_MESSAGES.get(status, "Error"),
            "documentation_url": DOCS,
            "status": str(status),
            **extra,
        }


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def git_hash(kind: str, data: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()


Route = tuple[str, re.Pattern[str], Callable[..., Any]]


class FakeGitHub:
    """The fake server and its in-memory state. Use as a context manager or the ``fake_github`` fixture."""

    def __init__(self, *, login: str = "pm-bot", token: str = "t") -> None:
        self.state = State()
        self.state.rate_reset = int(time.time()) + 3600
        self.requests: list[Request] = []  # API requests
        self.downloads: list[Request] = []  # archive downloads (not the API: not rate limited)
        self.archive_tokens: set[str] = set()
        self.archive_rewrites: dict[str, bytes] = {}  # path -> what the archive holds instead (LFS, export-subst)
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self._ids = itertools.count(1000)
        self.login = login
        self.token = token
        self.add_user(login)
        self.add_token(token, login)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._routes: list[Route] = _routes(self)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-github",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeGitHub is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- seeding -------------------------------------------------------------------------------
    def add_user(self, login: str) -> Account:
        return self._account(login, "User")

    def add_org(self, login: str, members: tuple[str, ...] = ()) -> Account:
        account = self._account(login, "Organization")
        account.members.update(members)
        return account

    def add_token(self, token: str, login: str, *, write: bool = True) -> None:
        self.add_user(login)
        self.state.tokens[token] = Token(login, write)

    def add_integration_token(self, token: str, login: str = "github-actions[bot]",
                              owners: tuple[str, ...] = ()) -> None:
        """A GitHub App installation token (the workflow's GITHUB_TOKEN is one): it acts as a Bot account,
        can read the private repositories of ``owners``, and is refused ``GET /user`` with 403."""
        self._account(login, "Bot")
        for owner in owners:
            self.state.accounts[owner.lower()].members.add(login)
        self.state.tokens[token] = Token(login, True, integration=True)

    def add_repo(
        self,
        full_name: str,
        files: dict[str, FileValue] | None = None,
        *,
        private: bool = False,
        archived: bool = False,
        fork: bool = False,
        owner_type: str = "Organization",
        default_branch: str = "main",
        has_issues: bool = True,
        truncated: bool = False,
    ) -> FakeRepo:
        owner, _, name = full_name.partition("/")
        assert owner and name, full_name
        with self.lock:
            account = self.state.accounts.get(owner.lower()) or self._account(owner, owner_type)
            if account.type == "Organization":
                account.members.add(self.login)
            repo = FakeRepo(
                full_name=f"{account.login}/{name}",
                id=next(self._ids),
                owner=account.login,
                private=private,
                archived=archived,
                fork=fork,
                has_issues=has_issues,
                default_branch=default_branch,
                truncated=truncated,
                created_at=now_iso(),
            )
            self.state.repos[repo.full_name.lower()] = repo
            repo.files = {path: value for path, value in (files or {}).items()}
            self._commit(repo, "Initial commit")
            return repo

    def repo(self, full_name: str) -> FakeRepo:
        return self.state.repos[full_name.lower()]

    def set_file(self, full_name: str, path: str, content: FileValue, message: str | None = None) -> str:
        """Create or change one file on the default branch; returns the new head commit SHA."""
        with self.lock:
            repo = self.repo(full_name)
            repo.files[path] = content
            return self._commit(repo, message or f"Update {path}")

    def delete_file(self, full_name: str, path: str, message: str | None = None) -> str:
        with self.lock:
            repo = self.repo(full_name)
            del repo.files[path]
            return self._commit(repo, message or f"Delete {path}")

    def head(self, full_name: str) -> str:
        repo = self.repo(full_name)
        return repo.branches[repo.default_branch]

    def add_issue(
        self,
        full_name: str,
        title: str,
        body: str = "",
        *,
        labels: tuple[str, ...] = (),
        state: str = "open",
        user: str | None = None,
        pull_request: bool = False,
    ) -> dict[str, Any]:
        """Seed an issue (or a pull request, which the issues endpoints list as GitHub does)."""
        with self.lock:
            repo = self.repo(full_name)
            issue = self._new_issue(repo, title, body, list(labels), user or self.login)
            if pull_request:
                issue["pull_request"] = True
            if state == "closed":
                issue.update(state="closed", state_reason="completed", closed_at=now_iso())
            return issue

    # -- faults --------------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        path_regex: str,
        status: int,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: Any = None,
        after_effect: bool = False,
    ) -> None:
        """Answer the next ``times`` requests whose path fully matches ``path_regex`` with ``status``.

        ``method`` may be ``"*"``. ``body``: None (GitHub's error JSON for the status), a dict
        (sent as JSON) or str/bytes (sent as is, e.g. malformed JSON). ``after_effect``: perform the
        request, then answer with the error (like a 502 after the issue was created).
        """
        with self.lock:
            self.faults.append(
                Fault(method.upper(), path_regex, status, times, dict(headers or {}), body, after_effect)
            )

    def secondary_rate_limit(self, method: str, path_regex: str, *, retry_after: int = 1,
                             status: int = 403, times: int = 1) -> None:
        self.fail(method, path_regex, status, times, headers={"Retry-After": str(retry_after)},
                  body={"message": SECONDARY_MESSAGE, "documentation_url": DOCS})

    def primary_rate_limit(self, method: str, path_regex: str, *, reset_in: int = 60, times: int = 1) -> None:
        reset = int(time.time()) + reset_in
        self.fail(method, path_regex, 403, times,
                  headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
                  body={"message": f"API rate limit exceeded for user ID 1. Reset at {reset}.",
                        "documentation_url": DOCS})

    def malformed(self, method: str, path_regex: str, *, times: int = 1, status: int = 200) -> None:
        self.fail(method, path_regex, status, times, body='{"sha": "abc", "tree": [')

    # -- the request log -----------------------------------------------------------------------
    def requests_to(self, method: str, path_regex: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests
                    if (method == "*" or r.method == method.upper()) and re.fullmatch(path_regex, r.path)]

    def clear_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    # -- internals -----------------------------------------------------------------------------
    def _account(self, login: str, kind: str) -> Account:
        with self.lock:
            account = self.state.accounts.get(login.lower())
            if account is None:
                account = Account(login, next(self._ids), kind)
                self.state.accounts[login.lower()] = account
            return account

    def _store_tree(self, files: dict[str, FileValue]) -> str:
        """Write the tree objects for ``files`` (git's format and ids); returns the root tree SHA."""
        children: dict[str, dict[str, FileValue]] = {}
        entries: list[tuple[str, str, str, str]] = []
        for path, value in files.items():
            head, sep, rest = path.partition("/")
            if sep:
                children.setdefault(head, {})[rest] = value
                continue
            if isinstance(value, Submodule):
                entries.append(("160000", "commit", head, value.sha))
                continue
            if isinstance(value, Symlink):
                data, mode = value.target.encode(), "120000"
            else:
                data, mode = (value.encode() if isinstance(value, str) else value), "100644"
            sha = git_hash("blob", data)
            self.state.blobs[sha] = data
            entries.append((mode, "blob", head, sha))
        for name, sub in children.items():
            entries.append(("40000", "tree", name, self._store_tree(sub)))
        entries.sort(key=lambda e: e[2] + ("/" if e[1] == "tree" else ""))
        raw = b"".join(f"{mode} {name}".encode() + b"\0" + bytes.fromhex(sha) for mode, _, name, sha in entries)
        tree_sha = git_hash("tree", raw)
        self.state.trees[tree_sha] = entries
        return tree_sha

    def _commit(self, repo: FakeRepo, message: str) -> str:
        tree = self._store_tree(repo.files)
        parent = repo.branches.get(repo.default_branch)
        date = now_iso()
        text = f"tree {tree}\n" + (f"parent {parent}\n" if parent else "") + f"{message}\n{next(self._ids)}"
        sha = git_hash("commit", text.encode())
        self.state.commits[sha] = Commit(sha, tree, [parent] if parent else [], message, date)
        repo.branches[repo.default_branch] = sha
        return sha

    def _new_issue(self, repo: FakeRepo, title: str, body: str | None, labels: list[str], user: str) -> dict[str, Any]:
        number = repo.next_number
        repo.next_number += 1
        stamp = now_iso()
        issue = {
            "number": number, "id": next(self._ids), "title": title, "body": body, "state": "open",
            "state_reason": None, "user": user, "labels": [self._label(repo, n)["name"] for n in labels],
            "created_at": stamp, "updated_at": stamp, "closed_at": None, "locked": False,
        }
        repo.issues[number] = issue
        repo.comments[number] = []
        return issue

    def _label(self, repo: FakeRepo, name: str, color: str = "ededed", description: str | None = None) -> dict[str, Any]:
        label = repo.labels.get(name.lower())
        if label is None:
            label = {"id": next(self._ids), "name": name, "color": color, "description": description}
            repo.labels[name.lower()] = label
        return label


# -- request handling ------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stalls

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_GET

    def _handle(self) -> None:
        fake = self.fake
        split = urlsplit(self.path)
        path = unquote(split.path).rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, path, query, None, headers)
        if path.startswith("/_codeload/"):
            self._codeload(request)
            return
        with fake.lock:
            fake.requests.append(request)
            fault = next((f for f in fake.faults
                          if f.times > 0 and f.method in ("*", self.command) and re.fullmatch(f.path_regex, path)), None)
            if fault is not None:
                fault.times -= 1
            status, payload, extra = 200, None, {}
            if fault is None or fault.after_effect:
                try:
                    request.body = json.loads(raw) if raw else None
                    status, payload, extra = _dispatch(fake, self.command, path, query, request)
                except json.JSONDecodeError:
                    status, payload = 400, HttpError(400).payload
                except HttpError as exc:
                    status, payload, extra = exc.status, exc.payload, {}
            if fault is not None:
                status, extra = fault.status, dict(fault.headers)
                payload = fault.body if fault.body is not None else HttpError(fault.status).payload
            request.status = status
            self._respond(request, status, payload, extra)

    def _codeload(self, request: Request) -> None:
        """An archive download: not the API (no rate limit, no auth header; a private one needs the
        token its link carries)."""
        fake = self.fake
        with fake.lock:
            fake.downloads.append(request)
            fault = next((f for f in fake.faults if f.times > 0 and re.fullmatch(f.path_regex, request.path)), None)
            if fault is not None:
                fault.times -= 1
            m = re.fullmatch(r"/_codeload/([^/]+)/([^/]+)/legacy\.tar\.gz/([0-9a-f]+)", request.path)
            repo = fake.state.repos.get(f"{m.group(1)}/{m.group(2)}".lower()) if m else None
            ok = repo is not None and m is not None and m.group(3) in fake.state.commits and (
                not repo.private or request.query.get("token") in fake.archive_tokens)
            body = _archive(fake, repo, m.group(3)) if ok and repo is not None and m is not None else b"Not Found"
        status = fault.status if fault is not None else (200 if ok else 404)
        if fault is not None:
            body = fault.body if isinstance(fault.body, bytes) else b"error"
        request.status = status
        self.send_response(status)
        self.send_header("Content-Type", "application/x-gzip" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _respond(self, request: Request, status: int, payload: Any, extra: dict[str, str]) -> None:
        fake = self.fake
        body = payload if isinstance(payload, bytes) else (
            payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        )
        headers = {"Content-Type": "application/json; charset=utf-8", "X-GitHub-Media-Type": "github.v3"}
        etag = None
        if request.method == "GET" and status == 200:
            etag = f'W/"{hashlib.sha256(body).hexdigest()}"'
            headers["ETag"] = etag
        if etag and request.headers.get("if-none-match") == etag:
            status, body = 304, b""
            request.status = 304
        elif status not in (304,) and fake.state.rate_remaining > 0:
            fake.state.rate_remaining -= 1
        headers.update({
            "x-ratelimit-limit": str(RATE_LIMIT),
            "x-ratelimit-remaining": str(fake.state.rate_remaining),
            "x-ratelimit-reset": str(fake.state.rate_reset),
            "x-ratelimit-used": str(RATE_LIMIT - fake.state.rate_remaining),
            "x-ratelimit-resource": "search" if request.path.startswith("/search/") else "core",
            "x-github-request-id": f"FAKE:{len(fake.requests)}",
        })
        headers.update(extra)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status != 304:
            self.wfile.write(body)


def _dispatch(fake: FakeGitHub, method: str, path: str, query: dict[str, str],
              request: Request) -> tuple[int, Any, dict[str, str]]:
    state = fake.state
    auth = request.headers.get("authorization", "")
    token = auth.split(" ", 1)[1] if " " in auth else ""
    viewer = None
    if auth:
        if token not in state.tokens:
            raise HttpError(401, "Bad credentials")
        viewer = state.tokens[token]
    if state.rate_remaining <= 0:
        if time.time() < state.rate_reset:
            raise HttpError(403, "API rate limit exceeded for user ID 1.")
        state.rate_remaining, state.rate_reset = RATE_LIMIT, int(time.time()) + 3600
    for verb, pattern, handler in fake._routes:
        match = pattern.fullmatch(path)
        if verb == method and match:
            ctx = _Ctx(fake, viewer, query, request.body, path)
            result = handler(ctx, *match.groups())
            if isinstance(result, tuple):
                return result
            return 200, result, {}
    raise HttpError(404)


@dataclass
class _Ctx:
    fake: FakeGitHub
    viewer: Token | None
    query: dict[str, str]
    body: Any
    path: str

    @property
    def base(self) -> str:
        return self.fake.url

    def login(self) -> str:
        if self.viewer is None:
            raise HttpError(401, "Requires authentication")
        return self.viewer.login

    def can_read(self, repo: FakeRepo) -> bool:
        if not repo.private:
            return True
        if self.viewer is None:
            return False
        login = self.viewer.login.lower()
        owner = self.fake.state.accounts[repo.owner.lower()]
        return owner.login.lower() == login or login in {m.lower() for m in owner.members}

    def repo(self, owner: str, name: str) -> FakeRepo:
        repo = self.fake.state.repos.get(f"{owner}/{name}".lower())
        if repo is None or not self.can_read(repo):
            raise HttpError(404)
        return repo

    def writable(self, owner: str, name: str) -> FakeRepo:
        repo = self.repo(owner, name)
        self.login()
        assert self.viewer is not None
        if not self.viewer.write:
            raise HttpError(403, "Resource not accessible by personal access token")
        if repo.archived:
            raise HttpError(403, "Repository was archived so is read-only.")
        return repo

    def page(self, items: list[Any]) -> tuple[int, list[Any], dict[str, str]]:
        """Slice ``items`` by ``per_page``/``page`` and add the ``Link`` header GitHub sends."""
        try:
            per_page = max(1, min(100, int(self.query.get("per_page", "30"))))
            page = max(1, int(self.query.get("page", "1")))
        except ValueError as exc:
            raise HttpError(422, "Invalid pagination parameters") from exc
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        links = []

        def link(n: int, rel: str) -> str:
            params = {**self.query, "page": str(n)}
            return f'<{self.base}{quote(self.path)}?{urlencode(params)}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})


# -- JSON shapes -----------------------------------------------------------------------------------

def _account_json(ctx: _Ctx, account: Account, *, full: bool = False) -> dict[str, Any]:
    api = f"{ctx.base}/users/{account.login}"
    out: dict[str, Any] = {
        "login": account.login, "id": account.id, "node_id": f"U_{account.id}",
        "avatar_url": f"{ctx.base}/avatars/{account.login}", "gravatar_id": "",
        "url": api, "html_url": f"{ctx.base}/{account.login}", "repos_url": f"{api}/repos",
        "type": account.type, "site_admin": False,
    }
    if full:
        repos = [r for r in ctx.fake.state.repos.values() if r.owner == account.login]
        out.update(
            name=account.login, company=None, blog="", location=None, email=None, bio=None,
            public_repos=sum(not r.private for r in repos), followers=0, following=0,
            created_at="2020-01-01T00:00:00Z", updated_at="2020-01-01T00:00:00Z",
        )
    return out


def _repo_json(ctx: _Ctx, repo: FakeRepo) -> dict[str, Any]:
    api = f"{ctx.base}/repos/{repo.full_name}"
    owner = ctx.fake.state.accounts[repo.owner.lower()]
    return {
        "id": repo.id, "node_id": f"R_{repo.id}", "name": repo.name, "full_name": repo.full_name,
        "owner": _account_json(ctx, owner), "private": repo.private,
        "visibility": "private" if repo.private else "public",
        "html_url": f"{ctx.base}/{repo.full_name}", "description": None, "fork": repo.fork,
        "url": api, "branches_url": f"{api}/branches{{/branch}}", "issues_url": f"{api}/issues{{/number}}",
        "labels_url": f"{api}/labels{{/name}}", "git_url": f"git://127.0.0.1/{repo.full_name}.git",
        "clone_url": f"{ctx.base}/{repo.full_name}.git", "archived": repo.archived, "disabled": False,
        "has_issues": repo.has_issues, "default_branch": repo.default_branch, "size": len(repo.files),
        "open_issues_count": sum(i["state"] == "open" for i in repo.issues.values()),
        "created_at": repo.created_at, "updated_at": repo.created_at, "pushed_at": repo.created_at,
        "permissions": {"admin": False, "push": bool(ctx.viewer and ctx.viewer.write), "pull": True},
    }


def _commit_json(ctx: _Ctx, repo: FakeRepo, commit: Commit) -> dict[str, Any]:
    api = f"{ctx.base}/repos/{repo.full_name}"
    person = {"name": "Fake", "email": "fake@example.com", "date": commit.date}
    return {
        "sha": commit.sha, "node_id": f"C_{commit.sha[:10]}", "url": f"{api}/commits/{commit.sha}",
        "html_url": f"{ctx.base}/{repo.full_name}/commit/{commit.sha}",
        "commit": {
            "url": f"{api}/git/commits/{commit.sha}", "message": commit.message,
            "author": person, "committer": person,
            "tree": {"sha": commit.tree, "url": f"{api}/git/trees/{commit.tree}"},
        },
        "parents": [{"sha": p, "url": f"{api}/commits/{p}"} for p in commit.parents],
    }


def _label_json(ctx: _Ctx, repo: FakeRepo, name: str) -> dict[str, Any]:
    label = repo.labels[name.lower()]
    return {
        "id": label["id"], "node_id": f"L_{label['id']}",
        "url": f"{ctx.base}/repos/{repo.full_name}/labels/{quote(label['name'])}",
        "name": label["name"], "color": label["color"], "description": label["description"], "default": False,
    }


def _issue_json(ctx: _Ctx, repo: FakeRepo, issue: dict[str, Any]) -> dict[str, Any]:
    api = f"{ctx.base}/repos/{repo.full_name}"
    url = f"{api}/issues/{issue['number']}"
    user = ctx.fake.state.accounts[issue["user"].lower()]
    out = {
        "id": issue["id"], "node_id": f"I_{issue['id']}", "url": url, "repository_url": api,
        "labels_url": f"{url}/labels{{/name}}", "comments_url": f"{url}/comments", "events_url": f"{url}/events",
        "html_url": f"{ctx.base}/{repo.full_name}/issues/{issue['number']}", "number": issue["number"],
        "state": issue["state"], "state_reason": issue["state_reason"], "title": issue["title"],
        "body": issue["body"], "user": _account_json(ctx, user),
        "labels": [_label_json(ctx, repo, n) for n in issue["labels"]],
        "assignee": None, "assignees": [], "milestone": None, "locked": issue["locked"],
        "comments": len(repo.comments[issue["number"]]), "created_at": issue["created_at"],
        "updated_at": issue["updated_at"], "closed_at": issue["closed_at"], "author_association": "OWNER",
    }
    if issue.get("pull_request"):
        out["pull_request"] = {"url": f"{api}/pulls/{issue['number']}",
                               "html_url": f"{ctx.base}/{repo.full_name}/pull/{issue['number']}"}
    return out


def _comment_json(ctx: _Ctx, repo: FakeRepo, number: int, comment: dict[str, Any]) -> dict[str, Any]:
    api = f"{ctx.base}/repos/{repo.full_name}"
    user = ctx.fake.state.accounts[comment["user"].lower()]
    return {
        "id": comment["id"], "node_id": f"IC_{comment['id']}", "url": f"{api}/issues/comments/{comment['id']}",
        "html_url": f"{ctx.base}/{repo.full_name}/issues/{number}#issuecomment-{comment['id']}",
        "issue_url": f"{api}/issues/{number}", "body": comment["body"], "user": _account_json(ctx, user),
        "created_at": comment["created_at"], "updated_at": comment["created_at"], "author_association": "OWNER",
    }


# -- endpoints -------------------------------------------------------------------------------------

def _user(ctx: _Ctx) -> Any:
    login = ctx.login()
    if ctx.viewer is not None and ctx.viewer.integration:
        raise HttpError(403, "Resource not accessible by integration")
    return _account_json(ctx, ctx.fake.state.accounts[login.lower()], full=True)


def _get_user(ctx: _Ctx, login: str) -> Any:
    account = ctx.fake.state.accounts.get(login.lower())
    if account is None:
        raise HttpError(404)
    return _account_json(ctx, account, full=True)


def _get_org(ctx: _Ctx, login: str) -> Any:
    account = ctx.fake.state.accounts.get(login.lower())
    if account is None or account.type != "Organization":
        raise HttpError(404)
    out = _account_json(ctx, account, full=True)
    out["url"] = f"{ctx.base}/orgs/{account.login}"
    out["repos_url"] = f"{ctx.base}/orgs/{account.login}/repos"
    return out


def _sorted_repos(ctx: _Ctx, repos: list[FakeRepo]) -> list[FakeRepo]:
    sort = ctx.query.get("sort", "full_name")
    if sort in ("created", "updated", "pushed"):
        key: Callable[[FakeRepo], Any] = lambda r: r.id  # noqa: E731 - creation order
        default_dir = "desc"
    else:
        key, default_dir = (lambda r: r.full_name.lower()), "asc"
    return sorted(repos, key=key, reverse=ctx.query.get("direction", default_dir) == "desc")


def _org_repos(ctx: _Ctx, login: str) -> Any:
    org = ctx.fake.state.accounts.get(login.lower())
    if org is None or org.type != "Organization":
        raise HttpError(404)
    kind = ctx.query.get("type", "all")
    repos = [r for r in ctx.fake.state.repos.values() if r.owner == org.login and ctx.can_read(r)]
    filters: dict[str, Callable[[FakeRepo], bool]] = {
        "public": lambda r: not r.private, "private": lambda r: r.private,
        "forks": lambda r: r.fork, "sources": lambda r: not r.fork,
    }
    if kind in filters:
        repos = [r for r in repos if filters[kind](r)]
    return ctx.page([_repo_json(ctx, r) for r in _sorted_repos(ctx, repos)])


def _user_repos(ctx: _Ctx, login: str) -> Any:
    account = ctx.fake.state.accounts.get(login.lower())
    if account is None:
        raise HttpError(404)
    repos = [r for r in ctx.fake.state.repos.values() if r.owner == account.login and not r.private]
    return ctx.page([_repo_json(ctx, r) for r in _sorted_repos(ctx, repos)])


def _my_repos(ctx: _Ctx) -> Any:
    login = ctx.login()
    if "type" in ctx.query and ({"visibility", "affiliation"} & ctx.query.keys()):
        raise HttpError(422, "If you specify visibility or affiliation, you cannot specify type.")
    visibility = ctx.query.get("visibility", "all")
    affiliation = set(ctx.query.get("affiliation", "owner,collaborator,organization_member").split(","))
    if ctx.query.get("type") in ("owner", "public", "private"):
        affiliation = {"owner"}
        visibility = {"owner": "all"}.get(ctx.query["type"], ctx.query["type"])
    repos = []
    for repo in ctx.fake.state.repos.values():
        owned = repo.owner.lower() == login.lower()
        if not ctx.can_read(repo) or (owned and "owner" not in affiliation):
            continue
        if not owned and "organization_member" not in affiliation:
            continue
        if not owned and ctx.fake.state.accounts[repo.owner.lower()].type != "Organization":
            continue
        if visibility != "all" and (visibility == "private") != repo.private:
            continue
        repos.append(repo)
    return ctx.page([_repo_json(ctx, r) for r in _sorted_repos(ctx, repos)])


def _get_repo(ctx: _Ctx, owner: str, name: str) -> Any:
    return _repo_json(ctx, ctx.repo(owner, name))


def _resolve(ctx: _Ctx, repo: FakeRepo, ref: str) -> Commit:
    state = ctx.fake.state
    sha = repo.branches.get(repo.default_branch if ref == "HEAD" else ref)
    if sha is None and re.fullmatch(r"[0-9a-f]{7,40}", ref):
        reachable = _history(state, repo)
        sha = next((s for s in reachable if s.startswith(ref)), None)
    if sha is None:
        raise HttpError(422, f"No commit found for SHA: {ref}")
    return state.commits[sha]


def _history(state: State, repo: FakeRepo) -> list[str]:
    out, todo = [], list(repo.branches.values())
    while todo:
        sha = todo.pop()
        if sha not in out:
            out.append(sha)
            todo.extend(state.commits[sha].parents)
    return out


def _branch(ctx: _Ctx, owner: str, name: str, branch: str) -> Any:
    repo = ctx.repo(owner, name)
    if branch not in repo.branches:
        raise HttpError(404, "Branch not found")
    commit = ctx.fake.state.commits[repo.branches[branch]]
    api = f"{ctx.base}/repos/{repo.full_name}"
    return {
        "name": branch, "commit": _commit_json(ctx, repo, commit), "protected": False,
        "_links": {"self": f"{api}/branches/{branch}", "html": f"{ctx.base}/{repo.full_name}/tree/{branch}"},
        "protection_url": f"{api}/branches/{branch}/protection",
    }


def _commit(ctx: _Ctx, owner: str, name: str, ref: str) -> Any:
    repo = ctx.repo(owner, name)
    return _commit_json(ctx, repo, _resolve(ctx, repo, ref))


def _walk(state: State, tree_sha: str, prefix: str, recursive: bool) -> Iterator[tuple[str, str, str, str]]:
    for mode, kind, name, sha in state.trees[tree_sha]:
        path = f"{prefix}{name}"
        yield mode, kind, path, sha
        if kind == "tree" and recursive:
            yield from _walk(state, sha, f"{path}/", True)


def _tree(ctx: _Ctx, owner: str, name: str, ref: str) -> Any:
    repo = ctx.repo(owner, name)
    state = ctx.fake.state
    tree_sha = ref if ref in state.trees else None
    if tree_sha is None:
        try:
            tree_sha = _resolve(ctx, repo, ref).tree
        except HttpError as exc:
            raise HttpError(404) from exc
    recursive = "recursive" in ctx.query
    api = f"{ctx.base}/repos/{repo.full_name}"
    entries = []
    for mode, kind, path, sha in _walk(state, tree_sha, "", recursive):
        entry: dict[str, Any] = {"path": path, "mode": mode, "type": kind, "sha": sha}
        if kind == "blob":
            entry.update(size=len(state.blobs[sha]), url=f"{api}/git/blobs/{sha}")
        elif kind == "tree":
            entry["url"] = f"{api}/git/trees/{sha}"
        entries.append(entry)
    truncated = recursive and repo.truncated
    if truncated:
        entries = entries[: len(entries) // 2]
    return {"sha": tree_sha, "url": f"{api}/git/trees/{tree_sha}", "tree": entries, "truncated": truncated}


def _tarball(ctx: _Ctx, owner: str, name: str, ref: str = "") -> Any:
    """GET /repos/{o}/{r}/tarball[/{ref}]: 302 to the download (the API request is counted; it is not)."""
    repo = ctx.repo(owner, name)
    commit = _resolve(ctx, repo, ref or repo.default_branch)
    url = f"{ctx.base}/_codeload/{repo.full_name}/legacy.tar.gz/{commit.sha}"
    if repo.private:
        token = f"ARCH{next(ctx.fake._ids)}"
        ctx.fake.archive_tokens.add(token)
        url += f"?token={token}"
    return 302, b"", {"Location": url}


def _archive(fake: FakeGitHub, repo: FakeRepo, sha: str) -> bytes:
    """The commit's tree as ``git archive --format=tar.gz`` writes it."""
    state = fake.state
    prefix = f"{repo.full_name.replace('/', '-')}-{sha[:7]}/"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT, pax_headers={"comment": sha}) as tar:
        root = tarfile.TarInfo(prefix.rstrip("/"))
        root.type = tarfile.DIRTYPE
        tar.addfile(root)
        for mode, kind, path, blob in _walk(state, state.commits[sha].tree, "", True):
            info = tarfile.TarInfo(prefix + path)
            if kind == "tree":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "blob" and mode == "120000":
                info.type, info.linkname = tarfile.SYMTYPE, state.blobs[blob].decode()
                tar.addfile(info)
            elif kind == "blob":
                data = fake.archive_rewrites.get(path, state.blobs[blob])
                info.size, info.mode = len(data), 0o755 if mode == "100755" else 0o644
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "".join(text[i:i + 60] + "\n" for i in range(0, len(text), 60))


def _blob(ctx: _Ctx, owner: str, name: str, sha: str) -> Any:
    repo = ctx.repo(owner, name)
    data = ctx.fake.state.blobs.get(sha)
    if data is None:
        raise HttpError(404)
    return {"sha": sha, "node_id": f"B_{sha[:10]}", "size": len(data),
            "url": f"{ctx.base}/repos/{repo.full_name}/git/blobs/{sha}", "content": _b64(data), "encoding": "base64"}


def _contents(ctx: _Ctx, owner: str, name: str, path: str = "") -> Any:
    repo = ctx.repo(owner, name)
    state = ctx.fake.state
    commit = _resolve(ctx, repo, ctx.query.get("ref", repo.default_branch))
    api = f"{ctx.base}/repos/{repo.full_name}"

    def item(kind: str, item_path: str, sha: str, mode: str) -> dict[str, Any]:
        ref = ctx.query.get("ref", repo.default_branch)
        out: dict[str, Any] = {
            "type": {"tree": "dir", "commit": "submodule"}.get(kind, "symlink" if mode == "120000" else "file"),
            "name": item_path.rsplit("/", 1)[-1], "path": item_path, "sha": sha,
            "size": len(state.blobs[sha]) if kind == "blob" else 0,
            "url": f"{api}/contents/{quote(item_path)}?ref={ref}",
            "html_url": f"{ctx.base}/{repo.full_name}/blob/{ref}/{quote(item_path)}",
            "git_url": f"{api}/git/{'trees' if kind == 'tree' else 'blobs'}/{sha}",
            "download_url": f"{ctx.base}/raw/{repo.full_name}/{ref}/{quote(item_path)}" if kind == "blob" else None,
        }
        out["_links"] = {"self": out["url"], "git": out["git_url"], "html": out["html_url"]}
        return out

    entries = {p: (m, k, s) for m, k, p, s in _walk(state, commit.tree, "", True)}
    if path and path not in entries:
        raise HttpError(404)
    if path and entries[path][1] != "tree":
        mode, kind, sha = entries[path]
        out = item(kind, path, sha, mode)
        if kind == "blob":
            out.update(content=_b64(state.blobs[sha]), encoding="base64")
        return out
    tree = entries[path][2] if path else commit.tree
    prefix = f"{path}/" if path else ""
    return [item(k, f"{prefix}{n}", s, m) for m, k, n, s in state.trees[tree]]


def _issue_filter(ctx: _Ctx, repo: FakeRepo) -> list[dict[str, Any]]:
    state = ctx.query.get("state", "open")
    labels = {n.strip().lower() for n in ctx.query.get("labels", "").split(",") if n.strip()}
    creator = ctx.query.get("creator", "").lower()
    since = ctx.query.get("since", "")  # ISO 8601, UTC: only issues updated at or after it
    issues = [
        i for i in repo.issues.values()
        if (state == "all" or i["state"] == state)
        and labels <= {n.lower() for n in i["labels"]}
        and (not creator or i["user"].lower() == creator)
        and (not since or i["updated_at"] >= since.replace("+00:00", "Z"))
    ]
    sort = ctx.query.get("sort", "created")
    key = {"updated": lambda i: (i["updated_at"], i["number"]),
           "comments": lambda i: (len(repo.comments[i["number"]]), i["number"])}.get(
        sort, lambda i: (i["created_at"], i["number"]))
    return sorted(issues, key=key, reverse=ctx.query.get("direction", "desc") == "desc")


def _list_issues(ctx: _Ctx, owner: str, name: str) -> Any:
    repo = ctx.repo(owner, name)
    return ctx.page([_issue_json(ctx, repo, i) for i in _issue_filter(ctx, repo)])


def _labels_of(body: Any) -> list[str]:
    names = body.get("labels", []) if isinstance(body, dict) else body
    if not isinstance(names, list):
        raise HttpError(422, "Invalid request.\n\nFor 'properties/labels', is not an array.")
    return [n["name"] if isinstance(n, dict) else str(n) for n in names]


def _create_issue(ctx: _Ctx, owner: str, name: str) -> Any:
    repo = ctx.writable(owner, name)
    if not repo.has_issues:
        raise HttpError(410)
    body = ctx.body if isinstance(ctx.body, dict) else {}
    if not isinstance(body.get("title"), str) or not body["title"]:
        raise HttpError(422, "Validation Failed", errors=[{"resource": "Issue", "code": "missing_field",
                                                           "field": "title"}])
    if len(body.get("body") or "") > 65536:
        raise HttpError(422, "Validation Failed", errors=[{"resource": "Issue", "code": "custom", "field": "body",
                                                           "message": "body is too long (maximum is 65536 characters)"}])
    issue = ctx.fake._new_issue(repo, body["title"], body.get("body"), _labels_of(body), ctx.login())
    return 201, _issue_json(ctx, repo, issue), {"Location": f"{ctx.base}/repos/{repo.full_name}/issues/{issue['number']}"}


def _issue(ctx: _Ctx, repo: FakeRepo, number: str) -> dict[str, Any]:
    issue = repo.issues.get(int(number))
    if issue is None:
        raise HttpError(404)
    return issue


def _get_issue(ctx: _Ctx, owner: str, name: str, number: str) -> Any:
    repo = ctx.repo(owner, name)
    return _issue_json(ctx, repo, _issue(ctx, repo, number))


def _patch_issue(ctx: _Ctx, owner: str, name: str, number: str) -> Any:
    repo = ctx.writable(owner, name)
    issue = _issue(ctx, repo, number)
    body = ctx.body if isinstance(ctx.body, dict) else {}
    for key in ("title", "body"):
        if key in body:
            issue[key] = body[key]
    if "labels" in body:
        issue["labels"] = [ctx.fake._label(repo, n)["name"] for n in _labels_of(body)]
    if "state" in body:
        if body["state"] not in ("open", "closed"):
            raise HttpError(422, "Validation Failed")
        if body["state"] == "closed" and issue["state"] == "open":
            issue.update(state="closed", closed_at=now_iso(), state_reason=body.get("state_reason") or "completed")
        elif body["state"] == "open" and issue["state"] == "closed":
            issue.update(state="open", closed_at=None, state_reason="reopened")
    if "state_reason" in body and issue["state"] == "closed" and body["state_reason"]:
        issue["state_reason"] = body["state_reason"]
    issue["updated_at"] = now_iso()
    return _issue_json(ctx, repo, issue)


def _list_comments(ctx: _Ctx, owner: str, name: str, number: str) -> Any:
    repo = ctx.repo(owner, name)
    issue = _issue(ctx, repo, number)
    return ctx.page([_comment_json(ctx, repo, issue["number"], c) for c in repo.comments[issue["number"]]])


def _add_comment(ctx: _Ctx, owner: str, name: str, number: str) -> Any:
    repo = ctx.writable(owner, name)
    issue = _issue(ctx, repo, number)
    text = ctx.body.get("body") if isinstance(ctx.body, dict) else None
    if not isinstance(text, str) or not text:
        raise HttpError(422, "Validation Failed")
    comment = {"id": next(ctx.fake._ids), "body": text, "user": ctx.login(), "created_at": now_iso()}
    repo.comments[issue["number"]].append(comment)
    issue["updated_at"] = now_iso()
    return 201, _comment_json(ctx, repo, issue["number"], comment), {}


def _list_labels(ctx: _Ctx, owner: str, name: str) -> Any:
    repo = ctx.repo(owner, name)
    return ctx.page([_label_json(ctx, repo, n) for n in repo.labels])


def _create_label(ctx: _Ctx, owner: str, name: str) -> Any:
    repo = ctx.writable(owner, name)
    body = ctx.body if isinstance(ctx.body, dict) else {}
    label_name = body.get("name")
    if not isinstance(label_name, str) or not label_name:
        raise HttpError(422, "Validation Failed")
    if label_name.lower() in repo.labels:
        raise HttpError(422, "Validation Failed", errors=[{"resource": "Label", "code": "already_exists",
                                                           "field": "name"}])
    ctx.fake._label(repo, label_name, str(body.get("color", "ededed")).lstrip("#"), body.get("description"))
    return 201, _label_json(ctx, repo, label_name), {}


def _get_label(ctx: _Ctx, owner: str, name: str, label: str) -> Any:
    repo = ctx.repo(owner, name)
    if label.lower() not in repo.labels:
        raise HttpError(404)
    return _label_json(ctx, repo, label)


def _add_labels(ctx: _Ctx, owner: str, name: str, number: str) -> Any:
    repo = ctx.writable(owner, name)
    issue = _issue(ctx, repo, number)
    for label in _labels_of(ctx.body):
        canonical = ctx.fake._label(repo, label)["name"]
        if canonical.lower() not in {n.lower() for n in issue["labels"]}:
            issue["labels"].append(canonical)
    return [_label_json(ctx, repo, n) for n in issue["labels"]]


_QUERY_TOKEN = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)')


def _search_issues(ctx: _Ctx) -> Any:
    q = ctx.query.get("q", "")
    if not q.strip():
        raise HttpError(422, "Validation Failed", errors=[{"resource": "Search", "field": "q", "code": "missing"}])
    quals: list[tuple[str, str]] = []
    terms: list[str] = []
    for m in _QUERY_TOKEN.finditer(q):
        if m.group(1) or m.group(3):
            quals.append(((m.group(1) or m.group(3)).lower(), m.group(2) if m.group(1) else m.group(4)))
        else:
            terms.append(m.group(5) if m.group(5) is not None else m.group(6))
    where = {v.lower() for k, v in quals if k == "in"} or {"title", "body"}
    results = []
    for repo in ctx.fake.state.repos.values():
        if not ctx.can_read(repo):
            continue
        for issue in repo.issues.values():
            if all(_qualifies(repo, issue, k, v) for k, v in quals) and all(
                any(t.lower() in (issue.get(f) or "").lower() for f in where) for t in terms
            ):
                results.append((repo, issue))
    results.sort(key=lambda ri: (ri[1]["created_at"], ri[1]["number"]), reverse=True)
    status, items, headers = ctx.page([{**_issue_json(ctx, r, i), "score": 1.0} for r, i in results])
    return status, {"total_count": len(results), "incomplete_results": False, "items": items}, headers


def _qualifies(repo: FakeRepo, issue: dict[str, Any], key: str, value: str) -> bool:
    is_pr = bool(issue.get("pull_request"))
    checks: dict[str, Callable[[], bool]] = {
        "repo": lambda: repo.full_name.lower() == value.lower(),
        "org": lambda: repo.owner.lower() == value.lower(),
        "user": lambda: repo.owner.lower() == value.lower(),
        "is": lambda: {"issue": not is_pr, "pr": is_pr, "open": issue["state"] == "open",
                       "closed": issue["state"] == "closed"}.get(value.lower(), True),
        "type": lambda: (value.lower() == "pr") == is_pr,
        "state": lambda: issue["state"] == value.lower(),
        "label": lambda: value.lower() in {n.lower() for n in issue["labels"]},
        "author": lambda: issue["user"].lower() == value.lower(),
        "in": lambda: True,
    }
    return checks.get(key, lambda: True)()


def _routes(fake: FakeGitHub) -> list[Route]:
    repo = r"/repos/([^/]+)/([^/]+)"
    table: list[tuple[str, str, Callable[..., Any]]] = [
        ("GET", r"/user", _user),
        ("GET", r"/user/repos", _my_repos),
        ("GET", r"/users/([^/]+)", _get_user),
        ("GET", r"/users/([^/]+)/repos", _user_repos),
        ("GET", r"/orgs/([^/]+)", _get_org),
        ("GET", r"/orgs/([^/]+)/repos", _org_repos),
        ("GET", repo, _get_repo),
        ("GET", repo + r"/branches/(.+)", _branch),
        ("GET", repo + r"/commits/([^/]+)", _commit),
        ("GET", repo + r"/git/trees/([^/]+)", _tree),
        ("GET", repo + r"/git/blobs/([^/]+)", _blob),
        ("GET", repo + r"/tarball", _tarball),
        ("GET", repo + r"/tarball/(.+)", _tarball),
        ("GET", repo + r"/contents", _contents),
        ("GET", repo + r"/contents/(.+)", _contents),
        ("GET", repo + r"/issues", _list_issues),
        ("POST", repo + r"/issues", _create_issue),
        ("GET", repo + r"/issues/(\d+)", _get_issue),
        ("PATCH", repo + r"/issues/(\d+)", _patch_issue),
        ("GET", repo + r"/issues/(\d+)/comments", _list_comments),
        ("POST", repo + r"/issues/(\d+)/comments", _add_comment),
        ("POST", repo + r"/issues/(\d+)/labels", _add_labels),
        ("GET", repo + r"/labels", _list_labels),
        ("POST", repo + r"/labels", _create_label),
        ("GET", repo + r"/labels/(.+)", _get_label),
        ("GET", r"/search/issues", _search_issues),
    ]
    return [(verb, re.compile(pattern), handler) for verb, pattern, handler in table]


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A started FakeGitHub; ``Github(base_url=fake_github.url, auth=Auth.Token(fake_github.token))``."""
    with FakeGitHub() as fake:
        yield fake
