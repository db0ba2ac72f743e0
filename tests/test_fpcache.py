"""The fingerprint cache: an unchanged re-scan parses no file (counted, not timed), local and GitHub alike;
a changed file is parsed again; a damaged entry is moved aside and the file parsed again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pattern_miner import shard
from pattern_miner.config import Config, default_config, load_config
from pattern_miner.console import Console
from pattern_miner.engine import scan
from pattern_miner.fpcache import FingerprintCache
from pattern_miner.model import ScanReport
from pattern_miner.sources.github import GitHubSource
from pattern_miner.sources.local import LocalSource, repos_from_root
from tests.corpus import org_repos, write_repos
from tests.fakes.github import FakeGitHub


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths tokenize() is called for (jobs=1: in this process)."""
    seen: list[str] = []
    real: Callable[..., Any] = shard.tokenize

    def counting(path: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(shard, "tokenize", counting)
    return seen


def local_scan(root: Path, cache: Path | None) -> ScanReport:
    config = default_config()
    return scan(LocalSource(repos_from_root(root), config), config, jobs=1,
                cache=FingerprintCache(cache) if cache else None)


def patterns(report: ScanReport) -> list[dict[str, Any]]:
    return [p.to_dict(with_text=True) for p in report.patterns]


def test_an_unchanged_rescan_parses_nothing_and_finds_the_same(tmp_path: Path, parses: list[str]) -> None:
    root = write_repos(tmp_path / "org", org_repos(8, seed=2))
    (root / "acme" / "svc-0000" / "empty.py").write_text("# nothing but a comment\n")
    uncached = local_scan(root, None)
    n = len(parses)
    assert n == uncached.stats.files_scanned + 1  # the comment-only file is parsed, then skipped as empty
    first = local_scan(root, tmp_path / "cache")
    cold = len(parses) - n
    assert 0 < cold <= n  # identical copies are parsed once, even on a first run
    second = local_scan(root, tmp_path / "cache")
    assert len(parses) == n + cold  # not one file parsed
    assert patterns(second) == patterns(first) == patterns(uncached) and patterns(first)
    assert second.stats == first.stats.__class__(**{**first.stats.__dict__, "seconds": second.stats.seconds})
    assert ("acme/svc-0000", "empty.py", "empty") in {(s.repo, s.path, s.reason) for s in second.skips}

    changed = root / "acme" / "svc-0003" / "main.py"
    changed.write_text(changed.read_text() + "\n\ndef added(x):\n    return x * 2 + 1\n")
    local_scan(root, tmp_path / "cache")
    assert parses[n + cold:] == ["main.py"]  # only what changed


def test_a_damaged_entry_is_moved_aside_and_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    root = write_repos(tmp_path / "org", org_repos(4, seed=5))
    cache = tmp_path / "cache"
    first = local_scan(root, cache)
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    entries[0].write_bytes(b"garbage")
    entries[1].write_bytes(entries[1].read_bytes()[:-10])  # a torn write
    n = len(parses)
    again = local_scan(root, cache)
    assert len(parses) == n + 2 and patterns(again) == patterns(first)
    assert len(list(cache.rglob("*.corrupt-*"))) == 2
    assert len(parses) == n + 2 and patterns(local_scan(root, cache)) == patterns(first) and len(parses) == n + 2


def test_another_engine_versions_entries_are_never_read(tmp_path: Path, parses: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_repos(tmp_path / "org", org_repos(3, seed=9))
    local_scan(root, tmp_path / "cache")
    n = len(parses)
    from pattern_miner import fpcache

    monkeypatch.setattr(fpcache, "engine_version", lambda: "9.9+9.other")
    local_scan(root, tmp_path / "cache")
    assert len(parses) == 2 * n
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["9.9+9.other"]  # the old entries are gone


def github_config(tmp_path: Path, repos: list[str]) -> Config:
    path = tmp_path / "repositories.json"
    path.write_text(json.dumps({"repositories": [{"repo": r} for r in repos]}))
    return load_config(str(path))


def test_an_unchanged_github_rescan_parses_nothing_at_one_request_per_repository(tmp_path: Path,
                                                                                  parses: list[str]) -> None:
    repos = org_repos(6, seed=4)
    with FakeGitHub() as fake:
        for name, files in repos.items():
            fake.add_repo(name, dict(files))
        config = github_config(tmp_path, list(repos))

        def github_scan() -> ScanReport:
            source = GitHubSource(config, token=fake.token, base_url=fake.url, paced=False,
                                  cache_dir=tmp_path / "cache" / "github", console=Console(quiet=True))
            return scan(source, config, jobs=1, cache=FingerprintCache(tmp_path / "cache" / "fingerprints"))

        first = github_scan()
        n = len(parses)
        assert 0 < n < first.stats.files_scanned  # identical copies are parsed once, even in the first run
        fake.clear_requests()
        second = github_scan()
        assert len(parses) == n
        assert len(fake.requests) == len(repos)  # the head commit of each: nothing else
        assert patterns(second) == patterns(first)


def test_an_unchanged_rescan_does_not_match_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pattern_miner import engine

    matched: list[int] = []
    real = engine.match_shards

    def counting(shards: Any, *args: Any, **kwargs: Any) -> Any:
        matched.append(len(shards))
        return real(shards, *args, **kwargs)

    monkeypatch.setattr(engine, "match_shards", counting)
    root = write_repos(tmp_path / "org", org_repos(8, seed=2))
    first = local_scan(root, tmp_path / "cache")
    second = local_scan(root, tmp_path / "cache")
    assert len(matched) == 1 and second.patterns == first.patterns  # every field, floats exact
    entry = next((tmp_path / "cache").rglob("matches/*"))
    entry.write_bytes(b"PMMATCH\n" + b"\x78\x9c" + b"junk")
    assert local_scan(root, tmp_path / "cache").patterns == first.patterns and len(matched) == 2
    assert list((tmp_path / "cache").rglob("matches/*.corrupt-*"))
    (root / "acme" / "svc-0001" / "README.md").write_text("# renamed\n")  # a file no pattern type reads
    local_scan(root, tmp_path / "cache")
    assert len(matched) == 2
    (root / "acme" / "svc-0001" / "main.py").write_text("def f(x):\n    return x\n")
    local_scan(root, tmp_path / "cache")
    assert len(matched) == 3


def test_a_match_entry_of_the_wrong_shape_is_a_miss(tmp_path: Path) -> None:
    from pattern_miner.matchcache import MAGIC, MatchCache
    from pattern_miner.packing import pack

    cache = MatchCache(tmp_path)
    root = write_repos(tmp_path / "org", org_repos(6, seed=2))
    patterns_ = list(local_scan(root, None).patterns)
    cache.put("k", patterns_, {"fragments": 3})
    assert cache.get("k") == (patterns_, {"fragments": 3})
    bad = [p.__dict__ | {"occurrences": [o.__dict__ | {"start_line": "1"} for o in p.occurrences]} for p in patterns_]
    for header in ({"key": "k", "patterns": bad, "stats": {}}, {"key": "other", "patterns": [], "stats": {}},
                   {"key": "k", "patterns": [{"id": "x"}], "stats": {}}, {"key": "k", "patterns": [], "stats": {"a": 1.5}}):
        (tmp_path / "matches" / "k").write_bytes(pack(MAGIC, header, {}))
        assert cache.get("k") is None
