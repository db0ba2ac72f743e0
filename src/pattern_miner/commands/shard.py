"""`pattern-miner shard`: one job of a sharded run. The K-th of N parts of the repositories (the same
plan in every job: ``partition``) is read and fingerprinted into a shard file (``shardfile``), which
`pattern-miner merge` or `mine --shards` turns into the report one scan of them all would give."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pattern_miner.commands.scan import add_repository_arguments
from pattern_miner.console import Console
from pattern_miner.engine import build_shards
from pattern_miner.errors import UsageError
from pattern_miner.fpcache import FINGERPRINTS, FingerprintCache
from pattern_miner.partition import Part, Slicer, directory_size
from pattern_miner.settings import DEFAULT_CONFIG, Settings, add_cli_options, from_cli
from pattern_miner.shardfile import SUFFIX, ShardPlan, config_digest, write_shard_file
from pattern_miner.sources.local import ALWAYS_SKIPPED_DIRS, LocalSource
from pattern_miner.wiring import connect


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repository_arguments(parser)
    parser.add_argument("--github", action="store_true", help="read the config's GitHub repositories ($GITHUB_TOKEN)")
    parser.add_argument("--part", required=True, metavar="K/N", help="this job's part: the K-th of N (1 <= K <= N)")
    parser.add_argument("--output", "-o", required=True, metavar="FILE", help=f"the shard file to write (*{SUFFIX})")
    add_cli_options(parser, ("config_path", "pattern_type", "repos", "jobs", "cache_dir"))
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")


def plan_settings(settings: Settings) -> tuple[tuple[str, str], ...]:
    """What decides which files a job reads, and how: every part must agree on it."""
    return (("config", config_digest(settings.config_path)), ("pattern_type", settings.pattern_type or ""))


def run(args: argparse.Namespace, console: Console) -> int:
    part = Part.parse(args.part)
    if args.quiet:
        console.quiet = True
    if args.github and (args.local_paths or args.local_root):
        raise UsageError("shard either GitHub (--github) or local paths, not both")
    # as `scan` (local) and `mine --github` read it: merged, the parts give what they would
    config = args.config_path or (DEFAULT_CONFIG if args.github and Path(DEFAULT_CONFIG).is_file() else None)
    if args.github and not config:
        raise UsageError("--github needs a config file listing the repositories (--config)")
    settings = from_cli(args, config_path=config, source="github" if args.github else "local")
    clients = connect(settings, console)
    source = clients.source
    slicer: Slicer[Any]
    if isinstance(source, LocalSource):
        slicer = Slicer(part, lambda r: r[0], lambda r: directory_size(r[1], ALWAYS_SKIPPED_DIRS))
        source.repos = slicer(source.repos)
    else:  # GitHub: the repositories are known once the owners are listed, with their sizes
        slicer = Slicer(part, lambda t: t.name, lambda t: t.meta.size if t.meta else None)
        source.narrow = slicer  # type: ignore[attr-defined]
    try:
        shards = build_shards(source, console=console, jobs=settings.jobs, pattern_type=settings.pattern_type,
                              cache=FingerprintCache(Path(settings.cache_dir) / FINGERPRINTS))
    finally:
        clients.close()
    plan = slicer.plan
    assert plan is not None  # set when the source listed its repositories
    size = write_shard_file(Path(args.output), shards, source.failures,
                            ShardPlan(part, plan.repos, plan.digest, plan_settings(settings)))
    files = sum(len(s.files) for s in shards)
    console.info(f"part {part}: {len(shards)} of {len(plan.repos)} repositories, {files} files, "
                 f"{len(source.failures)} failed -> {args.output} ({size:,} bytes)")
    return 0
