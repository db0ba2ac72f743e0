"""The GitHub source: repositories read through the REST API with PyGithub, one tree per repository.

Per repository: metadata (from the owner listing, the cache, or ``GET /repos/{o}/{r}``) -> the head commit
of the default branch (``GET .../branches/{b}``; its time is the repository's ``pushed_at``) -> ONE recursive
git tree -> blobs only for the paths the config wants, fetched concurrently and stored in a content-addressed
cache. A repository whose head commit is unchanged since the cached scan costs one request (the branch).
The client and its retry policy are ``github_api``'s: a wait longer than ``max_wait`` fails that
repository instead of stalling the run.

A repository that cannot be read becomes a ``RepoFailure`` (and a console warning); the run goes on.
What makes every repository unreadable stops it at once, as a ``SourceError``: a rejected token (any
401), or an API that cannot be reached before anything was read. A ``repos`` filter that matches no
configured repository is a ``UsageError``.
"""

from __future__ import annotations

import fnmatch
import re
import tarfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import requests
from github import Github, GithubException
from github.GithubException import UnknownObjectException
from github.PaginatedList import PaginatedList
from github.Repository import Repository

from pattern_miner.config import Config, OwnerSpec
from pattern_miner.console import Console
from pattern_miner.errors import SourceError, UsageError
from pattern_miner.github_api import (
    DEFAULT_MAX_WAIT,
    github_client,
    one_line_message,
    unreachable,
    why_it_failed,
)
from pattern_miner.model import RepoFailure, RepoInfo, RepoSnapshot, Skip, SourceFile
from pattern_miner.neterrors import describe
from pattern_miner.settings import DEFAULT_API_URL
from pattern_miner.sources.archive import read_archive
from pattern_miner.sources.blobcache import BlobCache, CachedFile, RepoRecord, TreeEntry, decode_blob

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
T = TypeVar("T")
BLOBS_AT_MOST = 2  # missing files fetched blob by blob; more come from one archive of the commit
ARCHIVE_TIMEOUT = 120  # seconds without a byte of the archive before the download fails


class _Failed(Exception):
    """A repository-level failure with a one-line reason."""


@dataclass(frozen=True)
class _Meta:
    name: str  # "owner/name" as GitHub spells it
    private: bool
    html_url: str | None
    default_branch: str
    archived: bool = False
    size: int | None = None  # KB, as GitHub lists it: balances the parts of a sharded run


@dataclass(frozen=True)
class _Target:
    name: str
    scan_patterns: tuple[str, ...]
    meta: _Meta | None  # known from the owner listing


