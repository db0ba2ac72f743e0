"""Fragments: the units that are compared — whole files, and the functions, jobs, blocks and stages in them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from pattern_miner.records import FileRecord


class Fragment(NamedTuple):
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
    code_lines: int  # distinct source lines with tokens (``records.spans``)

    @property
    def size(self) -> int:
        return self.end - self.start


def select_fragments(
    files: Sequence[tuple[int, FileRecord]],
    *,
    min_tokens: int,
    min_lines: int,
    threshold: Callable[[str], float],
    default_type: str = "code",
) -> list[Fragment]:
    """Every file and every unit above the minimum size, in file order."""
    limits: dict[str, float] = {}
    out: list[Fragment] = []
    for file_index, (repo, rec) in enumerate(files):
        ptype = rec.pattern_types[0] if rec.pattern_types else default_type
        limit = limits.get(ptype)
        if limit is None:
            limit = limits[ptype] = threshold(ptype)
        for kind, name, start, end, first, last, lines in rec.spans:
            if end - start >= min_tokens and lines >= min_lines:
                out.append(Fragment(len(out), repo, file_index, kind, name, start, end, first, last,
                                    rec.language, ptype, limit, lines))
    return out
