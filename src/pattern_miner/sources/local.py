"""Local directories and git checkouts as a ``Source``.

Each directory is one repository. Its name comes from the git remote "origin" when there is one
("owner/name"), else "local/<dirname>". Files are walked lazily and in sorted order; ``.gitignore``
files (root and nested) and ``.git/info/exclude`` are honoured; symlinks are never followed; binary,
too-large and unreadable files are recorded as skips as the walk reaches them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pathspec

from pattern_miner.config import Config
from pattern_miner.console import Console
from pattern_miner.errors import SourceError
from pattern_miner.model import RepoFailure, RepoInfo, RepoSnapshot, Skip, SourceFile
from pattern_miner.sources.blobcache import git_blob_sha
from pattern_miner.sources.gitdates import last_commit_time

# Directories that never hold the repository's own code: VCS data, dependencies, caches.
ALWAYS_SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform"}
)
BINARY_SNIFF_BYTES = 8192  # git's own heuristic: a NUL byte in the first 8 KiB means binary
GITHUB_HOSTS = frozenset({"github.com", "www.github.com", "ssh.github.com"})
_SHA_RE = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


# ---- git metadata, read from the files under .git (git itself is not needed) ------------------------

@dataclass(frozen=True)
class GitInfo:
    remote_url: str | None = None  # remote "origin"
    commit: str | None = None  # HEAD
    branch: str | None = None  # the checked-out branch; None when detached or not a checkout


def _git_dirs(repo: Path) -> tuple[Path, Path] | None:
    """(the git dir, the common dir) of a checkout, following worktree/submodule ``.git`` files."""
    dot_git = repo / ".git"
    try:
        if dot_git.is_symlink():
            return None
        if dot_git.is_dir():
            git_dir = dot_git
        elif dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            git_dir = (repo / text[len("gitdir:") :].strip()).resolve()
        else:
            return None
        common = git_dir
        commondir = git_dir / "commondir"
        if commondir.is_file():
            common = (git_dir / commondir.read_text(encoding="utf-8").strip()).resolve()
        return git_dir, common
    except OSError:
        return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _origin_url(config_text: str) -> str | None:
    in_origin = False
    for raw in config_text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            in_origin = re.fullmatch(r'\[\s*remote\s+"origin"\s*\]', line) is not None
            continue
        if in_origin:
            key, sep, value = line.partition("=")
            if sep and key.strip().lower() == "url":
                value = value.strip()
                if len(value) >= 2 and value[0] == value[-1] == '"':
                    value = value[1:-1]
                return value or None
    return None


def _resolve_ref(git_dir: Path, common: Path, ref: str) -> str | None:
    for base in (git_dir, common):
        text = _read(base / ref)
        if text and _SHA_RE.fullmatch(text.strip()):
            return text.strip()
    packed = _read(common / "packed-refs") or ""
    for line in packed.splitlines():
        sha, _, name = line.partition(" ")
        if name.strip() == ref and _SHA_RE.fullmatch(sha):
            return sha
    return None


def read_git_info(repo: str | os.PathLike[str]) -> GitInfo:
    """The origin URL, HEAD commit and branch of a checkout; an empty GitInfo when it is not one."""
    dirs = _git_dirs(Path(repo))
    if dirs is None:
        return GitInfo()
    git_dir, common = dirs
    remote = _origin_url(_read(common / "config") or "")
    head = (_read(git_dir / "HEAD") or "").strip()
    if head.startswith("ref:"):
        ref = head[4:].strip()
        branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
        return GitInfo(remote, _resolve_ref(git_dir, common, ref), branch)
    return GitInfo(remote, head if _SHA_RE.fullmatch(head) else None, None)


def parse_remote(url: str) -> tuple[str, str, str] | None:
    """(host, owner, name) of a remote URL: https://host/o/n(.git), git@host:o/n.git, ssh://git@host/o/n."""
    url = url.strip()
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        host, path = (parts.hostname or ""), parts.path
    else:
        m = re.fullmatch(r"(?:[^@/\s]+@)?([^:/\s]+):(.+)", url)
        if not m:
            return None
        host, path = m.group(1), m.group(2)
    segments = [s for s in path.split("/") if s]
    if not host or len(segments) < 2:
        return None
    owner, name = segments[-2], segments[-1].removesuffix(".git")
    if not owner or not name or name in (".", ".."):
        return None
    return host.lower(), owner, name


