"""Semantic patterns (issue #14): candidate groups per true group, recall and decoys paired, offline and judged.

    python bench/semantic.py                                   # seeds 1-5 of /tmp/pm-org/org-N
    python bench/semantic.py --seeds 21 22 --work /tmp/semantic/orgs            # fresh seeds (made once)
    python bench/semantic.py --seeds 31 32 --work /tmp/semantic/held --concepts HELD_OUT.py

For each organization (``make_org.py``: Type-4 sets from ``benchlib/semantic.py`` or ``--concepts``, with
decoys that use the same APIs for another job), the shards and clone patterns are built once, then:
- candidates: candidate groups (model calls, at most) per true semantic group;
- offline: ``semantic.find`` without a judge;
- judged: ``semantic.find`` with the real ``Judge`` through the anthropic SDK against the loopback Messages
  API fake, scripted as a careful judge: it reads the units in the prompt, recognizes each as a variant or a
  decoy of a concept (by its text), and answers ``same_job`` true with the variants of one concept when at
  least two are there; then the same run again with the same cache (an unchanged run: no call).
Figures (groups around pairs, twins held together, MIN_GROUP_SCORE 1.3; careful judge):
- seeds 1-5: judged recall 16/30 (53%), 0 decoys paired, noise 0/16, 67 model calls (2.23 per true group), 0 on
  the unchanged re-run; offline 1/30, 0 decoys, noise 0/1;
- fresh seeds 21-23: judged 13/18 (72%), 0 decoys, 52 calls (2.89 per true group), 0 on re-run; offline 1/18;
- held-out jobs (bench/held_out_concepts.py, seeds 31-33): judged 3/18 (17%), 0 decoys, 34 calls (1.89 per true
  group); offline 0/18. Half of those groups have no scored pair at all (their variants share no rare element).
Before (a star around one unit, MIN_GROUP_SCORE 1.4): seeds 1-5 12/30 (40%) at 47 calls; fresh seeds 2.7 calls
per true group. Where the true groups of seeds 1-5 are lost now: 4 have no scored pair, 2 no group holding two
variants, the rest rank below MIN_GROUP_SCORE.
Scored with ``score_org.score``: a truth opportunity is found when one reported opportunity covers half of
the lines of half of its members in two repositories; noise is reported opportunities mostly outside every
truth member; a decoy is paired when a reported opportunity covers half of a decoy unit.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PM_SHARED_BENCH", ROOT.parent / "shared" / "bench"))
if not SHARED.is_dir():
    SHARED = Path("/work/shared/bench")
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(SHARED)]

import anthropic  # noqa: E402
from score_org import score  # noqa: E402

from pattern_miner.advise.pricing import default_model  # noqa: E402
from pattern_miner.config import default_config  # noqa: E402
from pattern_miner.console import Console  # noqa: E402
from pattern_miner.engine import build_shards, match_shards  # noqa: E402
from pattern_miner.semantic.candidates import find_candidates  # noqa: E402
from pattern_miner.semantic.find import MAX_GROUPS, MIN_GROUP_SCORE, find  # noqa: E402
from pattern_miner.semantic.judge import Judge  # noqa: E402
from pattern_miner.semantic.profiles import Rarity, copy_pairs, unit_refs  # noqa: E402
from pattern_miner.semantic.prompt import fenced_units  # noqa: E402
from pattern_miner.sources.local import LocalSource, repos_from_root  # noqa: E402
from tests.fakes.anthropic import FakeAnthropic, Reply, Request, json_block, message  # noqa: E402


def concepts(path: str | None) -> list[dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("concepts", path or SHARED / "benchlib" / "semantic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CONCEPTS)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if len(line.strip()) > 12]


def identify(text: str, known: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(concept id, "variant" | "decoy") of a unit's text, recognized by most of its long lines."""
    have = set(line.strip() for line in text.splitlines())
    for concept in known:
        for role, texts in (("variant", concept["variants"]), ("decoy", concept["decoys"])):
            for body in texts:
                want = _lines(body)
                if want and sum(line in have for line in want) >= 0.6 * len(want):
                    return concept["id"], role
    return None


