"""Fragments: the units that are compared — whole files, and the functions, jobs, blocks and stages in them."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from pattern_miner.shard import FileRecord


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
    code_lines: int  # distinct source lines with tokens

    @property
    def size(self) -> int:
        return self.end - self.start


def code_lines(lines: Sequence[int], start: int, end: int) -> int:
    """Distinct source lines that carry at least one token: comments and blank lines do not count."""
    return len(set(lines[start:end]))


def _lines_of_spans(files: Sequence[tuple[int, FileRecord]], spans: list[tuple[int, int, int]]) -> np.ndarray:
    """Distinct source lines of tokens[start:end] of each span (file index, start, end), all at once:
    a file's lines never decrease, so they are the tokens that start a new line, plus one when the
    span's first token continues a line."""
    sizes = np.array([len(rec.lines) for _, rec in files], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    lines = np.concatenate([np.frombuffer(rec.lines, dtype=np.uint32) if isinstance(rec.lines, array)
                            else np.asarray(rec.lines, dtype=np.uint32) for _, rec in files] + [np.zeros(1, np.uint32)])
    new = np.ones(len(lines), dtype=np.int64)
    new[1:] = lines[1:] != lines[:-1]
    new[offsets] = 1  # every file's first token starts a line
    prefix = np.concatenate(([0], np.cumsum(new)))
    file, start, end = (np.array(column, dtype=np.int64).reshape(-1) for column in zip(*spans, strict=True)) \
        if spans else (np.zeros(0, dtype=np.int64),) * 3
    at, to = offsets[file] + start, offsets[file] + end
    continues = (start > 0) & (start < sizes[file]) & (new[at] == 0)
    return np.where(end > start, prefix[to] - prefix[at] + continues, 0)


def select_fragments(
    files: Sequence[tuple[int, FileRecord]],
    *,
    min_tokens: int,
    min_lines: int,
    threshold: Callable[[str], float],
    default_type: str = "code",
) -> list[Fragment]:
    """Every file and every unit above the minimum size, in file order."""
    spans: list[tuple[int, str, str, int, int, int, int]] = []  # file, kind, name, tokens, lines
    for file_index, (_, rec) in enumerate(files):
        n = len(rec.struct)
        spans.append((file_index, "file", "", 0, n, 1, max(1, rec.n_lines or (rec.lines[-1] if n else 1))))
        # a unit that is the whole file is the file
        spans += [(file_index, *u) for u in rec.units if not (u[2] == 0 and u[3] == n)]  # u: kind, name, start, end
    counts = _lines_of_spans(files, [(f, start, end) for f, _, _, start, end, _, _ in spans]).tolist()
    types = [rec.pattern_types[0] if rec.pattern_types else default_type for _, rec in files]
    limits = {ptype: threshold(ptype) for ptype in set(types)}
    out: list[Fragment] = []
    for (file_index, kind, name, start, end, first, last), lines in zip(spans, counts, strict=True):
        if end - start >= min_tokens and lines >= min_lines:
            repo, rec = files[file_index]
            ptype = types[file_index]
            out.append(Fragment(len(out), repo, file_index, kind, name, start, end, first, last,
                                rec.language, ptype, limits[ptype], lines))
    return out
