"""Fragments: the units that are compared — whole files, and the functions, jobs, blocks and stages in them."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pattern_miner.shard import FileRecord


@dataclass(frozen=True, slots=True)
class Fragment:
    id: int
    repo: int  # index of the repository (shard)
    file: int  # index into the global file list
    kind: str  # file | function | class | method | job | step | service | block | stage | ...
    name: str
    start: int  # token range [start, end)
    end: int
    start_line: int
    end_line: int
    language: str
    pattern_type: str
    threshold: float
    code_lines: int  # distinct source lines with tokens

    @property
    def size(self) -> int:
        return self.end - self.start


def code_lines(lines: Sequence[int], start: int, end: int) -> int:
    """Distinct source lines that carry at least one token: comments and blank lines do not count."""
    return len(set(lines[start:end]))


def _new_line_prefix(lines: Sequence[int]) -> list[int]:
    """prefix[i] = how many of tokens[0:i] start a new line; lines are non-decreasing, so the distinct
    lines of tokens[s:e] are prefix[e] - prefix[s], plus one when token s continues a line."""
    arr = np.frombuffer(lines, dtype=np.uint32) if isinstance(lines, array) else np.asarray(lines)
    starts = np.ones(len(arr), dtype=np.int64)
    if len(arr) > 1:
        starts[1:] = arr[1:] != arr[:-1]
    prefix: list[int] = np.concatenate(([0], np.cumsum(starts))).tolist()
    return prefix


def select_fragments(
    files: Sequence[tuple[int, FileRecord]],
    *,
    min_tokens: int,
    min_lines: int,
    threshold: Callable[[str], float],
    default_type: str = "code",
) -> list[Fragment]:
    """Every file and every unit above the minimum size, in file order."""
    out: list[Fragment] = []
    for file_index, (repo, rec) in enumerate(files):
        n = len(rec.struct)
        ptype = rec.pattern_types[0] if rec.pattern_types else default_type
        limit = threshold(ptype)
        spans = [("file", "", 0, n, 1, max(1, rec.n_lines or (rec.lines[-1] if n else 1)))]
        spans += [(u.kind, u.name, u.start, u.end, u.start_line, u.end_line) for u in rec.units
                  if not (u.start == 0 and u.end == n)]  # a unit that is the whole file is the file
        prefix = _new_line_prefix(rec.lines)
        for kind, name, start, end, first, last in spans:
            lines = prefix[end] - prefix[start] + (1 if 0 < start < n and rec.lines[start] == rec.lines[start - 1] else 0)
            if end - start >= min_tokens and lines >= min_lines:
                out.append(Fragment(len(out), repo, file_index, kind, name, start, end, first, last,
                                    rec.language, ptype, limit, lines))
    return out