def careful_judge(known: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    """A Messages API responder that answers like a careful reviewer who knows the truth."""
    def respond(request: Request) -> Reply:
        units = fenced_units(request.user_text)
        seen = [identify(text, known) for text in units]
        by_concept: dict[str, list[int]] = {}
        for n, found in enumerate(seen, 1):
            if found is not None and found[1] == "variant":
                by_concept.setdefault(found[0], []).append(n)
        best = max(by_concept.items(), key=lambda kv: len(kv[1]), default=("", []))
        if len(best[1]) >= 2:
            answer = {"same_job": True, "job": best[0], "members": best[1], "reason": "they do the same job"}
        else:
            answer = {"same_job": False, "job": "", "members": [], "reason": "different jobs"}
        return message([json_block(answer)])
    return respond


def decoy_spans(root: Path, known: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    """Where each decoy was planted: (repo, path, first line, last line)."""
    out = []
    for repo_dir in sorted((root / "repos").glob("*/*")):
        for path in repo_dir.rglob("*"):
            if not path.is_file() or path.suffix not in (".py", ".sh", ".js"):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for concept in known:
                for body in concept["decoys"]:
                    at = text.find(body.strip("\n"))
                    if at >= 0:
                        start = text.count("\n", 0, at) + 1
                        out.append((f"{repo_dir.parent.name}/{repo_dir.name}", str(path.relative_to(repo_dir)),
                                    start, start + body.strip("\n").count("\n")))
    return out


def paired_decoys(opps: Any, decoys: list[tuple[str, str, int, int]]) -> int:
    count = 0
    for opp in opps:
        for repo, path, start, end in decoys:
            if any(o.repo == repo and o.path == path and
                   min(end, o.end_line) - max(start, o.start_line) + 1 >= 0.5 * (end - start + 1)
                   for o in opp.occurrences):
                count += 1
    return count


def measure(opps: Any, truth: dict[str, Any], decoys: list[tuple[str, str, int, int]]) -> dict[str, Any]:
    reps = [[(o.repo, o.path, o.start_line, o.end_line) for o in opp.occurrences] for opp in opps]
    result = score(truth, reps, 10)
    row = result["by_kind"].get("semantic", {"found": 0, "total": 0})
    return {"reported": len(opps), "found": row["found"], "total": row["total"], "noise": result["noise"],
            "decoys": paired_decoys(opps, decoys)}


def org(seed: int, work: str | None, concepts_path: str | None) -> Path:
    if work is None:
        return Path(f"/tmp/pm-org/org-{seed}")
    out = Path(work) / f"org-{seed}"
    if not (out / "opportunities.json").is_file():
        cmd = [sys.executable, str(SHARED / "make_org.py"), "--seed", str(seed), "--out", str(out)]
        subprocess.run(cmd + (["--concepts", concepts_path] if concepts_path else []), check=True,
                       stdout=subprocess.DEVNULL)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--work", help="make the organizations here (default: the existing /tmp/pm-org/org-N)")
    ap.add_argument("--concepts", help="a CONCEPTS module other than benchlib/semantic.py (held-out jobs)")
    ap.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args()
    known = concepts(args.concepts)
    totals: dict[str, int] = {}
    print("seed  true  cand  cand/true | offline: reported found decoys noise | judged: reported found decoys "
          "noise calls rerun")
    for seed in args.seeds:
        root = org(seed, args.work, args.concepts)
        truth = json.loads((root / "opportunities.json").read_text())
        config = default_config()
        source = LocalSource(repos_from_root(root / "repos"), config, Console(quiet=True))
        shards = build_shards(source, console=Console(quiet=True), jobs=args.jobs)
        patterns, _ = match_shards(shards, config, jobs=args.jobs)
        decoys = decoy_spans(root, known)
        true_groups = sum(1 for o in truth["opportunities"] if o["kind"] == "semantic")
        units = unit_refs(shards)
        rarity = Rarity(units)
        candidates = find_candidates(shards, units, rarity, copy_pairs(units, shards, patterns),
                                     min_score=MIN_GROUP_SCORE, limit=MAX_GROUPS)
        offline = measure(find(shards, patterns), truth, decoys)
        with FakeAnthropic() as api, tempfile.TemporaryDirectory() as cache:
            api.responder = careful_judge(known)
            client = anthropic.Anthropic(api_key=api.api_key, base_url=api.base_url, max_retries=0)
            judge = Judge(client, default_model(), cache_dir=Path(cache), max_calls=MAX_GROUPS)
            judged = measure(find(shards, patterns, judge=judge), truth, decoys)
            again = Judge(client, default_model(), cache_dir=Path(cache), max_calls=MAX_GROUPS)
            find(shards, patterns, judge=again)
            calls, rerun = judge.stats.calls, again.stats.calls
        row = {"true": true_groups, "cand": len(candidates), "calls": calls, "rerun": rerun}
        row.update({f"off_{k}": v for k, v in offline.items()})
        row.update({f"judged_{k}": v for k, v in judged.items()})
        for key, value in row.items():
            totals[key] = totals.get(key, 0) + value
        print(f"{seed:4d}  {true_groups:4d}  {len(candidates):4d}  {len(candidates) / max(1, true_groups):9.2f} | "
              f"{offline['reported']:17d} {offline['found']:5d} {offline['decoys']:6d} {offline['noise']:5d} | "
              f"{judged['reported']:16d} {judged['found']:5d} {judged['decoys']:6d} {judged['noise']:5d} "
              f"{calls:5d} {rerun:5d}", flush=True)
    t = totals
    print(f"all: candidate groups per true group {t['cand'] / max(1, t['true']):.2f} "
          f"(model calls per true group {t['calls'] / max(1, t['true']):.2f}); "
          f"offline recall {t['off_found']}/{t['true']} ({t['off_found'] / max(1, t['true']):.0%}), "
          f"decoys paired {t['off_decoys']}, noise {t['off_noise']}/{t['off_reported']}; "
          f"judged recall {t['judged_found']}/{t['true']} ({t['judged_found'] / max(1, t['true']):.0%}), "
          f"decoys paired {t['judged_decoys']}, noise {t['judged_noise']}/{t['judged_reported']}; "
          f"model calls {t['calls']} (unchanged re-run: {t['rerun']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
