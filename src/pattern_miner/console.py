"""All user-facing terminal output goes through one Console, so tests can capture it.

Results go to ``out`` (stdout); progress, warnings and errors go to ``err`` (stderr).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

SECRET_MIN = 8  # a shorter "secret" would blank out ordinary words


class Console:
    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, *, quiet: bool = False) -> None:
        self.out = out if out is not None else sys.stdout
        self.err = err if err is not None else sys.stderr
        self.quiet = quiet
        self.warnings: list[str] = []
        self._secrets: list[str] = []

    def hide(self, *secrets: str | None) -> None:
        """Never print these (tokens, API keys), wherever they turn up: an API may echo a key in an error
        message. ``scrub`` applies the same to what is written elsewhere (the summary, the report)."""
        for secret in secrets:
            if secret and len(secret) >= SECRET_MIN and secret not in self._secrets:
                self._secrets.append(secret)
        self._secrets.sort(key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def result(self, text: str) -> None:
        """The command's result (a table, a report): always printed."""
        text = self.scrub(text)
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    def info(self, text: str) -> None:
        if not self.quiet:
            self.err.write(self.scrub(text) + "\n")
            self.err.flush()

    def warn(self, text: str) -> None:
        text = self.scrub(text)
        self.warnings.append(text)
        self.err.write(f"warning: {text}\n")
        self.err.flush()

    def error(self, text: str) -> None:
        self.err.write(f"error: {self.scrub(text)}\n")
        self.err.flush()

    def progress(self, label: str, total: int | None = None) -> Progress:
        return Progress(self, label, total)


class Progress:
    """A one-line progress bar on stderr, shown only for work that takes over ~2 s on a terminal."""

    DELAY = 2.0  # seconds before the bar appears: quick scans print nothing
    WIDTH = 30

    def __init__(self, console: Console, label: str, total: int | None) -> None:
        self.console = console
        self.label = label
        self.total = total
        self.done = 0
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._shown = False
        isatty = getattr(console.err, "isatty", None)
        self.enabled = not console.quiet and bool(isatty and isatty())

    def advance(self, n: int = 1, note: str = "") -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.DELAY or now - self._last_draw < 0.1:
            return
        self._last_draw = now
        self._shown = True
        if self.total:
            filled = int(self.WIDTH * min(self.done, self.total) / self.total)
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            line = f"\r{self.label} {bar} {self.done}/{self.total} {note[:40]:<40}"
        else:
            line = f"\r{self.label} {self.done} {note[:40]:<40}"
        self.console.err.write(line)
        self.console.err.flush()

    def close(self) -> None:
        if self._shown:
            self.console.err.write("\r" + " " * (self.WIDTH + 100) + "\r")
            self.console.err.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
