"""`pattern-miner merge`: the shard files of every part of a sharded run, matched together into the
report one `scan` of all the repositories gives (the same formats and options)."""

from __future__ import annotations

import argparse

from pattern_miner.commands.scan import add_report_arguments, check_report_arguments, write_report
from pattern_miner.config import default_config, load_config
from pattern_miner.console import Console
from pattern_miner.engine import merge_shard_files
from pattern_miner.settings import add_cli_options, from_cli


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="shard files (`pattern-miner shard -o`), directories holding them, or globs")
    add_cli_options(parser, ("config_path", "min_similarity", "jobs"))
    add_report_arguments(parser)


def run(args: argparse.Namespace, console: Console) -> int:
    check_report_arguments(args, console)
    settings = from_cli(args, source="local")
    config = load_config(settings.config_path, console) if settings.config_path else default_config()
    report = merge_shard_files(args.files, config, config_path=settings.config_path,
                               min_similarity=settings.min_similarity, jobs=settings.jobs)
    return write_report(report, args, console)
