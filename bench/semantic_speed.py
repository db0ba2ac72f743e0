#!/usr/bin/env python3
"""What the semantic stage costs, step by step, in CPU seconds of one process.

    python bench/semantic_speed.py                                   # the stdlib speed corpus
    python bench/semantic_speed.py --root /tmp/pm-org/org-1/repos --repeat 5
    PYTHONPATH=/work/main/src python bench/semantic_speed.py         # another checkout's code, to compare

The tree is read and tokenized once (``parse.tokenize``, as ``shard.record_file`` gets it), then timed,
each the best of ``--repeat`` runs:
- ``elements.find`` over every file (parse time, in the workers), with the module's caches emptied first,
  as a fresh worker has them;
- over the shards built once (``engine.build_shards``): ``profiles.unit_refs``, ``profiles.Rarity`` with the
  weight of every element of every unit, ``candidates.find_candidates`` (with ``find``'s minimum score and
  limit, no copies) and the whole ``semantic.find`` without a judge (what the main process adds to a scan).
The garbage collector runs with the engine's thresholds (``engine.GC_THRESHOLD``), as in a scan.
"""

from __future__ import annotations

import argparse
import functools
import gc
import sys
import time
from collections.abc import Callable
from typing import Any


def best_of(repeat: int, run: Callable[[], Any], before: Callable[[], None] = lambda: None) -> float:
    best = float("inf")
    for _ in range(repeat):
        before()
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def clear_caches(*modules: Any) -> None:
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default="/tmp/pm-speed/stdlib", help="ROOT/<owner>/<name>/ repositories")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="processes that build the shards")
    args = ap.parse_args(argv)

    import pattern_miner
    from pattern_miner.config import default_config
    from pattern_miner.console import Console
    from pattern_miner.engine import GC_THRESHOLD, build_shards
    from pattern_miner.lexer import decode
    from pattern_miner.parse import tokenize
    from pattern_miner.semantic import elements, find, profiles
    from pattern_miner.semantic.candidates import find_candidates
    from pattern_miner.sources.local import LocalSource, repos_from_root

    modules = [elements, *(m for m in (sys.modules.get("pattern_miner.semantic.tokens"),) if m is not None)]
    config = default_config()
    print(f"pattern_miner from {pattern_miner.__file__}; {args.root}")
    tokens = []
    for snapshot in LocalSource(repos_from_root(args.root), config, Console(quiet=True)).snapshots():
        for source in snapshot.files:
            tok = tokenize(source.path, source.data, text=decode(source.data))
            if tok.struct:
                tokens.append((tok.language, tok.struct, tok.lit, tok.lines))
    shards = build_shards(LocalSource(repos_from_root(args.root), config), console=Console(quiet=True),
                          jobs=args.jobs)
    gc.set_threshold(*GC_THRESHOLD)
    gc.freeze()  # the inputs, built once, are not scanned by every collection
    n_tokens = sum(len(t[1]) for t in tokens)
    print(f"{len(tokens)} files, {n_tokens} tokens; {sum(len(s.files) for s in shards)} records in {len(shards)} shards")

    def elements_all() -> None:
        for language, struct, lit, lines in tokens:
            elements.find(language, struct, lit, lines)

    rows = [("elements.find, every file", best_of(args.repeat, elements_all, lambda: clear_caches(*modules)))]
    units = profiles.unit_refs(shards)
    rows.append(("profiles.unit_refs", best_of(args.repeat, lambda: profiles.unit_refs(shards))))

    def rarity() -> None:
        r = profiles.Rarity(units)
        for u in units:
            for e in u.elements:
                r.weight(e)

    rows.append(("profiles.Rarity and every weight", best_of(args.repeat, rarity)))
    rows.append(("candidates.find_candidates, as find calls it", best_of(args.repeat, lambda: find_candidates(
        shards, units, profiles.Rarity(units), set(), min_score=find.MIN_GROUP_SCORE, limit=find.MAX_GROUPS))))
    rows.append(("semantic.find (no judge), all steps", best_of(args.repeat, lambda: find.find(shards, []))))
    print(f"{len(units)} units")
    for label, seconds in rows:
        print(f"  {label:40s} {seconds:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
