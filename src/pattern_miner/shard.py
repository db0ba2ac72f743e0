"""The per-repository half of a scan: a repository snapshot in, a serializable fingerprint shard out.

``build_shard`` is a pure function of the snapshot's files (no network, no global state), so the same
code can run in a worker process, or in one GitHub Actions matrix job per group of repositories whose
shards are merged by one matching job (``pattern_miner.match``).
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pattern_miner.lexer import decode, lexical_items
from pattern_miner.model import RepoInfo, Skip, SourceFile
from pattern_miner.parse import TokenizedFile, Unit, tokenize

# Shingle length in tokens. Six tokens is about one short statement: long enough that a shared shingle
# means shared code rather than a shared idiom like `self.$id = $id`, short enough that a Type-3 edit
# destroys only the few shingles that overlap it.
SHINGLE = 6

# A file of more tokens than this is skipped ("too-many-tokens") before it is parsed, whatever max_file_bytes
# allows: the work and memory a file takes grow with its tokens (syntax nodes, token lists, shingles,
# candidates), ~1 KB each at the peak. Counted as words and marks (`lexical_items`: never fewer than the
# tokens compared, 1.8 times as many in the median file). Hand-written code stays far below: the largest
# files of CPython's library, numpy, scipy and sympy have up to ~120,000; more is generated code or data
# (a megabyte of minified JSON has ~600,000).
MAX_FILE_TOKENS = 500_000

SHARD_VERSION = 5  # 5: the file and its units as plain tuples, with their code lines

# Languages whose names and values ARE the content (configuration): their literal text is fingerprinted
# too, because copies of one template-heavy file type differ from each other mostly in values.
LITERAL_LANGUAGES = frozenset({"yaml", "dockerfile", "hcl", "bash", "json", "text"})

class _Ids(dict[str, int]):
    """Token → id, computed on first sight: a known token is a dict lookup in C."""

    def __missing__(self, token: str) -> int:
        value = self[token] = zlib.crc32(token.encode("utf-8", "surrogatepass"))
        return value


_ids = _Ids()


def token_id(token: str) -> int:
    """A stable 32-bit id for a token (the same in every process and run)."""
    return _ids[token]


def token_ids(tokens: list[str]) -> array[int]:
    """``token_id`` of every token."""
    if len(_ids) > 2_000_000:  # bounded: a long-running service sees ever new names and values
        _ids.clear()
    return array("I", map(_ids.__getitem__, tokens))


_FNV_PRIME = np.uint64(0x100000001B3)


def shingles(ids: array[int], k: int = SHINGLE) -> array[int]:
    """A 64-bit hash of every k-token window (FNV-style over the token ids, the same in every process)."""
    if len(ids) < k:
        return array("q")
    tokens = np.frombuffer(ids, dtype=np.uint32).astype(np.uint64)
    m = len(tokens) - k + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = (h ^ tokens[j:j + m]) * _FNV_PRIME
    return array("q", h.view(np.int64).tobytes())


@dataclass
class FileRecord:
    path: str
    language: str
    pattern_types: tuple[str, ...]
    n_lines: int
    fallback: bool
    struct: array[int]  # token ids, names and literals abstracted
    lit: array[int]  # token ids of the real text
    lines: array[int]  # source line of each token
    shingles: array[int]  # hash of each SHINGLE-token window of struct
    lit_shingles: array[int]  # the same over lit, for configuration languages (empty for code)
    # the file and each unit in it: (kind, name, start, end, start_line, end_line, code_lines), see
    # `spans`; plain tuples, because tens of thousands cross from the parse workers
    spans: list[Span]
    text: str
    sha: str | None = None
    # the file's distinct shingles, sorted: how many files share a shingle is counted from these
    distinct: array[int] = field(default_factory=lambda: array("q"))
    lit_distinct: array[int] = field(default_factory=lambda: array("q"))


@dataclass
class Shard:
    repo: RepoInfo
    files: list[FileRecord] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    lines_scanned: int = 0
    parse_fallbacks: int = 0
    version: int = SHARD_VERSION

    def dump(self, path: Path) -> None:
        path.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))

    @staticmethod
    def load(path: Path) -> Shard:
        try:
            shard = pickle.loads(path.read_bytes())
        except (pickle.UnpicklingError, AttributeError, TypeError, EOFError, ImportError, IndexError) as exc:
            # an older version's records may no longer unpickle at all
            raise ValueError(f"{path}: not a pattern-miner shard of version {SHARD_VERSION} ({exc})") from None
        if not isinstance(shard, Shard) or shard.version != SHARD_VERSION:
            raise ValueError(f"{path}: not a pattern-miner shard of version {SHARD_VERSION}")
        return shard


Span = tuple[str, str, int, int, int, int, int]


def spans(lines: array[int], n_lines: int, units: Sequence[Unit]) -> list[Span]:
    """The file ("file", "", 0, n, 1, last line) and its units (but one that is the whole file), each
    with its code lines: the distinct source lines of its tokens. A file's lines never decrease, so
    they are the tokens that start a new line, plus one when the span's first token continues a line."""
    n = len(lines)
    rows: list[tuple[str, str, int, int, int, int]] = [("file", "", 0, n, 1, max(1, n_lines or (lines[-1] if n else 1)))]
    rows += [(u.kind, u.name, u.start, u.end, u.start_line, u.end_line) for u in units if not (u.start == 0 and u.end == n)]
    if not n:
        return [(*row, 0) for row in rows]
    at = np.frombuffer(lines, dtype=np.uint32)
    new = np.ones(n, dtype=np.int64)
    new[1:] = at[1:] != at[:-1]
    prefix = np.concatenate(([0], np.cumsum(new)))
    start = np.array([row[2] for row in rows], dtype=np.int64)
    end = np.array([row[3] for row in rows], dtype=np.int64)
    continues = (start > 0) & (start < n) & (new[np.minimum(start, n - 1)] == 0)
    counts = np.where(end > start, prefix[end] - prefix[start] + continues, 0).tolist()
    return [(*row, count) for row, count in zip(rows, counts, strict=True)]


