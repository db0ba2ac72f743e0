"""The records that flow between pipeline stages.

config ─► sources (RepoSnapshot, SourceFile) ─► engine (Shard) ─► ScanReport (Pattern, Occurrence)
  ─► advise ─► render ─► publish

Every record is a frozen dataclass; ``to_dict`` gives the JSON shape used in reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

CONFIDENCE_LEVELS = ("High", "Medium", "Low")


@dataclass(frozen=True)
class SourceFile:
    """One file of a repository snapshot, already read (bounded by the size limit)."""

    path: str  # POSIX path relative to the repository root
    data: bytes
    sha: str | None = None  # git blob SHA when the source knows it
    pattern_types: tuple[str, ...] = ()  # config pattern types whose globs match this path


@dataclass(frozen=True)
class Skip:
    """A file that was not scanned, and why ("binary", "too-large", "symlink", "unreadable", ...)."""

    repo: str
    path: str
    reason: str


@dataclass(frozen=True)
class RepoInfo:
    """What is known of a repository apart from its files."""

    name: str  # "owner/name"
    commit: str | None = None  # the commit that was scanned, when known
    private: bool = False
    html_url: str | None = None  # e.g. https://github.com/owner/name
    default_branch: str | None = None
    scan_patterns: tuple[str, ...] = ()  # pattern types to scan (empty: all)
    stale: bool = False  # could not be read this run: its last good scan stands in (see RepoFailure.stale)
    pushed_at: datetime | None = None  # last commit (git: HEAD's committer time; GitHub: the default branch's)
    archived: bool = False  # GitHub: the repository is archived (read-only)

    def file_url(self, path: str, start_line: int | None = None, end_line: int | None = None) -> str | None:
        """A link to ``path`` at the scanned commit, with a line anchor."""
        if not self.html_url:
            return None
        ref = self.commit or self.default_branch or "HEAD"
        url = f"{self.html_url}/blob/{ref}/{path}"
        if start_line:
            url += f"#L{start_line}"
            if end_line and end_line != start_line:
                url += f"-L{end_line}"
        return url

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "commit": self.commit,
            "private": self.private,
            "html_url": self.html_url,
            "default_branch": self.default_branch,
            "stale": self.stale,
            "pushed_at": self.pushed_at.isoformat() if self.pushed_at else None,
            "archived": self.archived,
        }


@dataclass
class RepoSnapshot:
    """A repository at one commit: its info, its matching files (lazy), and what was skipped.

    ``files`` may be a generator: a source fetches lazily, and appends to ``skips`` as it goes.
    """

    info: RepoInfo
    files: Iterable[SourceFile]
    skips: list[Skip] = field(default_factory=list)


@dataclass(frozen=True)
class RepoFailure:
    """A repository that could not be read this run. It is *unknown*, not empty: when its last good scan
    is in the cache, that stands in for it (``stale``) so its patterns neither vanish nor change; either
    way nothing that involves it is closed or edited."""

    repo: str
    reason: str
    stale: bool = False  # its last good scan was used instead


class Source(Protocol):
    """Anything that yields repository snapshots: local directories, the GitHub API, ..."""

    def snapshots(self) -> Iterator[RepoSnapshot]: ...

    @property
    def failures(self) -> list[RepoFailure]: ...


@dataclass(frozen=True)
class Occurrence:
    """One copy of a pattern: a line range of a file in one repository."""

    repo: str
    path: str
    start_line: int  # 1-based, inclusive
    end_line: int  # 1-based, inclusive
    unit: str = "file"  # file | function | class | method | job | step | block | stage | ...
    name: str = ""  # the unit's name ("deploy", "build", 'resource "google_x" "y"'), "" for files
    language: str = ""
    commit: str | None = None
    private: bool = False
    url: str | None = None  # link to the lines at the scanned commit
    text: str = ""  # the source text of the lines (bounded)
    # a region's copy (``Pattern.parts``): the share of its code lines covered by material it shares with
    # the copies in other repositories; None for every other occurrence
    coverage: float | None = None

    @property
    def lines(self) -> int:
        return self.end_line - self.start_line + 1

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "repo": self.repo,
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "unit": self.unit,
            "name": self.name,
            "language": self.language,
            "commit": self.commit,
            "private": self.private,
            "url": self.url,
        }
        if self.coverage is not None:
            out["coverage"] = round(self.coverage, 4)
        if with_text:
            out["text"] = self.text
        return out


@dataclass(frozen=True)
class Pattern:
    """Copies of one piece of code or config across repositories."""

    id: str  # stable across runs and small edits to one copy
    pattern_type: str  # config pattern type: deployment, docker, github_actions, terraform, code, ...
    kind: str  # the unit kind that matched: file, function, job, ...
    language: str
    title: str
    similarity: float  # 0..1, mean pairwise token similarity of the copies
    confidence: str  # High | Medium | Low
    score: float  # rank key, higher first
    lines: int  # mean lines per copy
    occurrences: tuple[Occurrence, ...]
    features: tuple[str, ...] = ()  # salient kept tokens: commands, actions, resource types, call names
    content_hash: str = ""  # changes whenever any copy's normalized content changes
    # a large edited copy (kind "region": whole files whose occurrences carry their coverage): the longest
    # run of material its copies share, in source lines, and the clone groups inside it (not reported apart)
    longest_run: int = 0
    parts: tuple[Pattern, ...] = ()

    @property
    def repos(self) -> tuple[str, ...]:
        return tuple(sorted({o.repo for o in self.occurrences}))

    @property
    def is_actionable(self) -> bool:
        """Worth acting on: not a Low-confidence match."""
        return self.confidence != "Low"

    @property
    def has_private(self) -> bool:
        return any(o.private for o in self.occurrences)

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        return {
            "id": self.id,
            "pattern_type": self.pattern_type,
            "kind": self.kind,
            "language": self.language,
            "title": self.title,
            "similarity": round(self.similarity, 4),
            "confidence": self.confidence,
            "score": round(self.score, 4),
            "lines": self.lines,
            "repos": list(self.repos),
            "repo_count": len(self.repos),
            "features": list(self.features),
            "content_hash": self.content_hash,
            "occurrences": [o.to_dict(with_text=with_text) for o in self.occurrences],
            "longest_run": self.longest_run,
            "parts": [p.to_dict(with_text=with_text) for p in self.parts],
        }


OPPORTUNITY_KINDS = ("family", "library", "region", "single", "semantic", "template")
CATEGORIES = ("api_client", "configuration", "deployment", "ci_workflow", "container", "infrastructure", "code")


@dataclass(frozen=True)
class Opportunity:
    """One thing worth extracting: the unit the product ranks, advises on and publishes (one issue each).

    Kinds: ``family`` (repositories that are near-forks of each other, or generated from one template),
    ``library`` (clone groups that travel together: a module or framework copied between services),
    ``region`` (a large copy edited after the copy: one occurrence per side, with its coverage),
    ``single`` (a clone group that nothing groups), ``semantic`` (the same job written independently:
    variants, not copies) and ``template`` (stock files a tool generates, identical in many repositories:
    "adopt a shared template", ranked last).
    """

    id: str  # stable across runs: kept when a component or a copy is added or removed
    kind: str  # one of OPPORTUNITY_KINDS
    category: str  # what the code does, from its content: one of CATEGORIES
    title: str
    repos: tuple[str, ...]  # sorted
    patterns: tuple[Pattern, ...]  # its components (the clone groups one extraction removes); none for semantic
    occurrences: tuple[Occurrence, ...]  # one per copy or variant (a family: its shared files; a region: one per side)
    value: float  # rank key: what extracting it saves, adjusted (see opportunities.value); higher first
    confidence: str  # High | Medium | Low
    rank: int = 0  # 1-based position in the report
    lines: int = 0  # duplicated lines one extraction removes (copies beyond the first)
    summary: str = ""  # one sentence: what is shared, in how many repositories
    shared: tuple[tuple[str, str], ...] = ()  # family: (path, "identical" | "edited" | "only <repo>")
    content_hash: str = ""  # changes when any component's content changes: asks for advice again

    @property
    def has_private(self) -> bool:
        return any(p.has_private for p in self.patterns) or any(o.private for o in self.occurrences)

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        return {
            "id": self.id,
            "rank": self.rank,
            "kind": self.kind,
            "category": self.category,
            "title": self.title,
            "summary": self.summary,
            "value": round(self.value, 4),
            "confidence": self.confidence,
            "lines": self.lines,
            "repos": list(self.repos),
            "patterns": [p.id for p in self.patterns],
            "occurrences": [o.to_dict(with_text=with_text) for o in self.occurrences],
            "shared": [{"path": path, "state": state} for path, state in self.shared],
            "content_hash": self.content_hash,
        }


@dataclass(frozen=True)
class FileEntry:
    """One scanned file as the opportunities step sees it: enough to tell a near-fork (same paths, same or
    edited content) without its tokens. ``sketch``: the smallest distinct shingle hashes of its normalized
    tokens (a bottom-k MinHash sketch), so two versions of a file compare without their text."""

    repo: str
    path: str
    lines: int
    digest: str  # of the exact text
    sketch: bytes = b""  # int64 hashes, ascending (bytes: a few hundred per file, for a large organisation's many)
    language: str = ""


@dataclass(frozen=True)
class ScanStats:
    repositories: int = 0
    files_scanned: int = 0
    lines_scanned: int = 0
    files_skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    parse_fallbacks: int = 0  # files compared line by line because the parse was too broken
    fragments: int = 0
    seconds: float = 0.0
    # copies across repositories of identical (or renamed) files and units that no reported pattern holds,
    # by the rule that left them out: "min_size", "min_duplicated_lines", "boilerplate", "convention"
    suppressed: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "repositories": self.repositories,
            "files_scanned": self.files_scanned,
            "lines_scanned": self.lines_scanned,
            "files_skipped": dict(sorted(self.files_skipped.items())),
            "parse_fallbacks": self.parse_fallbacks,
            "fragments": self.fragments,
            "seconds": round(self.seconds, 3),
            "suppressed": dict(sorted(self.suppressed.items())),
        }


@dataclass(frozen=True)
class ScanReport:
    """What one scan found."""

    patterns: tuple[Pattern, ...]
    repositories: tuple[RepoInfo, ...]
    failures: tuple[RepoFailure, ...] = ()
    skips: tuple[Skip, ...] = ()
    stats: ScanStats = field(default_factory=ScanStats)

    opportunities: tuple[Opportunity, ...] = ()  # ranked, best first (see pattern_miner.opportunities)
    inventory: tuple[FileEntry, ...] = ()  # every scanned file, for the opportunities step (not in to_dict)

    @property
    def actionable(self) -> tuple[Pattern, ...]:
        """The patterns worth acting on: not Low-confidence matches."""
        return tuple(p for p in self.patterns if p.is_actionable)

    @property
    def opportunity_count(self) -> int:
        """How many opportunities: a report built without the opportunities step (by hand, or by an older
        version) counts each actionable pattern as one, as reports did before opportunities."""
        return len(self.opportunities) if self.opportunities or not self.actionable else len(self.actionable)

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        return {
            "tool": "pattern-miner",
            "repositories_scanned": len(self.repositories),
            "patterns_found": len(self.patterns),
            "extraction_opportunities": self.opportunity_count,
            "stats": self.stats.to_dict(),
            "repositories": [r.to_dict() for r in self.repositories],
            "failures": [{"repo": f.repo, "reason": f.reason, "stale": f.stale} for f in self.failures],
            "skipped": [{"repo": s.repo, "path": s.path, "reason": s.reason} for s in self.skips],
            "opportunities": [o.to_dict(with_text=with_text) for o in self.opportunities],
            "patterns": [p.to_dict(with_text=with_text) for p in self.patterns],
        }
