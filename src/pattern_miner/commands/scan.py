"""`pattern-miner scan`: find patterns copied across local repositories (no token needed)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pattern_miner.console import Console
from pattern_miner.engine import scan
from pattern_miner.errors import UsageError
from pattern_miner.fpcache import FINGERPRINTS, FingerprintCache
from pattern_miner.model import ScanReport
from pattern_miner.report import FORMATS, render
from pattern_miner.semantic.judge import judge_for
from pattern_miner.settings import add_cli_options, from_cli
from pattern_miner.wiring import connect

# with --cache-dir, a re-scan parses only the files whose content changed (``fpcache``); with a key, Claude's
# verdicts on semantic candidates are cached there too, within --max-model-calls
SCAN_OPTIONS = ("config_path", "pattern_type", "min_similarity", "repos", "jobs", "cache_dir", "max_model_calls")


def add_repository_arguments(parser: argparse.ArgumentParser) -> None:
    """Which local repositories: the same two ways in every command that scans."""
    parser.add_argument("local_paths", nargs="*", metavar="PATH", help="repositories to scan: each PATH is one")
    parser.add_argument("--root", dest="local_root", metavar="DIR",
                        help="scan every DIR/<owner>/<name>/ as the repository owner/name")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repository_arguments(parser)
    add_cli_options(parser, SCAN_OPTIONS)
    add_report_arguments(parser)


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """How the report is written: the same in ``scan`` and ``merge``."""
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of standard output")
    parser.add_argument("--with-text", action="store_true", help="include each copy's source text in JSON output")
    parser.add_argument("--limit", type=int, metavar="N", help="show at most N patterns in the table/markdown")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")


def run(args: argparse.Namespace, console: Console) -> int:
    check_report_arguments(args, console)
    settings = from_cli(args, source="local")
    clients = connect(settings, console)
    repos = getattr(clients.source, "repos", ())
    if len(repos) < clients.config.min_repos:
        console.warn(f"{len(repos)} repository given: patterns need copies in at least {clients.config.min_repos}")
    judge = judge_for(clients.anthropic, settings.model, Path(settings.cache_dir), settings.max_model_calls,
                      console.warn)  # with a key, Claude confirms the semantic candidates
    cache = FingerprintCache(Path(args.cache_dir) / FINGERPRINTS) if args.cache_dir else None
    report = scan(clients.source, clients.config, console=console, jobs=settings.jobs,
                  pattern_type=settings.pattern_type, min_similarity=settings.min_similarity, cache=cache,
                  judge=judge)
    return write_report(report, args, console)


def check_report_arguments(args: argparse.Namespace, console: Console) -> None:
    if args.limit is not None and args.limit < 1:
        raise UsageError(f"--limit must be at least 1, got {args.limit}")
    if args.quiet or (args.format == "json" and not args.output):
        console.quiet = True  # JSON on standard output: a machine reads it, no progress beside it


def write_report(report: ScanReport, args: argparse.Namespace, console: Console) -> int:
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
