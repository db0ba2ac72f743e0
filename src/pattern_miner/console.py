"""All user-facing terminal output goes through one Console, so tests can capture it.

Results go to ``out`` (stdout); progress, warnings and errors go to ``err`` (stderr).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from pattern_miner.progress import BarProgress, Progress

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

    def progress(self, label: str, total: int | None = None, unit: str = "") -> Progress:
        """A bar on a terminal; nothing when quiet, or when stderr is not a terminal (see ActionsConsole
        for a log)."""
        isatty = getattr(self.err, "isatty", None)
        if self.quiet or not (isatty and isatty()):
            return Progress(label, total, unit)
        return BarProgress(label, total, unit, self.err)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """One stage of the run (scan, advise, publish): a collapsible group in an Actions log."""
        yield
