"""The engine end to end on examples/repos: the planted copies are found, once each, with stable ids.

examples/repos holds five small service repositories with hand-edited copies across them (a CI
workflow, a Dockerfile, a deploy script and an API client in three repositories; Terraform and a config
loader in two). Shards, the merge half (``match_shards``) and the Pattern records are checked too.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pattern_miner import engine, shardfile
from pattern_miner.config import default_config
from pattern_miner.console import Console
from pattern_miner.engine import build_shards, match_shards, scan
from pattern_miner.errors import ConfigError
from pattern_miner.match import pairs
from pattern_miner.match.candidates import exact_groups
from pattern_miner.match.confirm import THRESHOLDS
from pattern_miner.match.fragments import select_fragments
from pattern_miner.model import Pattern, RepoInfo, ScanReport, SourceFile
from pattern_miner.partition import Part, plan_digest
from pattern_miner.patterns import confidence, rank_score, stable_id
from pattern_miner.records import CONFIG_LANGUAGES
from pattern_miner.report import render
from pattern_miner.shard import MAX_FILE_TOKENS, build_shard
from pattern_miner.shardfile import ShardFileError, ShardPlan, read_shard_files, write_shard_file
from pattern_miner.sources.local import LocalSource, repos_from_paths, repos_from_root

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "repos"

# (pattern type, the copies): every copy is a whole file.
PLANTED = {
    "ci-workflow": ("github_actions", {
        ("local/billing-worker", ".github/workflows/ci.yml"),
        ("local/checkout-api", ".github/workflows/ci.yml"),
        ("local/inventory-service", ".github/workflows/ci.yml"),
    }),
    "dockerfile": ("docker", {
        ("local/billing-worker", "Dockerfile"),
        ("local/checkout-api", "Dockerfile"),
        ("local/inventory-service", "Dockerfile"),
    }),
    "deploy-script": ("deployment", {
        ("local/billing-worker", "scripts/deploy-gcp.sh"),
        ("local/checkout-api", "deploy.sh"),
        ("local/search-frontend", "deploy.sh"),
    }),
    "api-client": ("api_client", {
        ("local/billing-worker", "worker/ledger_client.py"),
        ("local/checkout-api", "app/payments_client.py"),
        ("local/inventory-service", "inventory/clients/warehouse_client.py"),
    }),
    "terraform-main": ("terraform", {
        ("local/checkout-api", "terraform/cloud_run/main.tf"),
        ("local/ops-tools", "terraform/modules/cloud-run-service/main.tf"),
    }),
    "terraform-variables": ("terraform", {
        ("local/checkout-api", "terraform/cloud_run/variables.tf"),
        ("local/ops-tools", "terraform/modules/cloud-run-service/variables.tf"),
    }),
    "config-loader": ("configuration", {
        ("local/billing-worker", "worker/settings.py"),
        ("local/checkout-api", "app/config.py"),
    }),
}


def run_scan(root: Path = EXAMPLES, **kwargs: Any) -> ScanReport:
    config = kwargs.pop("config", default_config())
    source = LocalSource(repos_from_paths(sorted(p for p in root.iterdir() if p.is_dir())), config)
    return scan(source, config, console=Console(quiet=True), jobs=kwargs.pop("jobs", 1), **kwargs)


def comparable(report: ScanReport) -> dict[str, Any]:
    doc = report.to_dict(with_text=True)
    doc["stats"].pop("seconds")
    return doc


@pytest.fixture(scope="module")
def report() -> ScanReport:
    return run_scan()


def copies(pattern: Any) -> set[tuple[str, str]]:
    return {(o.repo, o.path) for o in pattern.occurrences}


def test_examples_have_no_git_metadata() -> None:
    """The expected repository names below assume "local/<dir>" naming."""
    assert not any((p / ".git").exists() for p in EXAMPLES.iterdir())


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_pattern_is_found_once_at_file_level(report: ScanReport, name: str) -> None:
    ptype, expected = PLANTED[name]
    matching = [p for p in report.patterns if copies(p) & expected]
    assert len(matching) == 1, [(p.id, sorted(copies(p))) for p in matching]
    (pattern,) = matching
    assert copies(pattern) == expected
    assert pattern.pattern_type == ptype and pattern.kind == "file"
    assert len(pattern.repos) == len(expected)
    for o in pattern.occurrences:
        text = (EXAMPLES / o.repo.split("/", 1)[1] / o.path).read_text(encoding="utf-8")
        assert o.unit == "file" and o.start_line == 1
        assert o.end_line == len(text.splitlines())
        assert o.text == text.rstrip("\n")
        assert o.url is None and o.commit is None and not o.private


def test_no_planted_file_is_reported_twice(report: ScanReport) -> None:
    """A copied file is one pattern, not also its functions, jobs or stages."""
    seen: dict[tuple[str, str], str] = {}
    for p in report.patterns:
        for key in copies(p):
            assert key not in seen, f"{key} in {seen.get(key)} and {p.id}"
            seen[key] = p.id


def test_patterns_are_ranked_and_well_formed(report: ScanReport) -> None:
    assert list(report.patterns) == sorted(report.patterns, key=lambda p: (-p.score, p.id))
    for p in report.patterns:
        assert p.id.startswith(p.pattern_type.replace("_", "-") + "-")
        assert 0.0 < p.similarity <= 1.0 and p.confidence in ("High", "Medium", "Low")
        assert len(p.repos) >= 2 and p.title and p.features and len(p.content_hash) == 16
        assert [(o.repo, o.path) for o in p.occurrences] == sorted((o.repo, o.path) for o in p.occurrences)
    assert len({p.id for p in report.patterns}) == len(report.patterns)


def test_features_name_what_the_copies_do(report: ScanReport) -> None:
    by_type = {p.pattern_type: p for p in report.patterns}
    assert "gcloud run deploy" in by_type["deployment"].features
    assert any(f.startswith("RUN pip") for f in by_type["docker"].features)


def test_stats_and_skips(report: ScanReport) -> None:
    s = report.stats
    assert s.repositories == 5 and len(report.repositories) == 5
    assert s.files_scanned > 40 and s.lines_scanned > 2000 and s.fragments > s.files_scanned
    assert s.files_skipped == {"empty": 1}
    assert [(k.repo, k.path, k.reason) for k in report.skips] == [
        ("local/inventory-service", "inventory/clients/__init__.py", "empty"),
    ]
    assert report.failures == ()


def test_json_has_the_fields_the_benchmark_scorer_reads(report: ScanReport) -> None:
    """../shared/bench/score.py reads patterns[].id, pattern_type, similarity and
    occurrences[].repo/path/start_line/end_line."""
    doc = report.to_dict()
    assert doc["patterns_found"] == len(doc["patterns"]) > 0
    for p in doc["patterns"]:
        assert isinstance(p["id"], str) and isinstance(p["pattern_type"], str)
        assert isinstance(p["similarity"], float) and 0 < p["similarity"] <= 1
        for o in p["occurrences"]:
            assert isinstance(o["repo"], str) and isinstance(o["path"], str) and not o["path"].startswith("/")
            assert isinstance(o["start_line"], int) and isinstance(o["end_line"], int)
            assert 1 <= o["start_line"] <= o["end_line"]
            assert "text" not in o
    assert all("text" in o for p in report.to_dict(with_text=True)["patterns"] for o in p["occurrences"])


def test_ids_are_stable_across_runs_and_process_counts(report: ScanReport) -> None:
    again = run_scan()
    assert comparable(again) == comparable(report)
    parallel = run_scan(jobs=2)
    assert comparable(parallel) == comparable(report)


@pytest.mark.parametrize(
    ("repo", "path", "old", "new"),
    [
        ("billing-worker", "Dockerfile", "RUN pip wheel --wheel-dir", "RUN pip wheel --no-deps --wheel-dir"),
        ("billing-worker", "worker/ledger_client.py", "self.timeout = timeout\n",
         "self.timeout = max(1.0, timeout)\n"),
    ],
)
def test_id_survives_a_small_edit_to_one_copy(
    report: ScanReport, tmp_path: Path, repo: str, path: str, old: str, new: str
) -> None:
    root = tmp_path / "repos"
    shutil.copytree(EXAMPLES, root)
    target = root / repo / path
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1
    edited_line = text[:text.index(old)].count("\n") + 1
    target.write_text(text.replace(old, new), encoding="utf-8")
    after = run_scan(root)
    before = {p.id: p for p in report.patterns}
    assert set(before) == {p.id for p in after.patterns}

    def edited(p: Pattern) -> bool:  # a copy of p spans the edited line
        return any(o.repo == f"local/{repo}" and o.path == path and o.start_line <= edited_line <= o.end_line
                   for o in p.occurrences)

    assert any(edited(p) for p in report.patterns)
    for q in after.patterns:
        p = before[q.id]
        assert copies(q) == copies(p)
        if edited(p):
            assert q.content_hash != p.content_hash
        else:
            assert q.content_hash == p.content_hash


def test_pattern_type_filter_and_unknown_type(report: ScanReport) -> None:
    docker = run_scan(pattern_type="docker")
    assert [p.pattern_type for p in docker.patterns] == ["docker"]
    assert docker.patterns[0].id == next(p.id for p in report.patterns if p.pattern_type == "docker")
    assert docker.stats.files_scanned < report.stats.files_scanned
    with pytest.raises(ConfigError, match="unknown pattern type 'dockr'"):
        run_scan(pattern_type="dockr")


def test_min_similarity_overrides_every_threshold(report: ScanReport) -> None:
    strict = run_scan(min_similarity=0.97)
    assert len(strict.patterns) < len(report.patterns)
    assert all(p.similarity >= 0.97 - THRESHOLDS.rare_strong_slack for p in strict.patterns)
    loose = run_scan(min_similarity=0.5)
    assert len(loose.patterns) >= len(report.patterns)


def test_a_missing_repository_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    config = default_config()
    repos = [("local/checkout-api", EXAMPLES / "checkout-api"), ("local/gone", tmp_path / "gone"),
             ("local/billing-worker", EXAMPLES / "billing-worker")]
    result = scan(LocalSource(repos, config), config, console=Console(quiet=True), jobs=1)
    assert [(f.repo, "no such directory" in f.reason) for f in result.failures] == [("local/gone", True)]
    assert result.stats.repositories == 2
    assert any(p.pattern_type == "docker" for p in result.patterns)


# ----------------------------------------------------------------------------- shards and the merge half


def test_shards_round_trip_and_merge_to_the_same_report(report: ScanReport, tmp_path: Path) -> None:
    config = default_config()
    source = LocalSource(repos_from_paths(sorted(p for p in EXAMPLES.iterdir() if p.is_dir())), config)
    shards = build_shards(source, console=Console(quiet=True), jobs=1)
    names = [s.repo.name for s in shards]
    plan = ShardPlan(Part(1, 1), tuple(names), plan_digest(names, [1] * len(names), 1))
    write_shard_file(tmp_path / "all.pmshard", shards, [], plan)
    loaded = read_shard_files([str(tmp_path / "all.pmshard")]).shards
    patterns, stats = match_shards(loaded, config)
    assert [p.to_dict(with_text=True) for p in patterns] == [p.to_dict(with_text=True) for p in report.patterns]
    assert stats["fragments"] == report.stats.fragments


def test_a_shard_of_another_engine_version_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shard = build_shard(RepoInfo("o/r"), [])
    plan = ShardPlan(Part(1, 1), ("o/r",), plan_digest(["o/r"], [1], 1))
    monkeypatch.setattr(shardfile, "engine_version", lambda: "0.9+5.older")
    write_shard_file(tmp_path / "old.pmshard", [shard], [], plan)
    monkeypatch.undo()
    with pytest.raises(ShardFileError, match="built by pattern-miner engine '0.9"):
        read_shard_files([str(tmp_path / "old.pmshard")])
    (tmp_path / "broken.pmshard").write_bytes(b"\x80\x05 not a shard")
    with pytest.raises(ShardFileError, match="not a pattern-miner shard file"):
        read_shard_files([str(tmp_path / "broken.pmshard")])


def test_build_shard_records_files_fallbacks_and_empty_files() -> None:
    files = [
        SourceFile("ok.py", b"def f(x):\n    return x + 1\n", "sha1", ("code",)),
        SourceFile("empty.py", b"# nothing but a comment\n", None, ("code",)),
        SourceFile("broken.py", b"def (:\n ))) ]]] if if\nclass {{{\n", None, ("code",)),
        SourceFile("notes.conf", b"listen 80;\n", None, ("code",)),
    ]
    shard = build_shard(RepoInfo("o/r"), files)
    assert [r.path for r in shard.files] == ["ok.py", "broken.py", "notes.conf"]
    assert [(s.path, s.reason) for s in shard.skips] == [("empty.py", "empty")]
    assert shard.parse_fallbacks == 1 and shard.lines_scanned == 2 + 3 + 1  # a .conf file has a known format
    ok = shard.files[0]
    assert ok.sha == "sha1" and ok.language == "python" and len(ok.struct) == len(ok.lit) == len(ok.lines)
    assert len(ok.lit_shingles) == 0  # code: structure only
    assert [(r.language, r.fallback) for r in shard.files] == [("python", False), ("python", True), ("conf", False)]


def test_a_file_of_too_many_tokens_is_skipped_and_counted(tmp_path: Path) -> None:
    """Whatever max_file_bytes allows, a file's work is bounded: one of more than MAX_FILE_TOKENS
    tokens (here one line of minified JSON) is skipped before it is parsed, with a reason that shows."""
    big = "[" + "1," * MAX_FILE_TOKENS + "1]"
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "data.json").write_text(big)
        (tmp_path / name / "small.json").write_text('{"name": "x", "values": [1, 2, 3]}\n')
    config = dataclasses.replace(default_config(), max_file_bytes=100 * len(big))
    repos = repos_from_paths([str(tmp_path / "a"), str(tmp_path / "b")])
    report = scan(LocalSource(repos, config), config, jobs=1)
    assert report.stats.files_skipped == {"too-many-tokens": 2}
    assert sorted((s.repo, s.path, s.reason) for s in report.skips) == [
        ("local/a", "data.json", "too-many-tokens"), ("local/b", "data.json", "too-many-tokens")]
    assert report.stats.files_scanned == 2
    assert "Skipped: 2 too-many-tokens" in render(report, "table")


def test_config_languages_also_fingerprint_their_literal_text() -> None:
    shard = build_shard(RepoInfo("o/r"), [SourceFile("Dockerfile", (EXAMPLES / "checkout-api" / "Dockerfile").read_bytes())])
    rec = shard.files[0]
    assert rec.language == "dockerfile" and len(rec.lit_shingles) == len(rec.shingles) > 0
    assert list(rec.lit_shingles) != list(rec.shingles)


# ----------------------------------------------------------------------------- pattern records


def test_stable_id_is_order_independent_and_survives_one_copy_changing() -> None:
    rng = np.random.default_rng(1)
    shared = rng.integers(-(2**62), 2**62, 200)
    copies_ = [np.unique(np.concatenate([shared, rng.integers(-(2**62), 2**62, 30)])) for _ in range(3)]
    base = stable_id("docker", "file", copies_)
    assert base == stable_id("docker", "file", copies_[::-1])
    assert base.startswith("docker-") and len(base) == len("docker-") + 12
    # one copy loses its smallest shingles (an edit): the others still share them
    edited = copies_[0][10:]
    assert stable_id("docker", "file", [edited, copies_[1], copies_[2]]) == base
    assert stable_id("deployment", "file", copies_) != base
    assert stable_id("docker", "stage", copies_) != base
    assert stable_id("github_actions", "file", copies_).startswith("github-actions-")


def test_confidence_levels() -> None:
    assert confidence(0.95, 40, 2) == "High"
    assert confidence(0.85, 40, 2) == "Medium"
    assert confidence(0.85, 40, 3) == "High"
    assert confidence(0.75, 40, 2) == "Low"
    assert confidence(0.95, 5, 3) == "Low"  # five lines are never a library of their own
    assert confidence(0.75, 5, 2) == "Low"


def test_rank_score_prefers_more_copies_lines_similarity_and_priority() -> None:
    base = rank_score(0.9, 2, 50, "medium")
    assert rank_score(0.9, 3, 50, "medium") > base
    assert rank_score(0.9, 2, 100, "medium") > base
    assert rank_score(0.95, 2, 50, "medium") > base
    assert rank_score(0.9, 2, 50, "high") > base > rank_score(0.9, 2, 50, "low")


def test_report_records_are_frozen(report: ScanReport) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.patterns[0].id = "x"  # type: ignore[misc]


def test_matching_shared_with_forked_processes_finds_the_same(
    report: ScanReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pairs, "PARALLEL_MIN", 0)  # the demo is small: share it anyway
    assert comparable(run_scan(jobs=2)) == comparable(report)
    assert comparable(run_scan(jobs=3)) == comparable(report)
    config = default_config()
    shards = build_shards(LocalSource(repos_from_paths(sorted(p for p in EXAMPLES.iterdir() if p.is_dir())), config),
                          console=Console(quiet=True), jobs=1)
    alone, shared = (match_shards(shards, config, jobs=jobs)[1] for jobs in (1, 2))
    assert alone == shared  # every rejection counted once, wherever it happened
    rejected = sum(v for k, v in alone.items() if k.startswith("rejected_"))
    confirmed = alone["confirmed_strong"] + alone["confirmed_weak"]
    assert rejected + confirmed == alone["exact_candidates"] + alone["near_candidates"]


def test_match_shards_takes_other_thresholds(report: ScanReport) -> None:
    config = default_config()
    shards = build_shards(LocalSource(repos_from_paths(sorted(p for p in EXAMPLES.iterdir() if p.is_dir())), config),
                          console=Console(quiet=True), jobs=1)
    # no configuration pair can share enough rare content now; code is confirmed as before
    never = dataclasses.replace(THRESHOLDS, rare_weak=1.01, rare_identical_shape=1.01, rare_lines_alone=1.01)
    patterns, stats = match_shards(shards, config, thresholds=never)
    assert {p.language for p in report.patterns} - {p.language for p in patterns} == CONFIG_LANGUAGES & {
        p.language for p in report.patterns}
    assert [p.id for p in patterns] == [p.id for p in report.patterns if p.language not in CONFIG_LANGUAGES]
    assert stats["rejected_rare"] > 0


@pytest.mark.parametrize("batch_bytes", [1, 3_000, 10**9])  # a file a batch, repositories split, one batch
def test_batching_does_not_change_the_shards(monkeypatch: pytest.MonkeyPatch, batch_bytes: int) -> None:
    def shards(jobs: int) -> list[tuple[str, list[str], int, list[Any]]]:
        config = default_config()
        source = LocalSource(repos_from_paths(sorted(p for p in EXAMPLES.iterdir() if p.is_dir())), config)
        return [(s.repo.name, [r.path for r in s.files], s.lines_scanned, s.skips)
                for s in build_shards(source, console=Console(quiet=True), jobs=jobs)]

    expected = shards(1)
    monkeypatch.setattr(engine, "BATCH_BYTES", batch_bytes)
    assert shards(2) == expected
    assert shards(1) == expected


def test_exact_groups_are_the_fragments_with_identical_streams() -> None:
    config = default_config()
    source = LocalSource(repos_from_paths(sorted(p for p in EXAMPLES.iterdir() if p.is_dir())), config)
    shards = build_shards(source, console=Console(quiet=True), jobs=1)
    files = [(r, rec) for r, shard in enumerate(shards) for rec in shard.files]
    fragments = select_fragments(files, min_tokens=5, min_lines=1, threshold=lambda _: 0.8)
    by_stream: dict[tuple[str, bytes], list[int]] = {}
    for f in fragments:  # every fragment against every other, by its bytes
        by_stream.setdefault((f.language, files[f.file][1].struct[f.start:f.end].tobytes()), []).append(f.id)
    expected = sorted(ids for ids in by_stream.values() if len({fragments[i].repo for i in ids}) > 1)
    assert expected  # the demo has exact copies
    assert sorted(exact_groups(files, fragments)) == expected


def test_copies_of_one_file_with_different_values_get_distinct_ids(tmp_path: Path) -> None:
    from tests.corpus import DOCKERFILE

    for i, port in enumerate((8080, 8080, 8080, 8000, 8000, 8000, 5000, 5000, 5000)):
        (tmp_path / "o" / f"r{i}").mkdir(parents=True)
        (tmp_path / "o" / f"r{i}" / "Dockerfile").write_text(DOCKERFILE.format(port=port))
    config = default_config()
    report = scan(LocalSource(repos_from_root(tmp_path), config), config, jobs=1)
    ids = [p.id for p in report.patterns]
    assert len(ids) >= 2 and len(set(ids)) == len(ids)  # one structural id, made distinct by the values
    assert len({i.rsplit("-", 1)[0] for i in ids}) == 1
    assert ids == [p.id for p in scan(LocalSource(repos_from_root(tmp_path), config), config, jobs=1).patterns]
