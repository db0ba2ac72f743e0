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
        spans = [("file", "", 0, n, 1, max(1, rec.n_lines or (rec.lines[-1] if n else 1)))]
        spans += [(u.kind, u.name, u.start, u.end, u.start_line, u.end_line) for u in rec.units
                  if not (u.start == 0 and u.end == n)]  # a unit that is the whole file is the file
        for kind, name, start, end, first, last in spans:
            lines = code_lines(rec.lines, start, end)
            if end - start >= min_tokens and lines >= min_lines:
                out.append(Fragment(len(out), repo, file_index, kind, name, start, end, first, last,
                                    rec.language, ptype, limit, lines))
    return out
