"""`pattern-miner mine`: the whole job (scan, advise, ensure one issue per pattern) from the command line.
A dry run unless ``--publish``: it prints the issues it would write."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pattern_miner.commands.scan import add_repository_arguments
from pattern_miner.console import Console
from pattern_miner.errors import UsageError
from pattern_miner.pipeline import run as run_pipeline
from pattern_miner.settings import DEFAULT_CONFIG, OPTIONS, add_cli_options, from_cli
from pattern_miner.wiring import connect


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repository_arguments(parser)
    parser.add_argument("--github", action="store_true", help="scan the config's GitHub repositories ($GITHUB_TOKEN)")
    parser.add_argument("--publish", action="store_true", help="write issues (default: a dry run that writes nothing)")
    add_cli_options(parser, [o.field for o in OPTIONS if o.flag])
    parser.add_argument("--summary", metavar="FILE", help="also write the Markdown summary to this file")


def run(args: argparse.Namespace, console: Console) -> int:
    if args.github and (args.local_paths or args.local_root):
        raise UsageError("scan either GitHub (--github) or local paths, not both")
    if args.shards and (args.github or args.local_paths or args.local_root):
        raise UsageError("--shards publishes from shards already scanned: give no repositories (nor --github)")
    config = args.config_path or (DEFAULT_CONFIG if Path(DEFAULT_CONFIG).is_file() else None)
    if args.github and not config:
        raise UsageError("--github needs a config file listing the repositories (--config)")
    if args.publish and not os.environ.get("GITHUB_TOKEN"):
        raise UsageError("--publish needs GITHUB_TOKEN")
    settings = from_cli(args, config_path=config, source="github" if args.github else "local",
                        dry_run=not args.publish)
    clients = connect(settings, console)
    try:
        result = run_pipeline(settings, clients, console)
    finally:
        clients.close()
    markdown = console.scrub(result.summary(clients.templates))
    if args.summary:
        Path(args.summary).write_text(markdown, encoding="utf-8")
    console.result(markdown)
    console.info(f"report: {result.report_path}")
    return 1 if result.issues.errors else 0
