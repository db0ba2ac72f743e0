"""Wiring: the clients a run talks to, built once from the settings. Tests build ``Clients`` themselves
and hand in fakes (a source of snapshots, a tracker on a loopback server, an Anthropic client).

    config      the repositories config (or the built-in pattern types)
    source      where the repositories come from: local directories or the GitHub API
    tracker     GitHub issues (None: a local dry run has nowhere to publish)
    state       the history (the cache's state file)
    dev_nexus   the knowledge base (None: not configured)
    anthropic   Claude (None: no key, the offline advisor answers)
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pattern_miner.config import Config, default_config, load_config
from pattern_miner.console import Console
from pattern_miner.errors import UsageError
from pattern_miner.model import Source
from pattern_miner.render.templates import Templates
from pattern_miner.settings import Settings
from pattern_miner.state import StateStore, default_state_path

if TYPE_CHECKING:
    import anthropic

    from pattern_miner.devnexus import DevNexus
    from pattern_miner.publish.tracker import GitHubTracker


@dataclass
class Clients:
    config: Config
    source: Source
    tracker: GitHubTracker | None
    state: StateStore
    templates: Templates
    dev_nexus: DevNexus | None = None
    anthropic: anthropic.Anthropic | None = None

    def close(self) -> None:
        if self.dev_nexus is not None:
            self.dev_nexus.close()


def connect(settings: Settings, console: Console) -> Clients:
    """Every client the run needs, from the settings (nothing is read or written yet)."""
    config = load_config(settings.config_path, console) if settings.config_path else default_config()
    if settings.pattern_type is not None:
        config.threshold(settings.pattern_type)  # an unknown type: one ConfigError naming the known ones
    github = None  # the clients' modules are imported only when used: a local scan never loads PyGithub or httpx
    if settings.token and (settings.source == "github" or settings.issue_repo or settings.issue_target == "per-repo"):
        from pattern_miner.github_api import github_client

        github = github_client(settings.token, settings.api_url)
    source: Source
    if settings.source == "github":
        from pattern_miner.sources.github import GitHubSource

        source = GitHubSource(config, token=settings.token, base_url=settings.api_url, github=github,
                              cache_dir=Path(settings.cache_dir) / "github", console=console,
                              repos=list(settings.repos) or None)
    else:
        from pattern_miner.sources.local import LocalSource

        source = LocalSource(local_repos(settings, config) if not settings.shards else [], config, console)
    anthropic_client = None
    if settings.anthropic_api_key:
        from pattern_miner.advise.claude import make_client
        from pattern_miner.advise.settings import AdviceSettings

        anthropic_client = make_client(AdviceSettings(api_key=settings.anthropic_api_key))
    tracker = None
    if github is not None:
        from pattern_miner.publish.tracker import GitHubTracker

        tracker = GitHubTracker(github)
    dev_nexus = None
    if settings.dev_nexus_url:
        from pattern_miner.devnexus import DevNexus

        dev_nexus = DevNexus(settings.dev_nexus_url, token=settings.dev_nexus_token, console=console)
    return Clients(
        config=config,
        source=source,
        tracker=tracker,
        state=StateStore(default_state_path(Path(settings.cache_dir)), console=console),
        templates=Templates(settings.template_dir),
        dev_nexus=dev_nexus,
        anthropic=anthropic_client,
    )


def local_repos(settings: Settings, config: Config) -> list[tuple[str, Path]]:
    """The local repositories to scan: the PATHs given, or every ROOT/<owner>/<name>/, or the config's
    repositories that have a local ``path``; narrowed by ``repos``."""
    from pattern_miner.sources.local import repos_from_paths, repos_from_root

    if settings.local_paths and settings.local_root:
        raise UsageError("give either PATH... or --root DIR, not both")
    if settings.local_paths:
        repos = repos_from_paths(settings.local_paths)
    elif settings.local_root:
        repos = repos_from_root(settings.local_root)
    else:
        repos = [(spec.repo, Path(spec.path)) for spec in config.repositories if spec.path]
        if not repos:
            raise UsageError("nothing to scan: give repository directories (PATH...), --root DIR, "
                             "or --config FILE whose repositories have a local `path`")
    if settings.repos:
        wanted = [r.lower() for r in settings.repos]
        chosen = [r for r in repos if any(fnmatch.fnmatchcase(r[0].lower(), w) for w in wanted)]
        if not chosen:
            raise UsageError(f"the repository filter ({', '.join(settings.repos)}) matches none of the "
                             f"{len(repos)} repositories given")
        repos = chosen
    return repos
