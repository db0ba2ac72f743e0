#!/usr/bin/env python3
"""The semantic stage's inputs, dumped so two versions of the code can be compared byte for byte.

    python bench/semantic_identity.py dump --root /tmp/pm-speed/stdlib -o /tmp/new.jsonl
    PYTHONPATH=/work/main/src python bench/semantic_identity.py dump --root /tmp/pm-speed/stdlib -o /tmp/old.jsonl
    python bench/semantic_identity.py diff /tmp/old.jsonl /tmp/new.jsonl

``dump`` builds the tree's shards (``engine.build_shards``, the real parse path) and writes one JSON line
per file (its path, ``element_at`` and ``elements``: what ``semantic.elements.find`` made), one per
``UnitRef`` of ``profiles.unit_refs`` (every field, its elements sorted), then the ``Rarity`` of those
units: the unit count and, for every element, its document frequency and ``weight`` (``repr`` of the
float: exact). The code that runs is whichever ``pattern_miner`` the interpreter imports (the path is
printed), so ``PYTHONPATH`` picks another checkout's. ``diff`` says whether two dumps are identical and
shows the first lines that differ.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections.abc import Iterator
from typing import Any


def records(root: str, jobs: int) -> Iterator[dict[str, Any]]:
    import pattern_miner
    from pattern_miner.config import default_config
    from pattern_miner.console import Console
    from pattern_miner.engine import build_shards
    from pattern_miner.semantic.profiles import Rarity, unit_refs
    from pattern_miner.sources.local import LocalSource, repos_from_root

    print(f"pattern_miner from {pattern_miner.__file__}", file=sys.stderr)
    config = default_config()
    started = time.perf_counter()
    shards = build_shards(LocalSource(repos_from_root(root), config), console=Console(quiet=True), jobs=jobs)
    print(f"shards built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    for shard in shards:
        for rec in shard.files:
            yield {"file": [shard.repo.name, rec.path], "element_at": rec.element_at.tolist(),
                   "elements": rec.elements}
    units = unit_refs(shards)
    for u in units:
        yield {"unit": [u.repo, u.file, u.kind, u.name, u.start, u.end, u.start_line, u.end_line, u.digest],
               "elements": sorted(u.elements)}
    rarity = Rarity(units)
    yield {"units": rarity.units}
    for element in sorted(rarity.df):
        yield {"element": element, "df": rarity.df[element], "weight": repr(rarity.weight(element))}


def dump(args: argparse.Namespace) -> int:
    digest = hashlib.sha256()
    count = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for row in records(args.root, args.jobs):
            line = json.dumps(row, ensure_ascii=True, sort_keys=True) + "\n"
            out.write(line)
            digest.update(line.encode("ascii"))
            count += 1
    print(f"{args.output}: {count} lines, sha256 {digest.hexdigest()[:16]}")
    return 0


def diff(args: argparse.Namespace) -> int:
    shown = 0
    with open(args.old, encoding="utf-8") as a, open(args.new, encoding="utf-8") as b:
        for number, (old, new) in enumerate(itertools.zip_longest(a, b), 1):
            if old != new:
                shown += 1
                print(f"line {number}:\n- {(old or '<end>').rstrip()[:400]}\n+ {(new or '<end>').rstrip()[:400]}")
                if shown >= args.show:
                    break
    print("identical" if not shown else "DIFFERENT")
    return 1 if shown else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="dump a tree's elements, unit refs and rarity weights")
    d.add_argument("--root", required=True, help="ROOT/<owner>/<name>/ repositories")
    d.add_argument("-o", "--output", required=True)
    d.add_argument("--jobs", type=int, default=2)
    c = sub.add_parser("diff", help="compare two dumps")
    c.add_argument("old")
    c.add_argument("new")
    c.add_argument("--show", type=int, default=5, help="differing lines shown (default: %(default)s)")
    args = ap.parse_args(argv)
    return dump(args) if args.command == "dump" else diff(args)


if __name__ == "__main__":
    sys.exit(main())
