"""The cache directory's own file operations (``cachefs``): what is moved aside and what never is."""

from __future__ import annotations

from pathlib import Path

import pytest

from pattern_miner.cachefs import atomic_write, ensure_dir


def test_a_file_where_a_directory_belongs_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "github").write_text("x")
    made = ensure_dir(tmp_path / "github" / "repos")
    assert made.is_dir() and [p.name.split(".corrupt-")[0] for p in tmp_path.glob("github.corrupt-*")] == ["github"]


def test_a_directory_another_thread_makes_meanwhile_is_never_moved_aside(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The GitHub source writes repository records from several threads: one thread finds `repos/` missing,
    another makes it and writes its record, then the first must not take `repos/` for garbage (seen once in
    the Action's end-to-end test: the first run's records were gone)."""
    target = tmp_path / "repos"
    real_is_dir = Path.is_dir
    raced: list[bool] = []

    def racing_is_dir(self: Path) -> bool:
        found = real_is_dir(self)
        if self == target and not raced:
            raced.append(True)
            target.mkdir()  # the other thread, between this check and the next
            (target / "acme--api.json").write_text("{}")
        return found

    monkeypatch.setattr(Path, "is_dir", racing_is_dir)
    ensure_dir(target)
    assert raced and (target / "acme--api.json").read_text() == "{}"
    assert not list(tmp_path.glob("repos.corrupt-*"))


def test_atomic_write_replaces_a_directory_standing_where_the_file_belongs(tmp_path: Path) -> None:
    (tmp_path / "record.json").mkdir()
    atomic_write(tmp_path / "record.json", b"{}")
    assert (tmp_path / "record.json").read_bytes() == b"{}" and list(tmp_path.glob("record.json.corrupt-*"))
