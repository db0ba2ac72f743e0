#!/usr/bin/env python3
"""Clone-detection quality on the shared synthetic benchmark: recall by clone type and kind, precision.

    python bench/quality.py                        # seeds 1-5, corpora cached under /tmp/pm-bench
    python bench/quality.py --seeds 6 7 8 --jscpd  # other seeds, and jscpd 5.3.3 on the same corpora

For each seed: ../shared/bench/make_corpus.py writes a corpus (once), `pattern-miner scan --root` scans
it, ../shared/bench/score.py scores the JSON report. Pairs are summed over seeds before the ratios.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = Path(os.environ.get("PM_SHARED_BENCH", HERE.parent.parent / "shared" / "bench"))


def corpus(seed: int, work: Path) -> Path:
    out = work / f"corpus-{seed}"
    if not (out / "truth.json").exists():
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), "--seed", str(seed), "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def score(truth: Path, report: Path, fmt: str) -> dict:
    res = subprocess.run([sys.executable, str(BENCH / "score.py"), "--truth", str(truth), "--report", str(report),
                          "--format", fmt, "--json"], check=True, capture_output=True, text=True)
    return json.loads(res.stdout)


def run_pattern_miner(root: Path, report: Path) -> float:
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "pattern_miner", "scan", "--root", str(root / "repos"), "--format", "json",
                    "--output", str(report), "--quiet"], check=True)
    return time.monotonic() - start


def run_jscpd(root: Path, out: Path) -> float:
    start = time.monotonic()
    subprocess.run(["bash", str(BENCH / "run_jscpd.sh"), str(root), str(out), "--mode", "weak", "--ignore-identifiers",
                    "--ignore-literals", "--max-gap-lines", "3"], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def aggregate(results: list[dict]) -> dict:
    total: dict = {"by_type": collections.defaultdict(lambda: [0, 0]), "by_kind": collections.defaultdict(lambda: [0, 0])}
    tp = reported = neg = 0
    for res in results:
        for section in ("by_type", "by_kind"):
            for key, row in res[section].items():
                total[section][key][0] += row["found"]
                total[section][key][1] += row["pairs"]
        tp += res["true_positive_pairs"]
        reported += res["reported_pairs"]
        neg += res["fp_on_hard_negatives"]
    return {"by_type": total["by_type"], "by_kind": total["by_kind"], "tp": tp, "reported": reported, "neg": neg}


def show(name: str, agg: dict, seconds: float) -> None:
    print(f"\n{name}  (total scan time {seconds:.1f} s)")
    for section in ("by_type", "by_kind"):
        for key, (found, pairs) in sorted(agg[section].items()):
            print(f"  {key:18s} recall {found / pairs:6.3f}  ({found}/{pairs})")
    precision = agg["tp"] / agg["reported"] if agg["reported"] else 0.0
    print(f"  precision          {precision:6.3f}  ({agg['tp']}/{agg['reported']} reported cross-repo pairs)")
    print(f"  FPs on hard negatives: {agg['neg']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--work", type=Path, default=Path("/tmp/pm-bench"))
    ap.add_argument("--jscpd", action="store_true", help="also run jscpd 5.3.3 (npm) on the same corpora")
    ap.add_argument("--per-seed", action="store_true", help="print each seed's line too")
    args = ap.parse_args()
    needed = ["make_corpus.py", "score.py"] + (["run_jscpd.sh"] if args.jscpd else [])
    if missing := [name for name in needed if not (BENCH / name).is_file()]:
        print(f"quality.py: the shared benchmark is not at {BENCH} (no {', '.join(missing)}); "
              "set PM_SHARED_BENCH to the folder that has it", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    ours, theirs = [], []
    ours_s = theirs_s = 0.0
    for seed in args.seeds:
        root = corpus(seed, args.work)
        report = args.work / f"pm-{seed}.json"
        ours_s += run_pattern_miner(root, report)
        ours.append(score(root / "truth.json", report, "pattern-miner"))
        if args.per_seed:
            r = ours[-1]
            print(f"seed {seed}: " + " ".join(f"{k}={v['recall']:.3f}" for k, v in r["by_type"].items())
                  + f" precision={r['precision']:.3f} hard-negatives={r['fp_on_hard_negatives']}")
        if args.jscpd:
            out = args.work / f"jscpd-{seed}"
            theirs_s += run_jscpd(root, out)
            theirs.append(score(root / "truth.json", out / "jscpd-report.json", "jscpd"))
    print(f"seeds: {' '.join(map(str, args.seeds))}")
    show("pattern-miner", aggregate(ours), ours_s)
    if theirs:
        show("jscpd 5.3.3 (--mode weak --ignore-identifiers --ignore-literals --max-gap-lines 3)",
             aggregate(theirs), theirs_s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
