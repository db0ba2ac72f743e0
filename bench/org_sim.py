#!/usr/bin/env python3
"""A simulated organisation of small repositories, scanned through the GitHub API the way the Action does.

    python bench/org_sim.py                      # 2,000 repositories: a first run, then an unchanged re-run
    python bench/org_sim.py --repos 300 --seed 2

The loopback fake GitHub (tests/fakes/github.py) serves an organisation ``acme`` of ``--repos`` generated
repositories (tests/corpus.py: a service module each, and about one in four sharing each of a deploy script,
a Dockerfile, a CI workflow and a Python helper, some edited) plus the issue repository ``acme/hub``.
``pattern-miner action`` runs in a child process, as the runner starts it (INPUT_* variables; the config
lists the owner, so the organisation is discovered through its listing; the cache directory is kept
between the runs, as actions/cache keeps it), and publishes issues for real (max-issues 10, paced). The
fake's rate limit (5,000 an hour, as a personal token's) is lifted, so the count is the run's own: it is
printed as the share of an hour's budget of a personal token and of an Actions GITHUB_TOKEN.

Printed for each run: GitHub API requests (all, per repository, and by kind; archive downloads are not
API requests and are counted apart), wall time, peak memory (wait4's ru_maxrss of the largest process,
and the sampled peak of the summed RSS of the process tree, see bench/speed.py) and the job summary's size
against the runner's 1 MiB limit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import mb, measure  # noqa: E402

from tests.corpus import org_repos  # noqa: E402
from tests.fakes.github import FakeGitHub  # noqa: E402

SUMMARY_LIMIT = 1024 * 1024
KINDS = (  # request path -> what it is for
    (re.compile(r"/(orgs|users)/[^/]+/repos$|/user/repos$"), "owner listing"),
    (re.compile(r"/(users|orgs)/[^/]+$|/user$"), "owner lookup"),
    (re.compile(r"/repos/[^/]+/[^/]+/branches/"), "head commit"),
    (re.compile(r"/repos/[^/]+/[^/]+/git/trees/"), "tree"),
    (re.compile(r"/repos/[^/]+/[^/]+/tarball"), "archive link"),
    (re.compile(r"/repos/[^/]+/[^/]+/git/blobs/"), "blob"),
    (re.compile(r"/repos/[^/]+/[^/]+/(issues|labels)|/search/issues"), "issues"),
    (re.compile(r"/repos/[^/]+/[^/]+$"), "repository"),
)


def kind(path: str) -> str:
    for pattern, name in KINDS:
        if pattern.search(path.split("?")[0]):
            return name
    return "other"


def run_action(fake: FakeGitHub, work: Path, config: Path, label: str) -> None:
    summary, output = work / f"summary-{label}.md", work / f"output-{label}.txt"
    for f in (summary, output):
        f.write_text("")
    env = {
        **os.environ, "GITHUB_API_URL": fake.url, "GITHUB_TOKEN": fake.token, "GITHUB_REPOSITORY": "acme/hub",
        "GITHUB_WORKSPACE": str(work), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
        "GITHUB_ACTIONS": "true", "INPUT_CONFIG": str(config), "INPUT_CACHE-DIR": str(work / "cache"),
        "INPUT_MAX-ISSUES": "10", "INPUT_DRY-RUN": "false",
    }
    fake.clear_requests()
    fake.downloads.clear()
    m = measure([sys.executable, "-m", "pattern_miner", "action"], cwd=work, env=env)
    if m.exit_code != 0:
        print(m.stderr, file=sys.stderr)
        raise SystemExit(f"the action failed ({m.exit_code})")
    requests = list(fake.requests)
    by_kind = Counter(kind(r.path) for r in requests)
    repos = len(fake.state.repos)
    scan = sum(n for k, n in by_kind.items() if k != "issues")
    size = summary.stat().st_size
    outputs = dict(re.findall(r"^([a-z-]+)<<ghadelimiter_[^\n]*\n(.*?)\n", output.read_text(), re.M))
    hours = len(requests) / 5000
    print(f"{label}: {len(requests)} API requests = {len(requests) / repos:.2f} per repository "
          f"(scan {scan} = {scan / repos:.2f} per repository; {by_kind.get('issues', 0)} for issues); "
          f"{len(fake.downloads)} archive downloads; {hours:.2f} h of a 5,000/h token's budget, "
          f"{hours * 5:.2f} h of an Actions GITHUB_TOKEN's 1,000/h")
    print("    by kind: " + ", ".join(f"{k} {n}" for k, n in by_kind.most_common()))
    print(f"    wall {m.seconds:.1f} s, cpu {m.cpu:.1f} s; peak memory: largest process {mb(m.largest_kb * 1024)} MB, "
          f"process tree {mb(m.tree_bytes)} MB")
    print(f"    job summary {size:,} bytes ({size / SUMMARY_LIMIT:.1%} of the 1 MiB limit); outputs: "
          + ", ".join(f"{k} {v}" for k, v in outputs.items() if k != "report-path"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repos", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pm-org-sim")
    args = ap.parse_args()
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    config = args.work / "repositories.json"
    config.write_text(json.dumps({"owners": [{"owner": "acme"}]}))
    started = time.perf_counter()
    with FakeGitHub() as fake:
        # the fake enforces 5,000 requests an hour; lifted here so that the run's own count is what is measured
        fake.state.rate_remaining = 10**9
        fake.add_org("acme", members=(fake.login,))
        fake.add_repo("acme/hub", {"README.md": "# hub\n"})
        repos = org_repos(args.repos, seed=args.seed)
        for name, files in repos.items():
            fake.add_repo(name, dict(files))
        files = sum(len(f) for f in repos.values())
        print(f"organisation acme: {len(repos) + 1} repositories ({files} files, seeded in "
              f"{time.perf_counter() - started:.1f} s), {os.cpu_count()} cores, load "
              + " ".join(f"{x:.1f}" for x in os.getloadavg()))
        run_action(fake, args.work, config, "first run")
        run_action(fake, args.work, config, "unchanged re-run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
