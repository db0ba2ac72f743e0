"""Progress: a bar on a terminal, a status line every few seconds in a log, nothing when quiet."""

from __future__ import annotations

import io
import time

import pytest

from pattern_miner import progress as progress_module
from pattern_miner.actions import ActionsConsole
from pattern_miner.console import Console
from pattern_miner.progress import BarProgress, LogProgress, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_status_line_every_ten_seconds_and_one_at_the_end() -> None:
    now = [0.0]
    lines: list[str] = []
    bar = LogProgress("Scanning", 12, "repositories", lines.append, clock=lambda: now[0])
    for step in range(12):
        now[0] += 4.0
        bar.count("files", 30)
        bar.advance(note=f"acme/svc-{step}")
    bar.close()
    assert lines[0] == "Scanning: 2/12 repositories, 90 files, 7.5 files/s, about 1m 00s left"
    assert len(lines) == 5 and lines[-1] == "Scanning: 12/12 repositories, 360 files, 7.5 files/s (done)"


def test_quick_work_in_a_log_prints_nothing() -> None:
    lines: list[str] = []
    with LogProgress("Advising", 3, "patterns", lines.append) as bar:
        bar.advance(3)
    assert lines == []


def test_a_terminal_gets_a_bar_with_the_total_the_counts_and_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "BAR_DELAY", 0.0)
    stream = Terminal()
    bar = Console(err=stream).progress("Scanning", total=4, unit="repositories")
    assert isinstance(bar, BarProgress)
    bar.count("files", 120)
    bar.advance(2, note="acme/api")
    bar.bar.refresh()
    time.sleep(0.05)
    shown = stream.getvalue()
    bar.close()
    assert "Scanning acme/api" in shown and "2/4" in shown and "120 files" in shown


def test_quiet_and_pipes_get_no_bar() -> None:
    assert type(Console(err=Terminal(), quiet=True).progress("x", 3)) is Progress
    assert type(Console(err=io.StringIO()).progress("x", 3)) is Progress  # not a terminal


def test_an_actions_log_has_a_group_per_stage_and_status_lines() -> None:
    out = io.StringIO()
    console = ActionsConsole(out=out)
    with console.stage("Scanning the repositories"):
        bar = console.progress("Scanning", 2, "repositories")
        assert isinstance(bar, LogProgress)
    assert out.getvalue() == "::group::Scanning the repositories\n::endgroup::\n"
