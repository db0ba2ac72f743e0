"""GitHub Actions runner plumbing: inputs, outputs, the job summary, annotations, masking, groups.

The runner passes each ``with:`` input as ``INPUT_<NAME>`` (upper case, spaces to underscores, hyphens
kept: ``github-token`` → ``INPUT_GITHUB-TOKEN``). Outputs and the summary are files named by
``$GITHUB_OUTPUT`` / ``$GITHUB_STEP_SUMMARY``; everything else is a ``::command::`` line on stdout.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

from pattern_miner.console import Console
from pattern_miner.progress import LogProgress, Progress

SUMMARY_LIMIT = 1024 * 1024  # the runner rejects a step summary over 1 MiB


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def input_key(name: str) -> str:
    return "INPUT_" + name.replace(" ", "_").upper()


def set_output(name: str, value: object, env: Mapping[str, str] | None = None) -> bool:
    """Append ``name`` to $GITHUB_OUTPUT with the multiline delimiter syntax. False outside a runner."""
    path = _env(env).get("GITHUB_OUTPUT")
    if not path:
        return False
    text = str(value)
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in text:  # pragma: no cover - a random UUID inside the value
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
    return True


def append_summary(markdown: str, env: Mapping[str, str] | None = None) -> bool:
    """Append Markdown to the job summary ($GITHUB_STEP_SUMMARY). False outside a runner."""
    path = _env(env).get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    room = SUMMARY_LIMIT - used - 200
    data = markdown if markdown.endswith("\n") else markdown + "\n"
    if len(data.encode("utf-8")) > room:
        cut = data.encode("utf-8")[: max(room, 0)].decode("utf-8", errors="ignore")
        data = cut.rsplit("\n", 1)[0] + "\n\n_(summary truncated at the runner's 1 MiB limit)_\n"
    with open(path, "a", encoding="utf-8") as f:
        f.write(data)
    return True


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str = "", properties: Mapping[str, object] | None = None) -> str:
    """One workflow command line: ``::name key=value,key=value::message``."""
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in (properties or {}).items() if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _write(line: str, out: TextIO | None) -> None:
    stream = out or sys.stdout
    stream.write(line + "\n")
    stream.flush()


def add_mask(value: str, out: TextIO | None = None) -> None:
    """Ask the runner to hide ``value`` (each line of it) in the log."""
    for line in value.splitlines():
        if line.strip():
            _write(command("add-mask", line), out)


def annotate(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    if level not in ("warning", "error", "notice"):
        raise ValueError(level)
    _write(command(level, message, {"file": file, "line": line, "title": title}), out)


def warning(message: str, *, file: str | None = None, line: int | None = None, out: TextIO | None = None) -> None:
    annotate("warning", message, file=file, line=line, out=out)


def error(message: str, *, file: str | None = None, line: int | None = None, out: TextIO | None = None) -> None:
    annotate("error", message, file=file, line=line, out=out)


def notice(message: str, *, file: str | None = None, line: int | None = None, out: TextIO | None = None) -> None:
    annotate("notice", message, file=file, line=line, out=out)


@contextmanager
def group(name: str, out: TextIO | None = None) -> Iterator[None]:
    """A collapsible log section."""
    _write(command("group", name), out)
    try:
        yield
    finally:
        _write(command("endgroup"), out)


class ActionsConsole(Console):
    """A Console for the runner: warnings and errors become ``::warning::`` / ``::error::`` annotations.

    Everything goes to stdout, which the runner reads for workflow commands.
    """

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__(out=out, err=out)

    def progress(self, label: str, total: int | None = None, unit: str = "") -> Progress:
        """A status line every few seconds: a log has no bar to redraw."""
        if self.quiet:
            return Progress(label, total, unit)
        return LogProgress(label, total, unit, lambda line: _write(self.scrub(line), self.out))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        with group(name, out=self.out):
            yield

    def warn(self, text: str) -> None:
        text = self.scrub(text)
        self.warnings.append(text)
        warning(text, out=self.out)

    def error(self, text: str) -> None:
        error(self.scrub(text), out=self.out)
