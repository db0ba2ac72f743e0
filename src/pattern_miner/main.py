"""Command line: only this module knows argparse. ``main(argv) -> int``.

Each command is a module with ``add_arguments(parser)`` and ``run(args, console) -> int``,
listed in COMMANDS (an explicit registry, no entry-point magic).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pattern_miner import __version__
from pattern_miner.console import Console
from pattern_miner.errors import PatternMinerError

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("pattern_miner.commands.scan", "Find code and configuration copied across local repositories"),
    "shard": ("pattern_miner.commands.shard", "Fingerprint the K-th of N parts of the repositories into a shard file"),
    "merge": ("pattern_miner.commands.merge", "Merge the shard files of every part into the report one scan gives"),
    "dump-tokens": ("pattern_miner.dump", "Print the normalized token stream of one file"),
    "mine": ("pattern_miner.commands.mine", "Scan, advise and (with --publish) ensure one GitHub issue per pattern"),
    "action": ("pattern_miner.commands.action", "The GitHub Action entrypoint (reads INPUT_* from the environment)"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported (every one when it is None, e.g. for --help),
    so `scan` does not pay for the GitHub or Anthropic clients."""
    parser = argparse.ArgumentParser(
        prog="pattern-miner",
        description="Find code and configuration copied across repositories.",
    )
    parser.add_argument("--version", action="version", version=f"pattern-miner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if command is None or name == command:
            module = importlib.import_module(module_name)
            module.add_arguments(p)
            p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None, console: Console | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    console = console or Console()
    try:
        return int(args._module.run(args, console))
    except PatternMinerError as exc:
        console.error(str(exc))
        return 1
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130
