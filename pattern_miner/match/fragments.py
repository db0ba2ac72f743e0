"""Fragments: the units that are compared — whole files, and the functions, jobs, blocks and stages in them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

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

        def add(kind: str, name: str, start: int, end: int, first: int, last: int) -> None:
            lines = code_lines(rec.lines, start, end)
            if end - start < min_tokens or lines < min_lines:
                return
            out.append(Fragment(len(out), repo, file_index, kind, name, start, end, first, last,
                                rec.language, ptype, limit, lines))

        add("file", "", 0, n, 1, max(1, rec.n_lines if rec.n_lines else (rec.lines[-1] if n else 1)))
        for unit in rec.units:
            if unit.start == 0 and unit.end == n:
                continue  # the unit is the whole file
            add(unit.kind, unit.name, unit.start, unit.end, unit.start_line, unit.end_line)
    return out
