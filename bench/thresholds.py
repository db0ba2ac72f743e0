#!/usr/bin/env python3
"""What each confirmation threshold does: every field of ``match.confirm.Thresholds`` moved one step
looser and one step stricter, alone, on the synthetic corpora, against their ``truth.json`` and
``negatives.json``.

    python bench/thresholds.py                      # seeds 1-5 under /tmp/pm-bench (bench/quality.py's)
    python bench/thresholds.py --corpora /tmp/pm-bench/corpus-1 /tmp/pm-bench/corpus-2

Shards are built once per corpus; only the matching runs again for each variant. Pairs are counted the
way ../shared/bench/score.py describes its scoring (its script is not needed): each cross-repository pair
of occurrences of a reported pattern is a *reported pair*; it is *true* when at least half of each of
its occurrences lies in two members of one truth group; a truth pair is *found* when one reported pair
covers at least half of each of its two members; a *hard negative* is a reported pair of two files
that ``negatives.json`` lists as generated alike but not copies. Counts are summed over the corpora.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from pattern_miner.config import default_config
from pattern_miner.console import Console
from pattern_miner.engine import build_shards, match_shards
from pattern_miner.match.confirm import THRESHOLDS, Thresholds
from pattern_miner.sources.local import LocalSource, repos_from_root

# field: (looser, stricter)
STEPS: dict[str, tuple[float, float]] = {
    "rare_strong": (0.40, 0.60),
    "lines_strong": (0.20, 0.40),
    "rare_strong_unit": (0.50, 0.70),
    "rare_strong_slack": (0.10, 0.0),
    "identical_shape": (0.90, 0.99),
    "rare_identical_shape": (0.06, 0.18),
    "rare_weak": (0.20, 0.30),
    "lines_weak": (0.35, 0.55),
    "small_code_lines": (5, 9),
    "small_code_shape": (0.90, 0.99),
    "small_code_literal": (0.80, 0.99),
}

Span = tuple[str, str, int, int]  # repo, path, first line, last line


def _covers(outer: Span, inner: Span) -> bool:
    """At least half of ``inner`` lies in ``outer``."""
    if outer[:2] != inner[:2]:
        return False
    shared = min(outer[3], inner[3]) - max(outer[2], inner[2]) + 1
    return shared * 2 >= inner[3] - inner[2] + 1


def _span(m: dict[str, Any]) -> Span:
    return m["repo"], m["path"], m["start_line"], m["end_line"]


def score(corpus: Path, patterns: list[Any]) -> dict[str, int]:
    truth = json.loads((corpus / "truth.json").read_text())
    negatives = json.loads((corpus / "negatives.json").read_text())["pairs"]
    hard = {frozenset({(p["a"]["repo"], p["a"]["path"]), (p["b"]["repo"], p["b"]["path"])}) for p in negatives}
    members: dict[tuple[str, str], list[tuple[int, Span]]] = defaultdict(list)  # by file: (group, member)
    for g, group in enumerate(truth["groups"]):
        for m in group["members"]:
            members[(m["repo"], m["path"])].append((g, _span(m)))
    reported: list[tuple[Span, Span]] = []
    for p in patterns:
        spans = [(o.repo, o.path, o.start_line, o.end_line) for o in p.occurrences]
        reported += [(a, b) for i, a in enumerate(spans) for b in spans[i + 1:] if a[0] != b[0]]
    true = 0
    found: set[tuple[int, Span, Span]] = set()
    for a, b in reported:
        in_a = [(g, m) for g, m in members.get(a[:2], []) if _covers(m, a)]
        in_b = [(g, m) for g, m in members.get(b[:2], []) if _covers(m, b)]
        true += any(ga == gb and ma != mb for ga, ma in in_a for gb, mb in in_b)
        for ga, ma in members.get(a[:2], []):
            for gb, mb in members.get(b[:2], []):
                if ga == gb and ma != mb and _covers(a, ma) and _covers(b, mb):
                    found.add((ga, min(ma, mb), max(ma, mb)))
    return {"found": len(found), "true": true, "false": len(reported) - true,
            "hard_negatives": sum(frozenset({a[:2], b[:2]}) in hard for a, b in reported),
            "patterns": len(patterns)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", nargs="+", type=Path,
                    default=[Path(f"/tmp/pm-bench/corpus-{n}") for n in range(1, 6)])
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    config = default_config()
    variants: list[tuple[str, Thresholds]] = [("today", THRESHOLDS)]
    for name, (looser, stricter) in STEPS.items():
        today = getattr(THRESHOLDS, name)
        variants.append((f"{name} {today} -> {looser}", dataclasses.replace(THRESHOLDS, **{name: looser})))
        variants.append((f"{name} {today} -> {stricter}", dataclasses.replace(THRESHOLDS, **{name: stricter})))
    totals: dict[str, dict[str, int]] = {label: defaultdict(int) for label, _ in variants}
    for corpus in args.corpora:
        shards = build_shards(LocalSource(repos_from_root(corpus / "repos"), config), console=Console(quiet=True),
                              jobs=args.jobs)
        for label, thresholds in variants:
            patterns, _ = match_shards(shards, config, jobs=args.jobs, thresholds=thresholds)
            for key, value in score(corpus, patterns).items():
                totals[label][key] += value
        print(f"{corpus}: done", file=sys.stderr, flush=True)
    base = totals["today"]
    print(f"{'variant':42} {'found':>6} {'true':>6} {'false':>6} {'hard-neg':>8} {'patterns':>8}")
    for label, row in totals.items():
        cells = [f"{row[k]:>6}" if label == "today" else f"{row[k] - base[k]:>+6}" for k in ("found", "true", "false")]
        cells.append(f"{row['hard_negatives']:>8}" if label == "today" else f"{row['hard_negatives'] - base['hard_negatives']:>+8}")
        cells.append(f"{row['patterns']:>8}" if label == "today" else f"{row['patterns'] - base['patterns']:>+8}")
        print(f"{label:42} " + " ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
