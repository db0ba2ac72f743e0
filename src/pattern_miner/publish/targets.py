"""The repositories issues go to: whether each can hold issues, whether it is private, and the bot's
issues already in it. Read-only (also in a dry run).

    targets = Targets(tracker, bot_label)
    targets.load("acme/platform", required=True)   # the one central issue repository: must work
    targets.load("acme/api")                        # per-repo: one that cannot is left out, with a warning
    targets.existing, targets.private, targets.unusable
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from github import GithubException
from requests import RequestException

from pattern_miner.errors import PublishError
from pattern_miner.github_api import describe_github_error
from pattern_miner.publish.tracker import ExistingIssue, GitHubTracker

PREVIEW_TARGET = "(issue repository)"  # a dry run with no issue repository still renders the would-be issues


@dataclass
class Targets:
    tracker: GitHubTracker | None  # None: nothing to read (a local dry run)
    bot_label: str
    warn: Callable[[str], None] = lambda _text: None
    existing: list[ExistingIssue] = field(default_factory=list)  # the bot's issues, every target
    private: dict[str, bool] = field(default_factory=dict)
    unusable: set[str] = field(default_factory=set)

    def load(self, repo: str, *, required: bool = False) -> None:
        """Visibility and the bot's issues of one target. A target that cannot hold issues (not found,
        issues disabled, token rejected) is left out with a warning; when it is ``required`` (the one
        central issue repository) nothing could be published, so it is a ``PublishError``."""
        if repo in self.private or repo in self.unusable:
            return
        if self.tracker is None or repo == PREVIEW_TARGET:
            self.private[repo] = False  # unknown: treated as public, the safe side
            return
        try:
            target = self.tracker.target(repo)
            if not target.has_issues:
                reason = "issues are disabled in it (410)"
            else:
                self.private[repo] = target.private
                self.existing += self.tracker.list_issues(repo, self.bot_label)
                return
        except (GithubException, RequestException) as exc:
            reason = describe_github_error(exc)
        self.unusable.add(repo)
        if required:
            raise PublishError(f"cannot open issues in {repo}: {reason}")
        self.warn(f"cannot publish issues to {repo}: {reason}")

    def is_public(self, repo: str) -> bool:
        """Whether ``repo`` is public; True when it cannot be told (the safe side)."""
        if repo not in self.private and self.tracker is not None:
            try:
                self.private[repo] = self.tracker.is_private(repo)
            except (GithubException, RequestException):
                return True
        return not self.private.get(repo, False)

    @property
    def private_targets(self) -> frozenset[str]:
        return frozenset(repo for repo, private in self.private.items() if private)
