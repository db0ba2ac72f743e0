"""Progress people can read, wherever the run is watched:

- on a terminal, a real progress bar (rich): done of the total, the rate, the time left, and what else is
  counted on the way (files, lines);
- in a log (an Actions run, a file), one status line every ``STATUS_EVERY`` seconds and one at the end;
- nothing with ``--quiet``, or when standard output carries the result (JSON on stdout).

One interface for all three: ``advance`` moves the main count (repositories, patterns), ``count`` adds to
a side count (files), ``total`` may be learnt on the way (a source lists its repositories first).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

STATUS_EVERY = 10.0  # seconds between status lines in a log
BAR_DELAY = 2.0  # seconds before a terminal bar appears: quick work prints nothing


class Progress:
    """Counts only (shown nowhere): the quiet progress, and the base of the visible ones."""

    def __init__(self, label: str, total: int | None = None, unit: str = "") -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self.counts: dict[str, int] = {}
        self.note = ""

    def advance(self, n: int = 1, note: str = "") -> None:
        self.done += n
        self.note = note or self.note
        self.update()

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n
        self.update()

    def set_total(self, total: int | None) -> None:
        self.total = total
        self.update()

    def update(self) -> None:
        """Show the change (nothing here)."""

    def close(self) -> None:
        """The work is over."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self, elapsed: float) -> str:
        """One line: "Scanning: 3/12 repositories, 418 files, 25.3 files/s, about 1m 10s left"."""
        head = f"{self.done}/{self.total}" if self.total else f"{self.done}"
        parts = [f"{self.label}: {head}{' ' + self.unit if self.unit else ''}"]
        parts += [f"{n:,} {name}" for name, n in self.counts.items()]
        rate_of, rate_n = (next(iter(self.counts.items())) if self.counts else (self.unit, self.done))
        if elapsed > 0 and rate_n:
            parts.append(f"{rate_n / elapsed:,.1f} {rate_of or 'items'}/s")
        if self.total and self.done and elapsed > 0 and self.done < self.total:
            parts.append(f"about {_duration(elapsed * (self.total - self.done) / self.done)} left")
        return ", ".join(parts)


class LogProgress(Progress):
    """A status line every STATUS_EVERY seconds, and a last one when the work took that long at all."""

    def __init__(self, label: str, total: int | None, unit: str, write: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(label, total, unit)
        self.write = write
        self.clock = clock
        self.start = self.last = clock()

    def update(self) -> None:
        now = self.clock()
        if now - self.last >= STATUS_EVERY:
            self.last = now
            self.write(self.describe(now - self.start))

    def close(self) -> None:
        now = self.clock()
        if now - self.start >= STATUS_EVERY:
            self.write(self.describe(now - self.start) + " (done)")


class BarProgress(Progress):
    """A rich progress bar on a terminal, after BAR_DELAY seconds; cleared when done."""

    def __init__(self, label: str, total: int | None, unit: str, stream: TextIO) -> None:
        super().__init__(label, total, unit)
        from rich.console import Console as RichConsole
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self.start = time.monotonic()
        self.bar = RichProgress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[side]}"), TimeRemainingColumn(),
            console=RichConsole(file=stream, stderr=True), transient=True, auto_refresh=True,
        )
        self.task = self.bar.add_task(label, total=total, side="")
        self.shown = False

    def update(self) -> None:
        if not self.shown and time.monotonic() - self.start < BAR_DELAY:
            return
        if not self.shown:
            self.bar.start()
            self.shown = True
        side = ", ".join(f"{n:,} {name}" for name, n in self.counts.items())
        elapsed = time.monotonic() - self.start
        if self.counts and elapsed > 0:
            name, n = next(iter(self.counts.items()))
            side += f" ({n / elapsed:,.0f} {name}/s)"
        self.bar.update(self.task, completed=self.done, total=self.total, side=side,
                        description=f"{self.label} {self.note[:30]}")

    def close(self) -> None:
        if self.shown:
            self.bar.stop()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
