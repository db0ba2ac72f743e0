#!/usr/bin/env python3
"""How much a pre-pass could save: the share of files an ideal filter would still have to parse.

    python bench/prepass_bound.py /tmp/pm-speed/stdlib          # a ROOT/<owner>/<name>/ tree (bench/speed.py makes it)
    python bench/prepass_bound.py /tmp/pm-bench/corpus-1/repos

Issue #15 suggests a cheap lexical pre-pass that finds the files that can hold a cross-repository copy, and
a full parse for those only. Whatever the pre-pass reads, it cannot know more than the parsed streams do, so
this measures the bound on the engine's own structural shingles (``FileRecord.distinct``): a file is kept
when it shares at least K shingles that are not common (the matcher's own rule: in at most COMMON_SHARE of
the files, or COMMON_FLOOR) with one file of another repository. A near-miss candidate needs at least one
such shingle (MinHash bands agree only on shared values); the files of the reported patterns must all be
kept. Printed for each K: the files kept, and the files of reported patterns that K would have lost.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pattern_miner.config import default_config  # noqa: E402
from pattern_miner.console import Console  # noqa: E402
from pattern_miner.engine import build_shards, match_shards  # noqa: E402
from pattern_miner.match.candidates import COMMON_FLOOR, COMMON_SHARE  # noqa: E402
from pattern_miner.sources.local import LocalSource, repos_from_root  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", help="ROOT/<owner>/<name>/ repositories")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    config = default_config()
    shards = build_shards(LocalSource(repos_from_root(args.root), config), console=Console(quiet=True),
                          jobs=args.jobs)
    files = [(r, rec) for r, shard in enumerate(shards) for rec in shard.files]
    values = [np.frombuffer(rec.distinct, dtype=np.int64).tolist() for _, rec in files]
    df = Counter(h for vs in values for h in vs)
    limit = max(COMMON_FLOOR, COMMON_SHARE * len(files))
    postings: dict[int, list[int]] = defaultdict(list)
    for f, vs in enumerate(values):
        for h in vs:
            if df[h] <= limit:
                postings[h].append(f)
    shared: Counter[tuple[int, int]] = Counter()
    for held in postings.values():
        for i, a in enumerate(held):
            for b in held[i + 1:]:
                if files[a][0] != files[b][0]:
                    shared[(a, b)] += 1
    patterns, _ = match_shards(shards, config, jobs=args.jobs)
    reported = {(o.repo, o.path) for p in patterns for o in p.occurrences}
    named = [(shards[r].repo.name, rec.path) for r, rec in files]
    print(f"{len(files)} files in {len(shards)} repositories; {sum(n in reported for n in named)} in a reported "
          f"pattern ({len(patterns)} patterns)")
    for k in (1, 3, 5, 10, 20, 40):
        kept = {f for pair, n in shared.items() if n >= k for f in pair}
        lost = sum(1 for f, n in enumerate(named) if n in reported and f not in kept)
        print(f"K={k:>2}: an ideal pre-pass parses {len(kept):>5} files ({len(kept) / max(1, len(files)):.0%}); "
              f"files of reported patterns it loses: {lost}")


if __name__ == "__main__":
    main()
