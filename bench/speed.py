#!/usr/bin/env python3
"""Scan speed and peak memory on two real trees that every machine has, next to jscpd 5.3.3.

    python bench/speed.py                        # both corpora, pattern-miner and jscpd 5.3.3
    python bench/speed.py --corpus stdlib --repeat 3 --jobs 2
    python bench/speed.py --corpus npm --no-jscpd
    python bench/speed.py --corpus stdlib --cache --repeat 3   # cold vs unchanged re-scan, one cache dir

Corpora (built once under --work as DIR/<owner>/<name>/ trees of hard links, so nothing is copied
unless /tmp is on another file system; the local source never follows symlinks, hard links are files):
- stdlib: every .py file of the running Python's standard library (site-packages left out), one
  repository per top-level package ("stdlib/email", "stdlib/test", ...), the top-level modules together
  as "stdlib/_modules";
- npm: every .js/.mjs/.cjs file of the npm that `npm root -g` finds: one repository per bundled package
  ("npm/semver", "npmcli/arborist", ...) and npm's own code as "npm/npm"; nested node_modules/ and
  *.min.js are left out (pattern-miner never scans them).

Measured for each tool and corpus: wall time (process start to exit), lines/s (the corpus's lines over
the wall time), and memory:
- "largest": the peak RSS of the largest single process of the run (wait4's ru_maxrss, which is the
  maximum over the process and all its descendants);
- "tree": the peak of the SUM of RSS over the whole process tree, sampled every 50 ms (shared
  copy-on-write pages of forked workers are counted once per process, so this leans high);
- for pattern-miner also the scan process itself and its largest worker, from getrusage inside the
  scan process (RUSAGE_SELF and RUSAGE_CHILDREN at exit), and their bound parent + jobs × worker.
The goal of issue #2: on stdlib, pattern-miner's wall time ≤ 2× jscpd's in the same run, peak ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

JSCPD_VERSION = "5.3.3"
JSCPD_PREFIX = Path("/tmp/jscpd")
JSCPD_FLAGS = ["--mode", "weak", "--ignore-identifiers", "--ignore-literals", "--max-gap-lines", "3",
               "--formats-names", "docker:Dockerfile", "--max-size", "100mb", "--max-lines", "10000000"]
GOAL_RATIO = 2.0
GOAL_BYTES = 2 * 1024**3
SAMPLE_SECONDS = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")

# Run inside the scan process: pattern-miner's own entry point, then its peak RSS and its largest
# worker's (the workers are reaped by then) written as JSON to argv[1].
WRAPPER = """
import atexit, json, resource, runpy, sys
out = sys.argv[1]
sys.argv = ["pattern_miner", *sys.argv[2:]]
def report():
    with open(out, "w") as f:
        json.dump({"self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, f)
atexit.register(report)
runpy.run_module("pattern_miner", run_name="__main__", alter_sys=True)
"""


# ----------------------------------------------------------------------------- corpora

@dataclass
class Corpus:
    name: str
    root: Path  # ROOT/<owner>/<name>/
    jscpd_format: str
    repos: int = 0
    files: int = 0
    lines: int = 0
    bytes: int = 0
    linked: bool = True  # hard links; False when some files had to be copied


def count_lines(data: bytes) -> int:
    """Lines as an editor numbers them (pattern-miner's count): a final newline starts no new line."""
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _place(src: Path, dst: Path, corpus: Corpus) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
        corpus.linked = False
    data = src.read_bytes()
    corpus.files += 1
    corpus.lines += count_lines(data)
    corpus.bytes += len(data)


def _add_tree(src: Path, dst: Path, exts: tuple[str, ...], corpus: Corpus, prune: frozenset[str]) -> int:
    """Hard-link every regular file under src ending in one of exts; returns how many."""
    n = 0
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in prune)
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if not name.endswith(exts) or name.endswith(".min.js") or path.is_symlink() or not path.is_file():
                continue
            _place(path, dst / path.relative_to(src), corpus)
            n += 1
    return n


def _fresh(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)


def build_stdlib(work: Path) -> Corpus:
    lib = Path(sysconfig.get_paths()["stdlib"])
    corpus = Corpus("stdlib", work / "stdlib", "python")
    _fresh(corpus.root)
    prune = frozenset({"__pycache__", "site-packages"})
    for entry in sorted(lib.iterdir()):
        if entry.is_symlink() or entry.name in prune:
            continue
        if entry.is_dir():
            if _add_tree(entry, corpus.root / "stdlib" / entry.name, (".py",), corpus, prune):
                corpus.repos += 1
        elif entry.is_file() and entry.suffix == ".py":
            if not (corpus.root / "stdlib" / "_modules").exists():
                corpus.repos += 1
            _place(entry, corpus.root / "stdlib" / "_modules" / entry.name, corpus)
    return corpus


def npm_root() -> Path:
    try:
        out = subprocess.run(["npm", "root", "-g"], capture_output=True, text=True, check=True, timeout=60)
        root = Path(out.stdout.strip()) / "npm"
        if root.is_dir():
            return root
    except (OSError, subprocess.SubprocessError):
        pass
    node = shutil.which("node")
    if node:
        root = Path(node).resolve().parent.parent / "lib" / "node_modules" / "npm"
        if root.is_dir():
            return root
    raise SystemExit("npm not found: neither `npm root -g` nor node's prefix lib/node_modules/npm")


def build_npm(work: Path) -> Corpus:
    npm = npm_root()
    corpus = Corpus("npm", work / "npm", "javascript")
    _fresh(corpus.root)
    exts = (".js", ".mjs", ".cjs")
    prune = frozenset({"node_modules"})
    packages: list[tuple[str, str, Path]] = []
    for entry in sorted((npm / "node_modules").iterdir()):
        if entry.is_symlink() or not entry.is_dir() or entry.name.startswith("."):
            continue
        if entry.name.startswith("@"):
            packages += [(entry.name[1:], p.name, p) for p in sorted(entry.iterdir())
                         if p.is_dir() and not p.is_symlink()]
        else:
            packages.append(("npm", entry.name, entry))
    for owner, name, path in packages:
        if _add_tree(path, corpus.root / owner / name, exts, corpus, prune):
            corpus.repos += 1
    own = corpus.root / "npm" / "npm"
    if own.exists():
        raise SystemExit("a bundled package is named npm: pick another name for npm's own code")
    n = 0
    for entry in sorted(npm.iterdir()):
        if entry.name == "node_modules" or entry.is_symlink():
            continue
        if entry.is_dir():
            n += _add_tree(entry, own / entry.name, exts, corpus, prune)
        elif entry.is_file() and entry.name.endswith(exts):
            _place(entry, own / entry.name, corpus)
            n += 1
    corpus.repos += bool(n)
    return corpus


BUILDERS = {"stdlib": build_stdlib, "npm": build_npm}


# ----------------------------------------------------------------------------- measuring

@dataclass
class Measured:
    seconds: float
    exit_code: int
    largest_kb: int  # ru_maxrss from wait4: the largest single process of the tree
    tree_bytes: int  # sampled peak of the summed RSS of the tree
    cpu: float  # user + system seconds of the process and its reaped descendants
    stderr: str = ""
    extra: dict = field(default_factory=dict)


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, ()))
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def measure(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Measured:
    """Run cmd; wall time, the largest process's peak RSS and the sampled peak RSS of the whole tree."""
    peak = 0
    done = threading.Event()
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, sum(_rss(p) for p in _descendants(proc.pid)))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Measured(seconds, proc.returncode, usage.ru_maxrss, peak, usage.ru_utime + usage.ru_stime, text[-2000:])


