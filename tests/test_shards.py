"""Sharded runs: `shard --part K/N` jobs merged give exactly one `scan`'s patterns; shard files are untrusted
input (no pickle, size limits, every field checked); parts that do not belong together are one clear error."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest

from pattern_miner import shardfile
from pattern_miner.console import Console
from pattern_miner.errors import UsageError
from pattern_miner.main import main
from pattern_miner.model import RepoInfo, SourceFile
from pattern_miner.packing import PackError, pack, read_records, record_arrays, record_head, unpack
from pattern_miner.partition import Part, assign
from pattern_miner.settings import from_action
from pattern_miner.shard import build_shard
from pattern_miner.shardfile import ShardFileError, read_shard_files
from tests.corpus import org_repos, write_repos


def quiet() -> Console:
    return Console(quiet=True)


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_repos(tmp_path_factory.mktemp("org"), org_repos(14, seed=7))


@pytest.fixture(scope="module")
def shards(org: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("shards")
    paths = []
    for k in (1, 2, 3):
        paths.append(str(out / f"part-{k}.pmshard"))
        assert main(["shard", "--root", str(org), "--part", f"{k}/3", "-o", paths[-1], "-j", "1",
                     "--cache-dir", str(out / f"cache-{k}")], quiet()) == 0
    return paths


def report(argv: list[str], tmp_path: Path, name: str) -> dict[str, object]:
    out = tmp_path / f"{name}.json"
    assert main([*argv, "--format", "json", "-o", str(out), "-j", "1"], quiet()) == 0
    doc = json.loads(out.read_text())
    doc["stats"].pop("seconds")
    return doc  # type: ignore[no-any-return]


def test_three_parts_merged_are_exactly_one_scan(org: Path, shards: list[str], tmp_path: Path) -> None:
    scanned = report(["scan", "--root", str(org), "--with-text"], tmp_path, "scan")
    merged = report(["merge", *reversed(shards), "--with-text"], tmp_path, "merge")  # any order of the files
    assert scanned["patterns"], "the generated organisation has copies"
    assert merged == scanned  # same ids, scores, occurrences, texts, repositories and stats
    # each part holds some repositories, and together all of them exactly once
    held = [[s.repo.name for s in read_shard_files_part(p)] for p in shards]
    assert all(held) and sorted(sum(held, [])) == sorted(r["name"] for r in scanned["repositories"])  # type: ignore[index, union-attr]


def read_shard_files_part(path: str) -> list[shardfile.Shard]:
    """One part's shards, read on its own (a merge needs every part)."""
    return shardfile._read_one(Path(path))[1]


def test_a_directory_or_glob_of_parts_merges_too(shards: list[str], tmp_path: Path) -> None:
    folder = str(Path(shards[0]).parent)
    assert report(["merge", folder], tmp_path, "dir") == report(["merge", folder + "/*.pmshard"], tmp_path, "glob")


def test_parts_cover_every_repository_once_and_are_balanced() -> None:
    repos = [(f"o/r{i}", 10 * (i % 7) + 1) for i in range(40)] + [(f"o/u{i}", None) for i in range(5)]
    parts = assign(repos, 4)
    assert parts == assign(list(repos), 4)  # deterministic
    assert sorted(set(parts)) == [1, 2, 3, 4]
    load = [sum(1 << (s or 32).bit_length() for (_, s), p in zip(repos, parts, strict=True) if p == k) for k in (1, 2, 3, 4)]
    assert max(load) - min(load) <= 128  # within the largest single repository's bucket
    assert assign([("o/a", None)], 3) == [1]
    with pytest.raises(UsageError, match="K/N"):
        Part.parse("3")
    with pytest.raises(UsageError, match="1 <= K <= N"):
        Part.parse("4/3")


def test_missing_duplicate_and_foreign_parts_are_one_clear_error(shards: list[str], org: Path, tmp_path: Path) -> None:
    with pytest.raises(ShardFileError, match="parts 2 of 3 are missing"):
        read_shard_files([shards[0], shards[2]])
    copy = tmp_path / "copy.pmshard"
    copy.write_bytes(Path(shards[0]).read_bytes())
    with pytest.raises(ShardFileError, match="part 1/3 is given twice"):
        read_shard_files([*shards, str(copy)])
    other = tmp_path / "other.pmshard"  # a part of another plan: four parts
    assert main(["shard", "--root", str(org), "--part", "1/4", "-o", str(other), "-j", "1"], quiet()) == 0
    with pytest.raises(ShardFileError, match="a different number of parts"):
        read_shard_files([*shards, str(other)])
    assert main(["merge", shards[0], "--format", "json"], quiet()) == 1  # the CLI: one error line, exit 1


