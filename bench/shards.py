#!/usr/bin/env python3
"""Sharded runs give exactly one scan's report: `shard --part K/N` for every K, `merge`, against `scan`.

    python bench/shards.py                          # /tmp/pm-bench/corpus-1..5, three parts
    python bench/shards.py --parts 4 --corpora /tmp/pm-bench/corpus-2 /tmp/speed/stdlib

Each corpus is scanned once (``scan --root DIR --format json --with-text``), then sharded into N parts
(each job with its own fresh cache directory, as matrix jobs have) and merged (``merge --format json
--with-text``). The two reports must be equal in everything but the elapsed seconds: the same patterns
(ids, scores, similarities, occurrences and their text), repositories, skips and counts. Printed per
corpus: the verdict, patterns, the parts' repositories and shard file sizes, and the times.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def pm(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pattern_miner", *args, "--quiet"], check=True)
    return time.perf_counter() - started


def root_of(corpus: Path) -> Path:
    return corpus / "repos" if (corpus / "repos").is_dir() else corpus


def compare(corpus: Path, parts: int, work: Path, jobs: int) -> bool:
    out = work / corpus.name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    root = str(root_of(corpus))
    scan_s = pm("scan", "--root", root, "--format", "json", "--with-text", "-o", str(out / "scan.json"), "-j", str(jobs))
    shard_s, files = [], []
    for k in range(1, parts + 1):
        files.append(out / f"part-{k}.pmshard")
        shard_s.append(pm("shard", "--root", root, "--part", f"{k}/{parts}", "-o", str(files[-1]), "-j", str(jobs),
                          "--cache-dir", str(out / f"cache-{k}")))
    merge_s = pm("merge", *map(str, files), "--format", "json", "--with-text", "-o", str(out / "merge.json"),
                 "-j", str(jobs))
    docs = []
    for name in ("scan.json", "merge.json"):
        doc = json.loads((out / name).read_text(encoding="utf-8"))
        doc["stats"].pop("seconds")
        docs.append(doc)
    same = docs[0] == docs[1]
    sizes = ", ".join(f"{f.stat().st_size / 1024**2:.1f}" for f in files)
    print(f"{corpus}: {'IDENTICAL' if same else 'DIFFERENT'} - {len(docs[0]['patterns'])} patterns, "
          f"{docs[0]['repositories_scanned']} repositories, {docs[0]['stats']['files_scanned']} files; "
          f"shard files {sizes} MB; scan {scan_s:.1f} s, shards {' + '.join(f'{s:.1f}' for s in shard_s)} s, "
          f"merge {merge_s:.1f} s")
    if not same:
        a, b = ({p["id"] for p in d["patterns"]} for d in docs)
        print(f"  only in scan: {sorted(a - b)[:5]}; only in merge: {sorted(b - a)[:5]}")
    return same


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", nargs="+", type=Path,
                    default=[Path(f"/tmp/pm-bench/corpus-{i}") for i in range(1, 6)])
    ap.add_argument("--parts", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pm-shards")
    args = ap.parse_args()
    results = [compare(c, args.parts, args.work, args.jobs) for c in args.corpora if c.is_dir()]
    print(f"{sum(results)} of {len(results)} corpora identical")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
