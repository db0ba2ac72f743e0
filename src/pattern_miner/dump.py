"""`pattern-miner dump-tokens FILE`: show the normalized token stream that is compared."""

from __future__ import annotations

import argparse
from pathlib import Path

from pattern_miner.console import Console
from pattern_miner.errors import UsageError
from pattern_miner.languages import by_name
from pattern_miner.parse import tokenize


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--language", metavar="NAME", help="override the language detected from the file name")
    parser.add_argument("--literal", action="store_true", help="show the real text of each token too")


def run(args: argparse.Namespace, console: Console) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    spec = None
    if args.language:
        spec = by_name(args.language)
        if spec is None:
            raise UsageError(f"unknown language {args.language!r}")
    tok = tokenize(path.name if spec else str(path), data, spec)
    mode = "line-based fallback" if tok.fallback else "syntax tree" if by_name(tok.language) else "text lexer"
    out = [f"# {path}: {tok.language}, {len(tok.struct)} tokens, {tok.n_lines} lines ({mode})"]
    current = -1
    row: list[str] = []
    for s, lit, line in zip(tok.struct, tok.lit, tok.lines, strict=True):
        if line != current:
            if row:
                out.append(f"{current:5d}  " + " ".join(row))
            current, row = line, []
        row.append(f"{s}={lit}" if args.literal and s != lit else s)
    if row:
        out.append(f"{current:5d}  " + " ".join(row))
    for u in tok.units:
        out.append(f"# unit {u.kind} {u.name!r}: lines {u.start_line}-{u.end_line}, tokens {u.start}-{u.end}")
    console.result("\n".join(out))
    return 0