def run_pattern_miner(corpus: Corpus, out: Path, jobs: int, cache: Path | None = None) -> Measured:
    report = out / f"pm-{corpus.name}.json"
    rusage = out / f"pm-{corpus.name}-rusage.json"
    cmd = [sys.executable, "-c", WRAPPER, str(rusage), "scan", "--root", str(corpus.root), "--format", "json",
           "--output", str(report), "--quiet", "--jobs", str(jobs)]
    if cache is not None:
        cmd += ["--cache-dir", str(cache)]
    m = measure(cmd)
    if m.exit_code != 0:
        raise SystemExit(f"pattern-miner failed ({m.exit_code}) on {corpus.name}:\n{m.stderr}")
    doc = json.loads(report.read_text(encoding="utf-8"))
    stats = dict(doc["stats"])
    stats["engine_seconds"] = stats.pop("seconds", None)  # the scan's own clock, from config load to report
    m.extra = {**stats, "found": doc["patterns_found"], **json.loads(rusage.read_text())}
    return m


def jscpd_binary(install: bool) -> list[str] | None:
    """jscpd 5.3.3: on PATH, else under /tmp/jscpd (installed there with npm when allowed)."""
    for candidate in (shutil.which("jscpd"), str(JSCPD_PREFIX / "node_modules" / ".bin" / "jscpd")):
        if candidate and Path(candidate).exists():
            version = subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout
            if JSCPD_VERSION in version:
                return [candidate]
    if not install or shutil.which("npm") is None:
        return None
    JSCPD_PREFIX.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["npm", "install", "--silent", "--prefix", str(JSCPD_PREFIX), f"jscpd@{JSCPD_VERSION}"],
                         capture_output=True, text=True)
    binary = JSCPD_PREFIX / "node_modules" / ".bin" / "jscpd"
    if res.returncode != 0 or not binary.exists():
        print(f"jscpd {JSCPD_VERSION} could not be installed: {res.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return [str(binary)]


def run_jscpd(jscpd: list[str], corpus: Corpus, out: Path) -> Measured:
    target = out / f"jscpd-{corpus.name}"
    if target.exists():
        shutil.rmtree(target)
    cmd = [*jscpd, *JSCPD_FLAGS, "--format", corpus.jscpd_format, "--reporters", "json", "--silent",
           "--output", str(target), str(corpus.root)]
    m = measure(cmd)
    report = target / "jscpd-report.json"
    if m.exit_code != 0 or not report.exists():
        raise SystemExit(f"jscpd failed ({m.exit_code}) on {corpus.name}:\n{m.stderr}")
    total = json.loads(report.read_text(encoding="utf-8"))["statistics"]["total"]
    m.extra = {"files_scanned": total.get("sources"), "lines_scanned": total.get("lines"),
               "found": total.get("clones")}
    return m


# ----------------------------------------------------------------------------- the fingerprint cache

GOAL_WARM = 0.20  # issue #15: an unchanged re-scan with the same cache directory takes <= 20% of the first


def cached_runs(corpus: Corpus, out: Path, jobs: int, repeat: int) -> None:
    """Cold then warm scans with one cache directory (emptied before each cold scan): the ratio of the
    medians, and that both found the same patterns."""
    cache = out / f"cache-{corpus.name}"
    cold, warm, same = [], [], True
    for _ in range(repeat):
        if cache.exists():
            shutil.rmtree(cache)
        cold.append(run_pattern_miner(corpus, out, jobs, cache))
        first = json.loads((out / f"pm-{corpus.name}.json").read_text(encoding="utf-8"))["patterns"]
        warm.append(run_pattern_miner(corpus, out, jobs, cache))
        same &= first == json.loads((out / f"pm-{corpus.name}.json").read_text(encoding="utf-8"))["patterns"]
    c, w = summarize(cold), summarize(warm)
    ratio = w["seconds"] / c["seconds"]
    size = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
    print(f"{corpus.name} with --cache-dir: cold {c['seconds']:.1f} s (cpu {c['cpu']:.1f}), warm {w['seconds']:.1f} s "
          f"(cpu {w['cpu']:.1f}); warm / cold = {ratio:.2f} ({'within' if ratio <= GOAL_WARM else 'OVER'} "
          f"{GOAL_WARM:.0%}); same patterns: {'yes' if same else 'NO'}; cache {mb(size)} MB; "
          f"wall times cold {c['seconds_all']} warm {w['seconds_all']}")


# ----------------------------------------------------------------------------- profiling

def profile(corpus: Corpus, out: Path, top: int) -> None:
    """One process (--jobs 1), in-process: the two halves of engine.scan timed plain, then under cProfile."""
    from pattern_miner.config import default_config
    from pattern_miner.console import Console
    from pattern_miner.engine import build_shards, match_shards
    from pattern_miner.sources.local import LocalSource, repos_from_root

    config = default_config()

    def shards_() -> list:
        return build_shards(LocalSource(repos_from_root(corpus.root), config), console=Console(quiet=True), jobs=1)

    start = time.perf_counter()
    shards = shards_()
    middle = time.perf_counter()
    patterns, stats = match_shards(shards, config)
    end = time.perf_counter()
    print(f"\n{corpus.name}, one process, no profiler: build_shards {middle - start:.1f} s, "
          f"match_shards {end - middle:.1f} s, {len(patterns)} patterns")
    print("match stats: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    shards = shards_()
    prof.disable()
    middle = time.perf_counter()
    prof.enable()
    match_shards(shards, config)
    prof.disable()
    end = time.perf_counter()
    dump = out / f"pm-{corpus.name}.prof"
    prof.dump_stats(dump)
    print(f"under cProfile: build_shards {middle - start:.1f} s, match_shards {end - middle:.1f} s; "
          f"profile in {dump}")
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(prof, stream=text).strip_dirs().sort_stats(order).print_stats(top)
        body = text.getvalue()
        print(f"\n--- top {top} by {order}\n" + body[body.find("ncalls"):].rstrip())


# ----------------------------------------------------------------------------- reporting

def mb(n_bytes: float) -> str:
    return f"{n_bytes / 1024**2:,.0f}"


def summarize(runs: list[Measured]) -> dict:
    """Median wall time, the highest peaks, the last run's extras."""
    return {
        "seconds": statistics.median(r.seconds for r in runs),
        "seconds_all": [round(r.seconds, 2) for r in runs],
        "cpu": statistics.median(r.cpu for r in runs),
        "largest_bytes": max(r.largest_kb for r in runs) * 1024,
        "tree_bytes": max(r.tree_bytes for r in runs),
        "self_bytes": max(r.extra.get("self_kb", 0) for r in runs) * 1024,
        "worker_bytes": max(r.extra.get("children_kb", 0) for r in runs) * 1024,
        **{k: v for k, v in runs[-1].extra.items() if k not in ("self_kb", "children_kb")},
    }


def print_table(rows: list[tuple[Corpus, str, dict]], jobs: int) -> None:
    head = (f"{'corpus':7} {'tool':13} {'repos':>5} {'files':>6} {'lines':>9} {'wall s':>7} {'lines/s':>8} "
            f"{'cpu s':>6} {'largest MB':>10} {'tree MB':>8} {'found':>6}")
    print(head)
    print("-" * len(head))
    for corpus, tool, s in rows:
        files = s.get("files_scanned")
        lines = s.get("lines_scanned")
        print(f"{corpus.name:7} {tool:13} {corpus.repos if tool == 'pattern-miner' else '':>5} "
              f"{files if files is not None else '?':>6} {lines if lines is not None else '?':>9} "
              f"{s['seconds']:7.1f} {corpus.lines / s['seconds']:8,.0f} {s['cpu']:6.1f} "
              f"{mb(s['largest_bytes']):>10} {mb(s['tree_bytes']):>8} {s.get('found', '?'):>6}")
    print("\nlines/s = the corpus's lines over the wall time; cpu = user + system seconds of all the run's processes;")
    print("largest = the peak RSS of the largest single process;")
    print("tree = the sampled peak of the summed RSS of all the run's processes; found = patterns / jscpd clones.")
    for corpus, tool, s in rows:
        if tool != "pattern-miner":
            continue
        bound = s["self_bytes"] + jobs * s["worker_bytes"] if jobs > 1 else s["self_bytes"]
        skipped = ", ".join(f"{n} {why}" for why, n in s.get("files_skipped", {}).items()) or "none"
        print(f"\n{corpus.name}: pattern-miner scan process {mb(s['self_bytes'])} MB, largest worker "
              f"{mb(s['worker_bytes'])} MB, bound parent + {jobs} x worker = {mb(bound)} MB; "
              f"{s.get('fragments', '?')} fragments, {s.get('parse_fallbacks', '?')} parse fallbacks, skipped: {skipped}; "
              f"wall times {s['seconds_all']}")


def verdict(corpus: Corpus, ours: dict, theirs: dict | None) -> None:
    peak = max(ours["tree_bytes"], ours["largest_bytes"])
    mem_ok = peak <= GOAL_BYTES
    line = f"{corpus.name}: peak {mb(peak)} MB ({'within' if mem_ok else 'OVER'} 2 GB)"
    if theirs is not None:
        ratio = ours["seconds"] / theirs["seconds"]
        mem_ratio = peak / max(theirs["tree_bytes"], theirs["largest_bytes"])
        line += (f"; wall pattern-miner / jscpd = {ratio:.2f}x ({'within' if ratio <= GOAL_RATIO else 'OVER'} "
                 f"{GOAL_RATIO:.0f}x), cpu {ours['cpu'] / theirs['cpu']:.2f}x, memory {mem_ratio:.2f}x jscpd's")
    print(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=("stdlib", "npm", "all"), default="all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pattern-miner worker processes "
                    "(default: all cores, as the scan command; jscpd uses all cores)")
    ap.add_argument("--no-jscpd", action="store_true", help="do not run jscpd")
    ap.add_argument("--no-install", action="store_true", help="do not npm-install jscpd when it is missing")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each tool (median wall time, highest peaks)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pm-speed",
                    help="where the corpora and reports go (default: %(default)s)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON here")
    ap.add_argument("--profile", action="store_true",
                    help="also profile pattern-miner on each corpus: one process, cProfile, match statistics")
    ap.add_argument("--top", type=int, default=25, help="functions listed by --profile (default: %(default)s)")
    ap.add_argument("--cache", action="store_true", help="only the fingerprint cache: a cold scan and an unchanged "
                    "re-scan with the same --cache-dir, per corpus (--repeat times; no jscpd)")
    args = ap.parse_args()
    if args.repeat < 1 or args.jobs < 1:
        ap.error("--repeat and --jobs must be at least 1")
    args.work.mkdir(parents=True, exist_ok=True)
    out = args.work / "out"
    out.mkdir(exist_ok=True)
    jscpd = None if args.no_jscpd or args.cache else jscpd_binary(install=not args.no_install)
    if not args.no_jscpd and not args.cache and jscpd is None:
        print(f"jscpd {JSCPD_VERSION} not available: measuring pattern-miner alone", file=sys.stderr)
    names = ["stdlib", "npm"] if args.corpus == "all" else [args.corpus]
    if "npm" in names:  # find it before measuring anything, not after the stdlib run
        try:
            npm_root()
        except SystemExit as exc:
            print(f"speed.py: {exc} (--corpus stdlib measures without it)", file=sys.stderr)
            return 2
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores (load {load}), pattern-miner --jobs {args.jobs}"
          + (f", jscpd {JSCPD_VERSION} ({' '.join(JSCPD_FLAGS)})" if jscpd else ""))
    rows: list[tuple[Corpus, str, dict]] = []
    results: dict = {}
    if args.cache:
        for name in names:
            cached_runs(BUILDERS[name](args.work), out, args.jobs, args.repeat)
        return 0
    for name in names:
        corpus = BUILDERS[name](args.work)
        print(f"{name}: {corpus.repos} repositories, {corpus.files} files, {corpus.lines:,} lines, "
              f"{corpus.bytes / 1024**2:.1f} MB ({'hard links' if corpus.linked else 'copied'}) under {corpus.root}")
        ours_runs, theirs_runs = [], []
        for _ in range(args.repeat):  # alternate, so both tools see the same machine state
            ours_runs.append(run_pattern_miner(corpus, out, args.jobs))
            if jscpd:
                theirs_runs.append(run_jscpd(jscpd, corpus, out))
        ours = summarize(ours_runs)
        rows.append((corpus, "pattern-miner", ours))
        theirs = summarize(theirs_runs) if theirs_runs else None
        if theirs:
            rows.append((corpus, f"jscpd {JSCPD_VERSION}", theirs))
        results[name] = {"files": corpus.files, "lines": corpus.lines, "repos": corpus.repos,
                         "pattern-miner": ours, "jscpd": theirs}
    print()
    print_table(rows, args.jobs)
    print()
    for name in names:
        corpus = next(c for c, _, _ in rows if c.name == name)
        verdict(corpus, results[name]["pattern-miner"], results[name]["jscpd"])
    if args.profile:
        for corpus, tool, _ in rows:
            if tool == "pattern-miner":
                profile(corpus, out, args.top)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
