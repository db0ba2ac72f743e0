"""`pattern-miner scan`: find patterns copied across local repositories (no token needed)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pattern_miner.config import Config, default_config, load_config
from pattern_miner.console import Console
from pattern_miner.engine import scan
from pattern_miner.errors import UsageError
from pattern_miner.report import FORMATS, render
from pattern_miner.sources.local import LocalSource, repos_from_paths, repos_from_root

DEFAULT_CONFIG = Path("config/repositories.json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="repositories to scan: each PATH is one repository")
    parser.add_argument("--root", metavar="DIR", help="scan every DIR/<owner>/<name>/ as repository owner/name")
    parser.add_argument("--config", metavar="FILE",
                        help="config/repositories.json: pattern types, thresholds, excludes; with no PATH and no "
                             "--root, its repositories' local `path`s are scanned")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of standard output")
    parser.add_argument("--pattern-type", metavar="TYPE", help="only this pattern type (e.g. deployment)")
    parser.add_argument("--min-similarity", type=float, metavar="X", help="similarity threshold 0..1 for every type")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: all cores)")
    parser.add_argument("--with-text", action="store_true", help="include each copy's source text in JSON output")
    parser.add_argument("--limit", type=int, metavar="N", help="show at most N patterns in the table/markdown")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")


def _config(args: argparse.Namespace, console: Console) -> Config:
    if args.config:
        return load_config(args.config, console)
    return default_config()


def _repos(args: argparse.Namespace, config: Config) -> list[tuple[str, Path]]:
    if args.root and args.paths:
        raise UsageError("give either PATH... or --root DIR, not both")
    if args.root:
        return repos_from_root(args.root)
    if args.paths:
        return repos_from_paths(args.paths)
    local = [(spec.repo, Path(spec.path)) for spec in config.repositories if spec.path]
    if not local:
        raise UsageError("nothing to scan: give repository directories (PATH...), --root DIR, "
                         "or --config FILE whose repositories have a local `path`")
    return local


def run(args: argparse.Namespace, console: Console) -> int:
    if args.min_similarity is not None and not 0.0 <= args.min_similarity <= 1.0:
        raise UsageError(f"--min-similarity must be between 0 and 1, got {args.min_similarity}")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be at least 1, got {args.limit}")
    if args.quiet:
        console.quiet = True
    config = _config(args, console)
    repos = _repos(args, config)
    if len(repos) < config.min_repos:
        console.warn(f"{len(repos)} repository given: patterns need copies in at least {config.min_repos}")
    source = LocalSource(repos, config, console)
    report = scan(source, config, console=console, jobs=args.jobs, pattern_type=args.pattern_type,
                  min_similarity=args.min_similarity)
    text = render(report, args.format, with_text=args.with_text, limit=args.limit)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        console.info(f"{len(report.patterns)} patterns written to {args.output}")
    else:
        console.result(text)
    return 0
