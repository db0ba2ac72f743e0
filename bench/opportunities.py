#!/usr/bin/env python3
"""Extraction opportunities on synthetic organisations: is each thing worth extracting ONE reported
opportunity, and are the valuable ones first? (issue 13)

    python bench/opportunities.py                          # seeds 1-5: orgs under /tmp/pm-org (made when missing)
    python bench/opportunities.py --seeds 21 22 --work /tmp/opps --jscpd   # other seeds, and jscpd 5.3.3

For each seed, ../shared/bench/make_org.py writes an organisation once (WORK/org-N/: 14-15 repositories with
near-forks, libraries, large edited copies, stock templates, Type-4 variants and make_corpus's clone groups;
its truth is opportunities.json); `pattern-miner scan --root` scans it; ../shared/bench/score_org.py scores
the JSON report's opportunities[]. With --jscpd, jscpd runs with its strongest setting on the same repositories
(each duplicate pair it reports is one opportunity). Per seed: recall by kind (found/total), fragments (reported
opportunities per true one they touch; 1 is one issue each), noise (reported opportunities mostly outside every
truth member), reported/true, nDCG@10 of the order. Reports go to --reports.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCH = Path(os.environ.get("PM_SHARED_BENCH", HERE.parent.parent / "shared" / "bench"))
JSCPD_FLAGS = ["--mode", "weak", "--ignore-identifiers", "--ignore-literals", "--max-gap-lines", "3"]


def org(seed: int, work: Path) -> Path:
    out = work / f"org-{seed}"
    if not (out / "opportunities.json").exists():
        subprocess.run([sys.executable, str(BENCH / "make_org.py"), "--seed", str(seed), "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def score(truth: Path, report: Path, fmt: str) -> dict[str, Any]:
    res = subprocess.run([sys.executable, str(BENCH / "score_org.py"), "--truth", str(truth), "--report", str(report),
                          "--format", fmt, "--json"], check=True, capture_output=True, text=True)
    out: dict[str, Any] = json.loads(res.stdout)
    return out


def run_pattern_miner(root: Path, report: Path) -> None:
    subprocess.run([sys.executable, "-m", "pattern_miner", "scan", "--root", str(root / "repos"), "--format", "json",
                    "--output", str(report), "--quiet"], check=True)


def run_jscpd(root: Path, out: Path) -> Path:
    # run_jscpd.sh also scores the report against the clone truth: that output is not these figures
    subprocess.run(["bash", str(BENCH / "run_jscpd.sh"), str(root), str(out), *JSCPD_FLAGS], check=True,
                   stdout=subprocess.DEVNULL)
    return out / "jscpd-report.json"


def line(seed: str, r: dict[str, Any]) -> str:
    kinds = "  ".join(f"{k} {v['found']}/{v['total']} ({v['fragments_mean']:.2g})" for k, v in r["by_kind"].items())
    return (f"  {seed:>5}  recall {r['recall']:.3f}  noise {r['noise_share']:4.0%}  reported/true "
            f"{r['reported'] / max(1, r['truth']):4.2f}  nDCG@10 {r['ndcg@10']:.3f}  |  {kinds}")


def total(results: list[dict[str, Any]]) -> dict[str, Any]:
    by_kind: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0, 0.0, 0])
    for r in results:
        for k, v in r["by_kind"].items():
            row = by_kind[k]
            row[0] += v["found"]
            row[1] += v["total"]
            if v["fragments_mean"]:
                row[2] += v["fragments_mean"]
                row[3] += 1
    found = sum(r["found"] for r in results)
    truth = sum(r["truth"] for r in results)
    reported = sum(r["reported"] for r in results)
    return {
        "found": found, "truth": truth, "reported": reported, "recall": found / max(1, truth),
        "noise_share": sum(r["noise"] for r in results) / max(1, reported),
        "ndcg@10": sum(r["ndcg@10"] for r in results) / max(1, len(results)),
        "by_kind": {k: {"found": int(f), "total": int(n), "fragments_mean": fr / c if c else 0.0}
                    for k, (f, n, fr, c) in sorted(by_kind.items())},
    }


def show(name: str, results: list[tuple[int, dict[str, Any]]]) -> None:
    print(f"\n{name}   (per kind: found/total (mean fragments of those touched))")
    for seed, r in results:
        print(line(str(seed), r))
    print(line("all", total([r for _, r in results])))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--work", type=Path, default=Path("/tmp/pm-org"), help="where the orgs are (made when missing)")
    ap.add_argument("--reports", type=Path, default=Path("/tmp/pm-opportunities"), help="where reports are written")
    ap.add_argument("--jscpd", action="store_true", help="also run jscpd 5.3.3 (npm) on the same organisations")
    args = ap.parse_args()
    needed = ["make_org.py", "score_org.py"] + (["run_jscpd.sh"] if args.jscpd else [])
    if missing := [name for name in needed if not (BENCH / name).is_file()]:
        print(f"opportunities.py: the shared benchmark is not at {BENCH} (no {', '.join(missing)}); "
              "set PM_SHARED_BENCH to the folder that has it", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    args.reports.mkdir(parents=True, exist_ok=True)
    ours, theirs = [], []
    for seed in args.seeds:
        root = org(seed, args.work)
        report = args.reports / f"pm-{seed}.json"
        run_pattern_miner(root, report)
        ours.append((seed, score(root / "opportunities.json", report, "pattern-miner")))
        if args.jscpd:
            found = run_jscpd(root, args.reports / f"jscpd-{seed}")
            theirs.append((seed, score(root / "opportunities.json", found, "jscpd")))
    print(f"seeds: {' '.join(map(str, args.seeds))}; organisations under {args.work}")
    show("pattern-miner", ours)
    if theirs:
        show(f"jscpd 5.3.3 ({' '.join(JSCPD_FLAGS)}; each pair one opportunity)", theirs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
