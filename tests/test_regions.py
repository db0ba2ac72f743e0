"""Large edited copies as one pattern: file pairs scored by the material they share (``match.coverage``) and
joined into regions (``match.regions``), reported with their coverage and their clone groups as parts."""

from __future__ import annotations

import json
import random
from array import array
from collections.abc import Sequence

import numpy as np

from pattern_miner.config import default_config
from pattern_miner.engine import match_shards
from pattern_miner.match import coverage
from pattern_miner.model import Pattern, RepoInfo, SourceFile
from pattern_miner.records import FileRecord, distinct, shingles, spans
from pattern_miner.shard import build_shard

# ----------------------------------------------------------------------------- the measure, on token ids


def record(tokens: Sequence[int], per_line: int = 4) -> FileRecord:
    struct = array("I", tokens)
    lines = array("I", [1 + i // per_line for i in range(len(tokens))])
    sh = shingles(struct)
    return FileRecord(path="f", language="python", pattern_types=("code",), n_lines=lines[-1], fallback=False,
                      struct=struct, lit=struct, lines=lines, shingles=sh, lit_shingles=array("q"),
                      spans=spans(lines, lines[-1], []), text="", distinct=distinct(sh))


def blocks(rng: random.Random, n: int, size: int) -> list[list[int]]:
    return [[rng.randrange(1, 10**6) for _ in range(size)] for _ in range(n)]


def test_cover_sees_reordered_blocks_and_measures_each_side() -> None:
    rng = random.Random(3)
    a, b, c, d, new = blocks(rng, 5, 40)
    edited = c[:20] + [7, 7, 7] + c[23:]  # a change in the middle of c
    original, copy = record(a + b + c + d), record(d + edited + a + new)  # b dropped, new added, order changed
    shared = coverage.cover(original, copy, {})
    # all but b (dropped), the edited tokens and the 17 after them: shorter than a fragment (MIN_RUN_CODE)
    assert shared.a.sum() == len(a) + 20 + len(d) == 100
    assert shared.b.sum() == len(a) + 20 + len(d)  # all but the new block, and the same part of c
    assert shared.longest == 40  # a whole block: a move ends a fragment
    assert shared.longest_lines == 10


def test_cover_ignores_what_is_shorter_than_a_fragment_and_runs_of_repeats() -> None:
    rng = random.Random(4)
    a, b = blocks(rng, 2, 60)
    idiom = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]  # ten tokens in common: below MIN_RUN_CODE
    assert coverage.cover(record(a + idiom), record(idiom + b), {}).longest == 0
    table = [1, 2] * 100  # a table of numbers: every shingle repeated far more than MAX_REPEATS
    assert not coverage.cover(record(a + table), record(table + b), {}).a.any()


def test_candidate_files_need_shared_fingerprints_and_another_repository() -> None:
    rng = random.Random(5)
    a, b, c = blocks(rng, 3, 400)
    files = [(0, record(a + b)), (1, record(b + c)), (0, record(b)), (2, record(c))]
    pairs = {tuple(p) for p in coverage.candidate_files(files, {}).tolist()}
    assert (0, 1) in pairs and (1, 2) in pairs and (1, 3) in pairs
    assert (0, 2) not in pairs  # one repository
    assert (0, 3) not in pairs and (2, 3) not in pairs  # nothing in common
    assert not len(coverage.candidate_files(files, {}, min_lines=1000))


# ----------------------------------------------------------------------------- real files, end to end

TYPES = ["google_storage_bucket", "google_pubsub_topic", "google_cloud_run_service", "google_sql_database",
         "google_compute_network", "google_redis_instance", "google_service_account", "google_secret_manager_secret"]


def tf_block(rng: random.Random) -> str:
    kind, name = rng.choice(TYPES), f"{rng.choice(['core', 'edge', 'billing', 'audit'])}_{rng.randrange(10**4)}"
    attrs = [f'  {key} = "{key[:3]}-{rng.randrange(10**6)}"' for key in
             rng.sample(["name", "location", "project", "tier", "region", "labels_env", "owner", "network"], 5)]
    nested = ["  lifecycle {", f"    prevent_destroy = {rng.choice(['true', 'false'])}", "  }"]
    return "\n".join([f'resource "{kind}" "{name}" {{', *attrs, *nested, "}"])


def edited(rng: random.Random, stack: list[str]) -> list[str]:
    """The stack's blocks, some dropped, some edited, two new ones, some moved."""
    out = []
    for block in stack:
        r = rng.random()
        if r < 0.1:
            continue
        out.append(block.replace('= "', '= "x', 1) if r < 0.3 else block)
    for _ in range(2):
        out.insert(rng.randrange(len(out) + 1), tf_block(rng))
    for _ in range(3):
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    return out


def scan(repos: dict[str, dict[str, str]]) -> tuple[list[Pattern], dict[str, int]]:
    shards = [build_shard(RepoInfo(name), [SourceFile(path, text.encode()) for path, text in files.items()])
              for name, files in repos.items()]
    return match_shards(shards, default_config(), jobs=1)


def filler(rng: random.Random, n: int) -> dict[str, str]:
    """Unrelated Python files for a repository."""
    return {f"src/mod{k}.py": "\n".join(f"def f{k}_{i}(x{i}):\n    return x{i} * {rng.randrange(10**6)} + {i}\n"
                                         for i in range(rng.randrange(2, 6))) for k in range(n)}


def test_a_terraform_stack_reordered_edited_and_split_is_one_pattern() -> None:
    rng = random.Random(11)
    stack = [tf_block(rng) for _ in range(18)]
    copy, split = edited(rng, stack), edited(rng, stack)
    repos = {
        "acme/platform": {"infra/stack.tf": "\n\n".join(stack) + "\n", **filler(rng, 3)},
        "acme/billing": {"terraform/main.tf": "\n\n".join(copy) + "\n", **filler(rng, 3)},
        "acme/search": {"infra/main.tf": "\n\n".join(split[:len(split) // 2]) + "\n",
                        "infra/network.tf": "\n\n".join(split[len(split) // 2:]) + "\n", **filler(rng, 3)},
        "acme/other": {"infra/own.tf": "\n\n".join(tf_block(rng) for _ in range(18)) + "\n", **filler(rng, 3)},
    }
    patterns, stats = scan(repos)
    regions = [p for p in patterns if p.kind == "region"]
    assert len(regions) == 1 and stats["regions"] == 1
    region = regions[0]
    assert {(o.repo, o.path) for o in region.occurrences} == {
        ("acme/platform", "infra/stack.tf"), ("acme/billing", "terraform/main.tf"),
        ("acme/search", "infra/main.tf"), ("acme/search", "infra/network.tf")}
    assert all(o.unit == "file" and o.start_line == 1 and o.coverage is not None and o.coverage >= 0.5
               for o in region.occurrences)
    assert region.longest_run >= 8 and 0.5 <= region.similarity <= 1.0 and region.confidence != "Low"
    assert region.language == "hcl" and region.title == "Terraform file `stack.tf`, copied and edited"
    # the blocks found inside it are its parts, not findings of their own
    inside = {(o.repo, o.path) for o in region.occurrences}
    assert region.parts and all({(o.repo, o.path) for o in p.occurrences} <= inside for p in region.parts)
    assert not any({(o.repo, o.path) for o in p.occurrences} <= inside for p in patterns if p is not region)
    doc = json.loads(json.dumps(region.to_dict()))
    assert doc["longest_run"] == region.longest_run and len(doc["parts"]) == len(region.parts)
    assert all(0 < o["coverage"] <= 1 for o in doc["occurrences"])


SCRIPT_STEPS = ["gcloud config set project", "gcloud auth configure-docker", "docker build -t", "docker push",
                "gcloud run deploy", "gcloud secrets versions access", "kubectl apply -f", "kubectl rollout status",
                "helm upgrade --install", "terraform init -input=false", "terraform apply -auto-approve",
                "gsutil cp", "curl -fsS", "jq -r", "aws s3 sync"]


def test_a_long_script_split_in_two_is_one_pattern() -> None:
    rng = random.Random(12)
    lines = ["#!/usr/bin/env bash", "set -euo pipefail"] + [
        f'{rng.choice(SCRIPT_STEPS)} "{rng.choice(["$APP", "$IMAGE", "$ENV"])}-{rng.randrange(10**6)}" '
        f'--flag-{rng.randrange(100)} "v{rng.randrange(10**5)}"' for _ in range(140)]
    edited_lines = [f"{line} --retry 3" if rng.random() < 0.1 else line for line in lines if rng.random() > 0.05]
    half = len(edited_lines) // 2
    repos = {
        "acme/ops": {"scripts/release.sh": "\n".join(lines) + "\n", **filler(rng, 2)},
        "acme/api": {"deploy/build.sh": "\n".join(edited_lines[:half]) + "\n",
                     "deploy/ship.sh": "#!/usr/bin/env bash\n" + "\n".join(edited_lines[half:]) + "\n", **filler(rng, 2)},
        "acme/web": filler(rng, 3),
    }
    patterns, _ = scan(repos)
    regions = [p for p in patterns if p.kind == "region"]
    assert len(regions) == 1
    assert {(o.repo, o.path) for o in regions[0].occurrences} == {
        ("acme/ops", "scripts/release.sh"), ("acme/api", "deploy/build.sh"), ("acme/api", "deploy/ship.sh")}
    whole = next(o for o in regions[0].occurrences if o.repo == "acme/ops")
    assert whole.coverage is not None and whole.coverage > 0.8  # both halves together cover the original


def test_files_of_one_template_and_a_function_copied_into_small_files_are_no_region() -> None:
    rng = random.Random(13)
    statements = ["values[{a!r}] = environ.get({b!r}, {n})", "if {a!r} in environ:\n        count += {n}",
                  "for item in read(path, {n}):\n        values[item] = {b!r}", "total = count * {n} - len(values)",
                  "values.update(parse({a!r}, sep={b!r}))", "while count > {n}:\n        count -= 1",
                  "try:\n        values[{a!r}] = int(environ[{b!r}])\n    except KeyError:\n        pass"]
    body = [rng.choice(statements).format(a=f"k{i}", b=f"K{i}", n=rng.randrange(100)) for i in range(24)]
    function = "\n".join(["def load_settings(path, environ):", "    values, count = {}, 0",
                          *[f"    {line}" for line in body], "    return values", ""])
    repos = {f"acme/svc{k}": {
        "infra/main.tf": "\n\n".join(tf_block(rng) for _ in range(16)) + "\n",  # same vocabulary, no copy
        "app/settings.py": f"import os\n\n\n{function}\n\ndef own{k}():\n    return {k}\n",
        **filler(rng, 2)} for k in range(4)}
    patterns, stats = scan(repos)
    assert not [p for p in patterns if p.kind == "region"] and stats["regions"] == 0
    # the copy is the function's pattern (here the files', which are mostly the function)
    settings = [p for p in patterns if any(o.path == "app/settings.py" for o in p.occurrences)]
    assert [(p.kind, len(p.repos)) for p in settings] == [("file", 4)]


def test_shared_values_of_sorted_distinct_arrays() -> None:
    a = np.array([1, 3, 5, 7, 9], dtype=np.int64)
    b = np.array([0, 3, 4, 9], dtype=np.int64)
    assert coverage.shared_values(a, b).tolist() == [3, 9] == coverage.shared_values(b, a).tolist()
    assert coverage.shared_values(a, a[:0]).tolist() == []


def test_the_part_of_a_large_file_that_was_copied_is_its_occurrence() -> None:
    rng = random.Random(14)
    lines = ["#!/usr/bin/env bash", "set -euo pipefail"] + [
        f'{rng.choice(SCRIPT_STEPS)} "{rng.choice(["$APP", "$IMAGE", "$ENV"])}-{rng.randrange(10**6)}" '
        f'--flag-{rng.randrange(100)} "v{rng.randrange(10**5)}"' for _ in range(300)]
    part = lines[120:200]
    copied = [f"{line} --dry-run" if rng.random() < 0.1 else line for line in part]
    repos = {"acme/ops": {"scripts/all.sh": "\n".join(lines) + "\n"},
             "acme/api": {"deploy.sh": "#!/usr/bin/env bash\n" + "\n".join(copied) + "\n"}}
    patterns, _ = scan(repos)
    (region,) = [p for p in patterns if p.kind == "region"]
    original = next(o for o in region.occurrences if o.repo == "acme/ops")
    copy = next(o for o in region.occurrences if o.repo == "acme/api")
    assert original.unit == "region" and 115 <= original.start_line <= 125 and 195 <= original.end_line <= 205
    assert original.url is None and original.coverage is not None and original.coverage < 0.4
    assert copy.unit == "file" and copy.start_line == 1 and copy.coverage is not None and copy.coverage > 0.8
    assert original.text.split("\n")[0] == lines[original.start_line - 1]