def distinct(values: array[int]) -> array[int]:
    return array("q", np.unique(np.frombuffer(values, dtype=np.int64)).tobytes())


def record_file(tok: TokenizedFile, source: SourceFile, text: str) -> FileRecord:
    struct = token_ids(tok.struct)
    lit = token_ids(tok.lit)
    struct_shingles = shingles(struct)
    lit_shingles = shingles(lit) if tok.language in LITERAL_LANGUAGES else array("q")
    lines = array("I", tok.lines)
    return FileRecord(
        path=source.path,
        language=tok.language,
        pattern_types=source.pattern_types,
        n_lines=tok.n_lines,
        fallback=tok.fallback,
        struct=struct,
        lit=lit,
        lines=lines,
        shingles=struct_shingles,
        lit_shingles=lit_shingles,
        distinct=distinct(struct_shingles),
        lit_distinct=distinct(lit_shingles),
        spans=spans(lines, tok.n_lines, tok.units),
        text=text,
        sha=source.sha,
    )


def build_shard(repo: RepoInfo, files: list[SourceFile], skips: list[Skip] | None = None) -> Shard:
    """Parse, normalize and fingerprint every file of one repository."""
    shard = Shard(repo=repo, skips=list(skips or []))
    for source in files:
        if lexical_items(source.data, stop=MAX_FILE_TOKENS) > MAX_FILE_TOKENS:
            shard.skips.append(Skip(repo.name, source.path, "too-many-tokens"))  # decided before parsing
            continue
        text = decode(source.data)
        tok = tokenize(source.path, source.data, text=text)
        if not tok.struct:
            shard.skips.append(Skip(repo.name, source.path, "empty"))
            continue
        shard.files.append(record_file(tok, source, text))
        shard.lines_scanned += tok.n_lines
        shard.parse_fallbacks += tok.fallback
    return shard
