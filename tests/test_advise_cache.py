"""The advice cache: keyed by pattern id, content hash, model and prompt version; damage is ignored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pattern_miner.advise import offline_recommendation
from pattern_miner.advise.cache import AdviceCache, cache_key
from pattern_miner.advise.models import Failure
from pattern_miner.model import Pattern
from tests.test_advise_offline import deploy_pattern


def test_round_trip(tmp_path: Path) -> None:
    cache = AdviceCache(tmp_path)
    pattern = deploy_pattern()
    rec = offline_recommendation(pattern)
    key = cache_key(pattern, "claude-sonnet-5-5", "1")
    assert cache.get(key, 3) is None
    cache.put(key, rec)
    assert cache.get(key, 3) == rec
    assert (tmp_path / "advice" / f"{key}.json").is_file()
    assert not list((tmp_path / "advice").glob(".advice-*"))  # no temporary file left behind


def test_the_key_changes_with_content_model_and_prompt_version() -> None:
    pattern = deploy_pattern()
    key = cache_key(pattern, "m", "1")
    assert key == cache_key(deploy_pattern(), "m", "1")
    assert key != cache_key(Pattern(**{**pattern.__dict__, "content_hash": "h-deploy-2"}), "m", "1")
    assert key != cache_key(Pattern(**{**pattern.__dict__, "id": "other"}), "m", "1")
    assert key != cache_key(pattern, "other-model", "1")
    assert key != cache_key(pattern, "m", "2")


def test_damaged_or_stale_entries_are_ignored(tmp_path: Path) -> None:
    cache = AdviceCache(tmp_path)
    pattern = deploy_pattern()
    key = cache_key(pattern, "m", "1")
    (tmp_path / "advice").mkdir()
    (tmp_path / "advice" / f"{key}.json").write_text("{not json")
    assert cache.get(key, 3) is None
    cache.put(key, offline_recommendation(pattern))
    assert cache.get(key, 2) is None  # cites a copy that no longer exists


def test_a_failure_is_cached_too(tmp_path: Path) -> None:
    cache = AdviceCache(tmp_path)
    failure = Failure(reason="invalid after one repair: usage_language: Input should be 'bash'")
    cache.put("k", failure)
    assert cache.get("k", 3) == failure
    cache.put("k", offline_recommendation(deploy_pattern()))  # a later valid answer replaces it
    assert cache.get("k", 3) == offline_recommendation(deploy_pattern())


def _garbage(entry: Path) -> None:
    entry.write_bytes(b"\x00\xff\xfe not json at all")


def _truncated(entry: Path) -> None:
    entry.write_text(entry.read_text()[: len(entry.read_text()) // 2])


def _not_an_object(entry: Path) -> None:
    entry.write_text('["recommendation"]')


def _under_another_key(entry: Path) -> None:
    entry.write_text(entry.read_text().replace('"key": "k"', '"key": "other"'))


def _failure_without_reason(entry: Path) -> None:
    entry.write_text('{"key": "k", "failure": {}}')


def _a_directory(entry: Path) -> None:
    entry.unlink()
    (entry / "nested").mkdir(parents=True)
    (entry / "nested" / "file").write_text("x")


def _advice_is_a_file(entry: Path) -> None:
    entry.unlink()
    entry.parent.rmdir()
    entry.parent.write_text("a file where the directory belongs")


@pytest.mark.parametrize("damage", [
    _garbage, _truncated, _not_an_object, _under_another_key, _failure_without_reason, _a_directory,
    _advice_is_a_file,
])
def test_a_damaged_entry_is_a_miss_and_is_overwritten(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    cache = AdviceCache(tmp_path)
    rec = offline_recommendation(deploy_pattern())
    cache.put("k", rec)
    damage(tmp_path / "advice" / "k.json")
    assert cache.get("k", 3) is None
    cache.put("k", rec)
    assert cache.get("k", 3) == rec


def test_no_directory_means_no_cache() -> None:
    cache = AdviceCache(None)
    cache.put("k", offline_recommendation(deploy_pattern()))
    assert cache.get("k", 3) is None
