"""Repositories that are copies of each other (a family) → one upstream the others follow.

The copies are whole repositories, so the recipe proposes what a platform team does with near-forks: keep
one upstream (a template repository, or a weekly sync that opens a pull request in each copy), and leave in
each repository only what differs. The components are the files every member shares.
"""

from __future__ import annotations

from collections import defaultdict

from pattern_miner.advise.naming import package_name
from pattern_miner.advise.recipes.base import Copies, Plan

MAX_COMPONENTS = 8

SYNC = """\
# .github/workflows/sync-upstream.yml in each copy: a weekly pull request with the upstream's changes
on:
  schedule: [{cron: "0 6 * * 1"}]
  workflow_dispatch:
permissions: {contents: write, pull-requests: write}
jobs:
  sync:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {fetch-depth: 0}
      - env: {GH_TOKEN: "${{ github.token }}"}
        run: |
          git remote add upstream https://github.com/UPSTREAM.git
          git fetch upstream main
          git switch -c sync-upstream
          git merge --no-edit upstream/main
          git push --force origin sync-upstream
          gh pr create --fill --head sync-upstream || true
"""


def plan(c: Copies) -> Plan:
    repos = sorted(c.pattern.repos)
    places: dict[str, list[int]] = defaultdict(list)
    for n, o in enumerate(c.pattern.occurrences):
        places[o.path].append(n)
    shared = sorted(places.items(), key=lambda kv: (-len({c.pattern.occurrences[i].repo for i in kv[1]}), kv[0]))
    components = [(f"`{path}`", f"The same file in {len({c.pattern.occurrences[i].repo for i in idx})} of the "
                                f"{len(repos)} repositories.", idx) for path, idx in shared[:MAX_COMPONENTS]]
    upstream = repos[0] if repos else f"{c.owner}/upstream"
    name = package_name(upstream.rsplit("/", 1)[-1], "upstream", fallback="shared-upstream")
    steps = [
        f"Choose the upstream: the member most of the others were copied from (for example `{upstream}`), and "
        "make it a template repository.",
        "Compare each member with it: move what is meant to differ (names, regions, settings) into one small "
        "per-repository file, and send what is a fix back upstream.",
        "Add the sync workflow to every other member, so the upstream's changes arrive as a reviewed pull request.",
        "Or, if the members are deployed together, merge them into one monorepo; or, if only part is shared, "
        "publish that part as a package and depend on it.",
        "Delete the files each member no longer needs to carry.",
    ]
    risks = [
        "Members that diverged on purpose get merge conflicts from the first sync: settle the differences first.",
        "A fix made in one member alone is lost on the next sync unless it goes upstream.",
    ]
    return Plan(
        name=name,
        what=f"the files of {len(repos)} repositories that are copies of each other",
        how="Keeping one upstream that the others follow (a template repository, or a weekly sync pull request) "
            "makes a fix land everywhere once, and leaves each repository only what differs.",
        usage=SYNC.replace("UPSTREAM", upstream), usage_language="yaml",
        unit_of_use="the sync workflow",
        components=components, steps=steps, risks=risks,
    )