def test_shards_of_different_settings_or_engines_are_refused(shards: list[str], org: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    typed = tmp_path / "typed.pmshard"
    assert main(["shard", "--root", str(org), "--part", "2/3", "-o", str(typed), "-j", "1",
                 "--pattern-type", "docker"], quiet()) == 0
    with pytest.raises(ShardFileError, match="different settings"):
        read_shard_files([shards[0], str(typed), shards[2]])
    monkeypatch.setattr(shardfile, "engine_version", lambda: "2.0+7.newer")
    with pytest.raises(ShardFileError, match="built by pattern-miner engine '1"):
        read_shard_files(shards)


def _rewrite(path: str, out: Path, change: object) -> Path:
    """The shard file with its header changed by ``change(header)`` (arrays as they were)."""
    header, arrays = unpack(Path(path).read_bytes(), shardfile.MAGIC, max_bytes=1 << 30)
    header.pop("arrays")
    change(header)  # type: ignore[operator]
    out.write_bytes(pack(shardfile.MAGIC, header, arrays))
    return out


def test_a_damaged_or_hostile_shard_file_is_refused_without_unpickling(shards: list[str], tmp_path: Path) -> None:
    data = Path(shards[0]).read_bytes()
    cases = {
        "truncated": data[: len(data) // 2],
        "pickle": b"\x80\x05\x95" + data,
        "trailing": data + b"junk",
        "flipped": data[:40] + bytes([data[40] ^ 0xFF]) + data[41:],
    }
    for name, blob in cases.items():
        (tmp_path / f"{name}.pmshard").write_bytes(blob)
        with pytest.raises(ShardFileError):
            read_shard_files([str(tmp_path / f"{name}.pmshard")])

    def bad_span(h: dict) -> None:  # type: ignore[type-arg]
        h["records"][0]["spans"][0][3] = 10**9

    def bad_tokens(h: dict) -> None:  # type: ignore[type-arg]
        h["records"][0]["tokens"] += 1

    def bad_type(h: dict) -> None:  # type: ignore[type-arg]
        h["shards"][0]["repo"] = {"name": 5}

    for i, change in enumerate((bad_span, bad_tokens, bad_type)):
        with pytest.raises(ShardFileError, match="damaged shard file"):
            read_shard_files([str(_rewrite(shards[0], tmp_path / f"bad{i}.pmshard", change))])


def test_a_decompression_bomb_stops_at_the_limit() -> None:
    bomb = b"PMSHARD\n" + zlib.compress(struct.pack("<Q", 2) + b"{}" + bytes(50_000_000), 9)
    assert len(bomb) < 100_000
    with pytest.raises(PackError, match="over the size limit"):
        unpack(bomb, b"PMSHARD\n", max_bytes=1_000_000)


def test_mine_publishes_from_merged_shards(shards: list[str], org: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config/repositories.json here: the built-in config, as the shard jobs had
    cache = str(tmp_path / "c")
    assert main(["mine", "--shards", *shards, "--cache-dir", cache, "-j", "1"], quiet()) == 0
    from_shards = json.loads((tmp_path / "c" / "pattern-miner-report.json").read_text())
    assert main(["mine", "--root", str(org), "--cache-dir", str(tmp_path / "d"), "-j", "1"], quiet()) == 0
    scanned = json.loads((tmp_path / "d" / "pattern-miner-report.json").read_text())
    assert from_shards["patterns"] == scanned["patterns"] and from_shards["issues"] == scanned["issues"]
    assert main(["mine", "--shards", *shards, "--root", str(org)], quiet()) == 1  # one or the other


def test_a_merge_must_read_the_config_the_shards_were_built_with(shards: list[str], tmp_path: Path) -> None:
    config = tmp_path / "repositories.json"
    config.write_text(json.dumps({"repositories": []}))
    with pytest.raises(ShardFileError, match="the shards were built with the built-in config"):
        shardfile.check_config(read_shard_files(shards), str(config))
    assert main(["merge", *shards, "--config", str(config), "--format", "json"], quiet()) == 1


def test_the_actions_shards_input_is_read_relative_to_the_workspace(tmp_path: Path) -> None:
    env = {"GITHUB_WORKSPACE": str(tmp_path), "GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/hub",
           "INPUT_SHARDS": "shards/\n/abs/part-1.pmshard"}
    assert from_action(env).shards == (str(tmp_path / "shards"), "/abs/part-1.pmshard")


def test_the_matrix_workflow_shards_uploads_and_merges_consistently() -> None:
    import shlex

    from pattern_miner import __version__
    from pattern_miner.main import build_parser
    from tests.test_action_e2e import ROOT, load_yaml

    flow = load_yaml(ROOT / "examples" / "workflows" / "pattern-miner-matrix.yml")
    parts = int(flow["env"]["PARTS"])
    shard_job, mine_job = flow["jobs"]["shard"], flow["jobs"]["mine"]
    assert [int(k) for k in shard_job["strategy"]["matrix"]["part"]] == list(range(1, parts + 1))
    assert shard_job["container"] == f"ghcr.io/patelmm79/pattern-miner:{__version__}"  # one engine for all jobs
    [command] = [s["run"] for s in shard_job["steps"] if "run" in s]
    line = command.replace("${{ matrix.part }}", "2").replace("${{ env.PARTS }}", str(parts))
    argv = shlex.split(line)
    assert argv[:2] == ["pattern-miner", "shard"]
    args = build_parser("shard").parse_args(argv[1:])
    assert Part.parse(args.part) == Part(2, parts) and args.github and args.output == "part-2.pmshard"
    [upload] = [s for s in shard_job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == "part-${{ matrix.part }}.pmshard"
    assert mine_job["needs"] == "shard"
    [download] = [s for s in mine_job["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    prefix = download["with"]["pattern"].rstrip("*")
    assert upload["with"]["name"].startswith(prefix) and str(download["with"]["merge-multiple"]).lower() == "true"
    [mine] = [s for s in mine_job["steps"] if "pattern-miner@" in s.get("uses", "")]
    assert mine["uses"] == f"patelmm79/pattern-miner@v{__version__}"
    assert mine["with"]["shards"].rstrip("/") == download["with"]["path"]
    assert "shards" in load_yaml(ROOT / "action.yml")["inputs"]


def test_github_parts_merged_are_one_github_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes.github import FakeGitHub

    with FakeGitHub() as fake:
        fake.add_org("acme", members=(fake.login,))
        for name, files in org_repos(9, seed=11).items():
            fake.add_repo(name, dict(files))
        config = tmp_path / "repositories.json"
        config.write_text(json.dumps({"owners": [{"owner": "acme"}]}))
        monkeypatch.setenv("GITHUB_TOKEN", fake.token)
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        parts = [str(tmp_path / f"p{k}.pmshard") for k in (1, 2)]
        for k, path in enumerate(parts, 1):
            assert main(["shard", "--github", "--config", str(config), "--part", f"{k}/2", "-o", path, "-j", "1",
                         "--cache-dir", str(tmp_path / f"c{k}")], quiet()) == 0
        held = [len(read_shard_files_part(p)) for p in parts]
        assert sum(held) == 9 and min(held) >= 4  # balanced by the listing's sizes
        merged = report(["merge", *parts, "--config", str(config)], tmp_path, "merged")
        from pattern_miner.config import load_config
        from pattern_miner.engine import scan
        from pattern_miner.sources.github import GitHubSource

        cfg = load_config(str(config))
        one = scan(GitHubSource(cfg, token=fake.token, base_url=fake.url, paced=False), cfg, jobs=1).to_dict()
        one["stats"].pop("seconds")
        assert merged == one and merged["patterns"]


def test_a_header_nested_too_deep_is_refused() -> None:
    text = b"[" * 200_000 + b"]" * 200_000
    blob = b"PMSHARD\n" + zlib.compress(struct.pack("<Q", len(text)) + text)
    with pytest.raises(PackError, match="not JSON"):
        unpack(blob, b"PMSHARD\n", max_bytes=1_000_000)


def test_packed_records_read_back_equal_with_their_phrases_and_semantic_elements() -> None:
    code = (b"import time\nimport requests\n\n\ndef fetch(url, tries=5):\n    delay = 1\n"
            b"    for _ in range(tries):\n        r = requests.get(url, headers={'Authorization': 'Bearer x'})\n"
            b"        if r.status_code != 503:\n            return r.json()\n        time.sleep(delay)\n"
            b"        delay *= 2\n    raise RuntimeError(url)\n")
    shard = build_shard(RepoInfo("o/a"), [SourceFile("app/fetch.py", code, pattern_types=("code",))])
    (rec,) = shard.files
    assert rec.elements and len(rec.element_at) == rec.elements.count("\n") + 1  # the file has some to keep
    (back,) = read_records([record_head(rec)], record_arrays([rec]))
    assert back == rec
