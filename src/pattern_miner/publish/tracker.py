"""The issue tracker seen by the publisher: GitHub issues through PyGithub.

Writes (POST/PATCH) are never retried by the HTTP layer: a POST that failed with a 5xx may have been
applied server-side, and ``publish.issues`` decides what to do (look the marker up first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from github import Github, GithubException

from pattern_miner.render.marker import Marker, parse_marker

LABEL_COLOR = "5319e7"
CLOCK_SLACK = 120  # seconds: our clock and GitHub's may disagree; an earlier "since" only reads more


@dataclass(frozen=True)
class ExistingIssue:
    repo: str
    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    state: str  # open | closed
    state_reason: str | None = None  # completed | not_planned | reopened | duplicate | None
    url: str = ""
    author: str = ""  # the login that opened it
    author_type: str = ""  # User | Bot | Organization

    @property
    def marker(self) -> Marker | None:
        return parse_marker(self.body)


@dataclass(frozen=True)
class TargetRepo:
    private: bool
    has_issues: bool


@dataclass
class GitHubTracker:
    """Issues, comments and labels of the repositories Pattern Miner publishes to."""

    gh: Github
    reads: int = 0
    writes: int = 0
    _repos: dict[str, Any] = field(default_factory=dict)
    _issues: dict[tuple[str, int], Any] = field(default_factory=dict)
    _viewer: str | None = None  # "" once known to be an integration's token
    # when this run began reading issues: what another run opened after it, it cannot have planned for
    started: datetime = field(default_factory=lambda: datetime.now(UTC) - timedelta(seconds=CLOCK_SLACK))

    def _repo(self, name: str) -> Any:
        if name not in self._repos:
            self.reads += 1
            self._repos[name] = self.gh.get_repo(name)
        return self._repos[name]

    def _existing(self, repo: str, issue: Any) -> ExistingIssue:
        self._issues[(repo, issue.number)] = issue
        return ExistingIssue(
            repo=repo,
            number=issue.number,
            title=issue.title or "",
            body=issue.body or "",
            labels=tuple(label.name for label in issue.labels),
            state=issue.state,
            state_reason=issue.state_reason,
            url=issue.html_url or "",
            author=(issue.user.login or "") if issue.user is not None else "",
            author_type=(issue.user.type or "") if issue.user is not None else "",
        )

    def viewer(self) -> str | None:
        """The login of the token's user; None for an app's or the workflow's token (``GET /user`` is
        refused to integrations: their issues are opened by a Bot account)."""
        if self._viewer is None:
            self.reads += 1
            try:
                self._viewer = self.gh.get_user().login or ""
            except GithubException:
                self._viewer = ""
        return self._viewer or None

    def is_ours(self, issue: ExistingIssue) -> bool:
        """Opened by this bot: by the token's own user, or by a Bot account (the workflow token's
        github-actions[bot], a GitHub App). A person's issue is never taken for the bot's, whatever
        marker and label it carries."""
        if issue.author_type == "Bot":
            return True
        viewer = self.viewer()
        return viewer is not None and issue.author.lower() == viewer.lower()

    def is_private(self, repo: str) -> bool:
        return bool(self._repo(repo).private)

    def target(self, repo: str) -> TargetRepo:
        """What decides whether and how the bot may publish into ``repo``."""
        found = self._repo(repo)
        return TargetRepo(private=bool(found.private), has_issues=found.has_issues is not False)

    def list_issues(self, repo: str, label: str, since: datetime | None = None) -> list[ExistingIssue]:
        """Every issue the bot opened (open and closed, not pull requests) carrying ``label``; with
        ``since``, only those updated since then."""
        out = []
        self.reads += 1
        extra: dict[str, Any] = {"since": since} if since is not None else {}
        for issue in self._repo(repo).get_issues(state="all", labels=[label], sort="created", direction="asc",
                                                 **extra):
            if issue.pull_request is None:
                existing = self._existing(repo, issue)
                if self.is_ours(existing):
                    out.append(existing)
        return out

    def search_marker(self, repo: str, pattern_id: str) -> list[ExistingIssue]:
        """Issues whose body holds the marker of ``pattern_id`` (the search index may lag)."""
        self.reads += 1
        found = []
        query = f'"pattern-miner:id={pattern_id}" in:body repo:{repo} is:issue'
        for issue in self.gh.search_issues(query):
            marker = parse_marker(issue.body)
            if marker and marker.id == pattern_id and issue.pull_request is None:
                existing = self._existing(repo, issue)
                if self.is_ours(existing):
                    found.append(existing)
        return found

    def label_names(self, repo: str) -> set[str]:
        self.reads += 1
        return {label.name for label in self._repo(repo).get_labels()}

    def create_label(self, repo: str, name: str) -> None:
        self.writes += 1
        try:
            self._repo(repo).create_label(name, LABEL_COLOR, "Opened by Pattern Miner")
        except GithubException as exc:
            if exc.status != 422:  # 422: it exists already (created meanwhile)
                raise

    def create(self, repo: str, title: str, body: str, labels: tuple[str, ...]) -> ExistingIssue:
        self.writes += 1
        issue = self._repo(repo).create_issue(title=title, body=body, labels=list(labels))
        return self._existing(repo, issue)

    def edit(self, repo: str, number: int, **fields: Any) -> None:
        issue = self._issues.get((repo, number))
        if issue is None:
            self.reads += 1
            issue = self._repo(repo).get_issue(number)
        self.writes += 1
        if "labels" in fields:
            fields["labels"] = list(fields["labels"])
        issue.edit(**fields)

    def comment(self, repo: str, number: int, body: str) -> None:
        issue = self._issues.get((repo, number))
        if issue is None:
            self.reads += 1
            issue = self._repo(repo).get_issue(number)
        self.writes += 1
        issue.create_comment(body)