def _remote_name(remote_url: str | None) -> tuple[str | None, str | None]:
    """("owner/name", html_url or None) from the origin URL."""
    parsed = parse_remote(remote_url) if remote_url else None
    if parsed is None:
        return None, None
    host, owner, name = parsed
    html = f"https://github.com/{owner}/{name}" if host in GITHUB_HOSTS else None
    return f"{owner}/{name}", html


# ---- naming the repositories -------------------------------------------------------------------------

def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate, n = f"{name}-{n}", n + 1
    used.add(candidate.lower())
    return candidate


def _directory(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.exists():
        raise SourceError(f"{os.fspath(path)}: no such directory")
    if not p.is_dir():
        raise SourceError(f"{os.fspath(path)}: not a directory")
    return p.resolve()


def repos_from_paths(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[str, Path]]:
    """Each PATH is one repository, named from its origin remote, else "local/<dirname>". A directory
    given twice (or by two spellings) is one repository."""
    used: set[str] = set()
    seen: set[Path] = set()
    out: list[tuple[str, Path]] = []
    for raw in paths:
        p = _directory(raw)
        if p in seen:
            continue
        seen.add(p)
        name, _ = _remote_name(read_git_info(p).remote_url)
        out.append((_unique(name or f"local/{p.name or 'root'}", used), p))
    return out


# Files found at the top of a repository, and not in a folder of repositories (which may hold a README).
REPOSITORY_MARKERS = frozenset({
    ".git", ".gitignore", "package.json", "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt",
    "go.mod", "Cargo.toml", "pom.xml", "build.gradle", "build.gradle.kts", "Gemfile", "composer.json",
    "Dockerfile", "Makefile", "main.tf", "action.yml", ".github",
})


def _looks_like_a_repository(path: Path) -> bool:
    """A checkout, or a folder with what a repository has at its top: not an owner's folder of them."""
    try:
        with os.scandir(path) as it:
            return any(e.name in REPOSITORY_MARKERS for e in it)
    except OSError:
        return False


def repos_from_root(root: str | os.PathLike[str]) -> list[tuple[str, Path]]:
    """Every ROOT/<owner>/<name>/ directory is the repository "owner/name". A ROOT whose folders are
    repositories themselves (a checkout, files of their own) is refused, saying how to scan them."""
    base = _directory(root)
    owners = _sorted_dirs(base)
    flat = [o.name for o in owners if _looks_like_a_repository(Path(o.path))]
    if flat:
        shown = ", ".join(flat[:3]) + (f" and {len(flat) - 3} more" if len(flat) > 3 else "")
        raise SourceError(f"{os.fspath(root)}: {shown} {'is a repository' if len(flat) == 1 else 'are repositories'}, "
                          f"not <owner> folders: --root DIR expects DIR/<owner>/<name>/; to scan each folder of "
                          f"{os.fspath(root)} as a repository, give them as paths: pattern-miner scan "
                          f"{os.fspath(root).rstrip('/')}/*")
    used: set[str] = set()
    out: list[tuple[str, Path]] = []
    for owner in owners:
        for repo in _sorted_dirs(Path(owner.path)):
            out.append((_unique(f"{owner.name}/{repo.name}", used), Path(repo.path)))
    if not out:
        raise SourceError(f"{os.fspath(root)}: no repositories found (expected {os.fspath(root)}/<owner>/<name>/)")
    return out


def _sorted_dirs(path: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            entries = [e for e in it if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    except OSError as exc:
        raise SourceError(f"{path}: cannot list ({exc.strerror or exc})") from None
    return sorted(entries, key=lambda e: e.name)


# ---- the source --------------------------------------------------------------------------------------

def _ignore_spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec | None:
    try:
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # one malformed line must not disable the whole file
        good = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except Exception:
                continue
            good.append(line)
        spec = pathspec.GitIgnoreSpec.from_lines(good)
    return spec if spec.patterns else None


def _read_ignore_file(path: str | Path) -> pathspec.GitIgnoreSpec | None:
    try:
        with open(path, "rb") as f:
            text = f.read(1_000_000).decode("utf-8", errors="replace")
    except OSError:
        return None
    return _ignore_spec(text.splitlines())


class _Ignores:
    """The .gitignore files in effect for one directory: (the directory they apply to, the spec)."""

    def __init__(self, specs: tuple[tuple[str, pathspec.GitIgnoreSpec], ...] = ()) -> None:
        self.specs = specs

    def with_spec(self, base: str, spec: pathspec.GitIgnoreSpec | None) -> _Ignores:
        return self if spec is None else _Ignores((*self.specs, (base, spec)))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        for base, spec in self.specs:  # deeper files come later and win
            sub = rel[len(base) + 1 :] if base else rel
            check = spec.check_file(sub + "/" if is_dir else sub)
            if check.include is not None:
                result = check.include
        return result


class LocalSource:
    """Repositories on disk: ``repos`` is [("owner/name", directory), ...]."""

    def __init__(
        self,
        repos: Sequence[tuple[str, str | os.PathLike[str]]],
        config: Config,
        console: Console | None = None,
        scan_patterns_by_repo: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.repos = [(name, Path(path)) for name, path in repos]
        self.config = config
        self.console = console
        self.scan_patterns_by_repo = scan_patterns_by_repo
        self._failures: list[RepoFailure] = []

    @property
    def failures(self) -> list[RepoFailure]:
        return self._failures

    def snapshots(self) -> Iterator[RepoSnapshot]:
        for name, path in self.repos:
            if not path.is_dir():
                reason = f"{path}: not a directory" if path.exists() else f"{path}: no such directory"
                self._failures.append(RepoFailure(name, reason))
                if self.console is not None:
                    self.console.warn(f"{name}: {reason}")
                continue
            yield self.snapshot(name, path)

    def snapshot(self, name: str, path: Path) -> RepoSnapshot:
        git = read_git_info(path)
        _, html_url = _remote_name(git.remote_url)
        if self.scan_patterns_by_repo is not None:
            scan = tuple(self.scan_patterns_by_repo.get(name, ()))
        else:
            scan = self.config.scan_patterns_for(name)
        dirs = _git_dirs(path)
        info = RepoInfo(name=name, commit=git.commit, html_url=html_url, default_branch=git.branch,
                        scan_patterns=scan, pushed_at=last_commit_time(path, dirs[1] if dirs else None, git.commit))
        snap = RepoSnapshot(info=info, files=())
        ignores = _Ignores().with_spec("", _read_ignore_file(dirs[1] / "info" / "exclude") if dirs else None)
        snap.files = self._walk(path, "", ignores, name, scan, snap.skips)
        return snap

    def _walk(
        self, directory: Path, rel: str, ignores: _Ignores, repo: str, scan: tuple[str, ...], skips: list[Skip]
    ) -> Iterator[SourceFile]:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            skips.append(Skip(repo, rel or ".", "unreadable"))
            return
        for e in entries:
            if e.name == ".gitignore" and e.is_file(follow_symlinks=False):
                ignores = ignores.with_spec(rel, _read_ignore_file(e.path))
        for e in entries:
            path = f"{rel}/{e.name}" if rel else e.name
            try:
                is_link = e.is_symlink()
                is_dir = not is_link and e.is_dir(follow_symlinks=False)
                is_file = not is_link and not is_dir and e.is_file(follow_symlinks=False)
            except OSError:
                skips.append(Skip(repo, path, "unreadable"))
                continue
            if e.name in ALWAYS_SKIPPED_DIRS and (is_dir or is_link or e.name == ".git"):
                continue
            if ignores.ignored(path, is_dir):
                continue
            if is_link:
                skips.append(Skip(repo, path, "symlink"))
            elif is_dir:
                # a virtualenv by its marker file, whatever its name (a package may be called venv)
                if not self.config.is_excluded(path) and not os.path.exists(os.path.join(e.path, "pyvenv.cfg")):
                    yield from self._walk(Path(e.path), path, ignores, repo, scan, skips)
            elif is_file:
                types = self.config.types_for(path, scan)
                if types:
                    source_file = self._read(e, path, types, repo, skips)
                    if source_file is not None:
                        yield source_file
            elif self.config.types_for(path, scan):
                skips.append(Skip(repo, path, "special"))  # a FIFO, socket or device named like source

    def _read(
        self, entry: os.DirEntry[str], path: str, types: tuple[str, ...], repo: str, skips: list[Skip]
    ) -> SourceFile | None:
        limit = self.config.max_file_bytes
        try:
            if entry.stat(follow_symlinks=False).st_size > limit:  # decided before reading a byte
                skips.append(Skip(repo, path, "too-large"))
                return None
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
            with os.fdopen(fd, "rb") as f:
                data = f.read(limit + 1)
        except OSError:
            skips.append(Skip(repo, path, "unreadable"))
            return None
        if len(data) > limit:  # it grew after the stat
            skips.append(Skip(repo, path, "too-large"))
            return None
        if b"\0" in data[:BINARY_SNIFF_BYTES]:
            skips.append(Skip(repo, path, "binary"))
            return None
        return SourceFile(path=path, data=data, sha=git_blob_sha(data), pattern_types=types)