class GitHubSource:
    """``model.Source`` over the GitHub REST API."""

    def __init__(self, config: Config, *, token: str | None, base_url: str = DEFAULT_API_URL,
                 cache_dir: Path | None = None, console: Console | None = None,
                 repos: Sequence[str] | None = None, max_workers: int = 8, github: Github | None = None,
                 sleep: Callable[[float], None] = time.sleep, max_wait: float = DEFAULT_MAX_WAIT,
                 paced: bool | None = None) -> None:
        self.config, self.token, self.console, self.base_url = config, token, console, base_url
        self.repos = tuple(repos or ())
        self.max_workers = max(1, max_workers)
        self.max_wait = max_wait
        self.cache = BlobCache(cache_dir, console) if cache_dir is not None else None
        self.github = github or github_client(token, base_url, sleep=sleep, max_wait=max_wait,
                                              pool_size=self.max_workers, paced=paced)
        self._failures: list[RepoFailure] = []
        self._requests = 0
        self._lock = threading.Lock()
        self._viewer: str | None = None
        self._reached = False  # some repository or owner was read: the API is there
        self.narrow: Callable[[list[_Target]], list[_Target]] | None = None  # a sharded run's part of them

    @property
    def failures(self) -> list[RepoFailure]:
        return self._failures

    @property
    def requests_made(self) -> int:
        """API requests this source asked PyGithub for (retries of one request count once)."""
        return self._requests

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._lock:
            self._requests += 1
        return fn(*args, **kwargs)

    def _keep(self, write: Callable[..., Any], *args: Any) -> None:
        """A cache write; one that fails (a full disk, a read-only cache) warns once and never fails
        the repository: the run goes on without caching."""
        try:
            write(*args)
        except OSError as exc:
            with self._lock:
                broken, self.cache = self.cache, None
            if broken is not None and self.console is not None:
                self.console.warn(f"cannot write the GitHub cache ({exc.strerror or exc}); this run does not cache")

    def _fail(self, repo: str, reason: str) -> None:
        self._failures.append(RepoFailure(repo, reason))
        if self.console is not None:
            self.console.warn(f"{repo}: {reason}")

    # -- which repositories --------------------------------------------------------------------------
    def snapshots(self) -> Iterator[RepoSnapshot]:
        self._failures.clear()  # each call is a fresh run over the repositories
        targets = self.narrow(self._targets()) if self.narrow else self._targets()
        progress = self.console.progress("Reading GitHub", total=len(targets)) if self.console else None
        try:
            for target in targets:
                snapshot = self._guarded(target.name, self._snapshot, target)
                if snapshot is None:
                    snapshot = self._last_good(target)
                    if snapshot is not None:
                        self._failures[-1] = RepoFailure(target.name, self._failures[-1].reason, stale=True)
                if progress is not None:
                    progress.advance(note=target.name)
                if snapshot is not None:
                    yield snapshot
        finally:
            if progress is not None:
                progress.close()

    def _guarded(self, name: str, work: Callable[..., T], *args: Any) -> T | None:
        """``work`` for one repository or owner: its failure is recorded and the run goes on, except
        when no repository can be read at all (a rejected token; an API that cannot be reached before
        anything was read), which stops the run at once instead of failing every repository in turn."""
        try:
            result = work(*args)
        except GithubException as exc:
            if exc.status == 401:  # "Bad credentials", "Requires authentication", an expired token ...
                raise SourceError(f"GitHub rejected the token (401 {one_line_message(exc) or 'Unauthorized'})") from None
            self._fail(name, self._reason(exc))
            return None
        except Exception as exc:  # one repository (or owner) must never stop the run
            if unreachable(exc) and not self._reached:
                raise SourceError(f"cannot reach the GitHub API at {self.base_url}: {self._reason(exc)}") from None
            self._fail(name, self._reason(exc))
            return None
        self._reached = True
        return result

    def _targets(self) -> list[_Target]:
        targets: dict[str, _Target] = {}
        for spec in self.config.repositories:
            targets.setdefault(spec.repo.lower(), _Target(spec.repo, spec.scan_patterns, None))
        for owner in self.config.owners:
            found = self._guarded(owner.owner, self._discovered, owner)
            for meta in sorted(found or (), key=lambda m: m.name.lower()):
                targets.setdefault(meta.name.lower(), _Target(meta.name, owner.scan_patterns, meta))
        if not self.repos:
            return list(targets.values())
        wanted = [w.lower() for w in self.repos]
        chosen = [t for key, t in targets.items() if any(fnmatch.fnmatchcase(key, w) for w in wanted)]
        if targets and not chosen:
            raise UsageError(f"the repository filter ({', '.join(self.repos)}) matches none of the "
                             f"{len(targets)} configured repositories")
        for pattern in wanted:
            if self.console is not None and not any(fnmatch.fnmatchcase(k, pattern) for k in targets):
                self.console.warn(f"repository filter {pattern!r} matches no configured repository")
        return chosen

    def _discovered(self, spec: OwnerSpec) -> list[_Meta]:
        return list(self._discover(spec))

    def _discover(self, spec: OwnerSpec) -> Iterator[_Meta]:
        gh = self.github
        if self.token and spec.owner.lower() == self._viewer_login().lower():
            listing = gh.get_user().get_repos(affiliation="owner")  # includes the user's private repos
        elif self._call(lambda: gh.get_user(spec.owner).type) == "Organization":
            listing = gh.get_organization(spec.owner).get_repos(type="all")
        else:
            listing = gh.get_user(spec.owner).get_repos(type="owner")
        for repo in self._pages(listing):
            name = _text(repo.full_name, "full_name")
            if repo.archived and not spec.include_archived:
                continue
            if repo.fork and not spec.include_forks:
                continue
            if repo.private and not spec.include_private:
                continue
            if spec.excluded.match(name.split("/", 1)[-1]):
                continue
            yield _meta(repo)

    def _viewer_login(self) -> str:
        if self._viewer is None:
            self._viewer = _text(self._call(lambda: self.github.get_user().login), "login")
        return self._viewer

    def _pages(self, listing: PaginatedList[Repository]) -> Iterator[Repository]:
        per_page = self.github.per_page
        page = 0
        while True:
            items = self._call(listing.get_page, page)
            yield from items
            if len(items) < per_page:
                return
            page += 1

    # -- one repository ------------------------------------------------------------------------------
    def _snapshot(self, target: _Target) -> RepoSnapshot:
        cached = self.cache.get_repo(target.name) if self.cache else None
        repo = self.github.get_repo(target.name)  # lazy: no request until an attribute is needed
        meta = target.meta or (_Meta(cached.repo, cached.private, cached.html_url, cached.default_branch)
                               if cached else None)
        fresh = meta is None
        if meta is None:
            meta = self._call(_meta, repo)
        head = self._head(repo, meta.default_branch)
        if head is None and not fresh:  # the default branch may have been renamed: ask again
            meta = self._call(_meta, repo)
            head = self._head(repo, meta.default_branch)
        if head is None:
            raise _Failed(f"default branch {meta.default_branch!r} not found (empty repository?)")
        commit, tree, pushed_at = head
        if cached and cached.commit == commit and cached.tree == tree and cached.verified():
            entries = cached.entries
        else:
            entries = self._tree(repo, commit, tree)
        record = RepoRecord(meta.name, commit, tree, meta.private, meta.html_url, meta.default_branch, entries)
        listing, tree_skips = self._select(entries, target.scan_patterns)
        contents = self._contents(repo, commit, listing)
        if self.cache:
            self._keep(self.cache.put_repo, record)
        info = RepoInfo(meta.name, commit, meta.private, meta.html_url, meta.default_branch, target.scan_patterns,
                        pushed_at=pushed_at, archived=meta.archived)
        return self._assemble(info, listing, tree_skips, contents)

    def _last_good(self, target: _Target) -> RepoSnapshot | None:
        """The repository as its last good scan left it in the cache (a verified tree whose chosen blobs
        are all cached), for a run in which it could not be read: a repository that failed is unknown,
        not empty, and its patterns must not come and go with a network error."""
        record = self.cache.get_repo(target.name) if self.cache else None
        if record is None or self.cache is None or not record.verified():
            return None
        listing, tree_skips = self._select(record.entries, target.scan_patterns)
        contents: dict[str, bytes] = {}
        for item in listing:
            data = self.cache.get_blob(item.sha)
            if data is None:
                return None
            contents[item.sha] = data
        info = RepoInfo(record.repo, record.commit, record.private, record.html_url, record.default_branch,
                        target.scan_patterns, stale=True)
        return self._assemble(info, listing, tree_skips, contents)

    @staticmethod
    def _assemble(info: RepoInfo, listing: Sequence[CachedFile], tree_skips: Sequence[tuple[str, str]],
                  contents: dict[str, bytes]) -> RepoSnapshot:
        files: list[SourceFile] = []
        skips = [Skip(info.name, path, reason) for path, reason in tree_skips]
        for item in listing:
            data = contents[item.sha]
            if b"\0" in data:
                skips.append(Skip(info.name, item.path, "binary"))
            else:
                files.append(SourceFile(item.path, data, sha=item.sha, pattern_types=item.types))
        return RepoSnapshot(info, files, skips)

    def _head(self, repo: Repository, branch: str) -> tuple[str, str, datetime | None] | None:
        """The head commit of ``branch``, that commit's root tree and its committer's time (one request)."""
        try:
            found = self._call(repo.get_branch, branch)
        except UnknownObjectException:
            return None
        when = found.commit.commit.committer.date if found.commit.commit.committer else None
        return (_sha(found.commit.sha, "branch commit sha"), _sha(found.commit.commit.tree.sha, "commit tree sha"),
                when if isinstance(when, datetime) else None)

    def _tree(self, repo: Repository, commit: str, tree_sha: str) -> tuple[TreeEntry, ...]:
        """Every file of the commit's tree (one recursive tree request)."""
        tree = self._call(repo.get_git_tree, commit, recursive=True)
        if tree.truncated:
            raise _Failed("GitHub truncated the file tree (too many files); not scanned")
        if tree.sha != tree_sha:
            raise _Failed("GitHub's tree does not belong to the head commit (the branch moved?); not scanned")
        entries = []
        for element in tree.tree:
            kind, path = element.type, _text(element.path, "tree path")
            if kind in ("blob", "commit"):
                size = element.size if kind == "blob" else 0
                if not isinstance(size, int):
                    raise _Failed(f"malformed response from GitHub: no size for {path}")
                entries.append(TreeEntry(path, _text(element.mode, "tree mode"), _sha(element.sha, "tree entry sha"),
                                         size))
        return tuple(entries)

    def _select(self, entries: Iterable[TreeEntry],
                scan_patterns: tuple[str, ...]) -> tuple[list[CachedFile], list[tuple[str, str]]]:
        """The files the config wants read, and the ones it wants but cannot have (with why)."""
        listing: list[CachedFile] = []
        skips: list[tuple[str, str]] = []
        for entry in entries:
            types = self.config.types_for(entry.path, scan_patterns)
            if not types:
                continue
            if entry.mode == "160000":
                skips.append((entry.path, "submodule"))
            elif entry.mode == "120000":
                skips.append((entry.path, "symlink"))
            elif entry.size > self.config.max_file_bytes:
                skips.append((entry.path, "too-large"))
            else:
                listing.append(CachedFile(entry.path, entry.sha, types))
        return listing, skips

    def _contents(self, repo: Repository, commit: str, listing: Iterable[CachedFile]) -> dict[str, bytes]:
        """Blob bytes by SHA: from the cache when there; else, for more than BLOBS_AT_MOST of them, from the
        commit's archive (one request; the download is not counted against the rate limit); whatever is
        still missing (the archive may differ from git: LFS, export attributes) blob by blob."""
        contents: dict[str, bytes] = {}
        for item in listing:
            if item.sha not in contents and self.cache is not None and \
                    (data := self.cache.get_blob(item.sha)) is not None:
                contents[item.sha] = data
        missing = sorted({item.sha for item in listing} - contents.keys())
        if len(missing) > BLOBS_AT_MOST:
            wanted = {item.path: item.sha for item in listing if item.sha in set(missing)}
            try:
                contents.update(self._archive(repo, commit, wanted))
            except (requests.RequestException, tarfile.TarError, OSError, EOFError) as exc:
                if self.console is not None:  # the blobs are still there, one request each
                    self.console.warn(f"{repo.full_name}: the archive could not be read ({describe(exc)}); "
                                      "reading the files one by one")
            missing = sorted({item.sha for item in listing} - contents.keys())
        if missing:
            with ThreadPoolExecutor(max_workers=min(self.max_workers, len(missing))) as pool:
                for sha, data in zip(missing, pool.map(lambda s: self._blob(repo, s), missing), strict=True):
                    contents[sha] = data
        return contents

    def _archive(self, repo: Repository, commit: str, wanted: dict[str, str]) -> dict[str, bytes]:
        """The ``wanted`` files (path -> blob SHA) from the commit's tarball, each checked against its SHA."""
        url = self._call(repo.get_archive_link, "tarball", commit)
        found = read_archive(url, wanted, max_bytes=self.config.max_file_bytes, timeout=ARCHIVE_TIMEOUT)
        if self.cache is not None:
            for sha, data in found.items():
                self._keep(self.cache.put_blob, sha, data)
        return found

    def _blob(self, repo: Repository, sha: str) -> bytes:
        blob = self._call(repo.get_git_blob, sha)
        try:
            data = decode_blob(sha, blob.encoding, blob.content)
        except ValueError as exc:
            raise _Failed(f"GitHub sent a bad blob: {exc}") from exc
        if self.cache is not None:
            self._keep(self.cache.put_blob, sha, data)
        return data

    def _reason(self, exc: Exception) -> str:
        return str(exc) if isinstance(exc, _Failed) else why_it_failed(exc, self.max_wait)


def _meta(repo: Repository) -> _Meta:
    return _Meta(_text(repo.full_name, "full_name"), bool(repo.private),
                 repo.html_url if isinstance(repo.html_url, str) else None,
                 _text(repo.default_branch, "default_branch"), repo.archived is True,
                 repo.size if isinstance(repo.size, int) else None)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise _Failed(f"malformed response from GitHub: no {what}")
    return value


def _sha(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise _Failed(f"malformed response from GitHub: bad {what}")
    return value
