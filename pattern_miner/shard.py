"""The per-repository half of a scan: a repository snapshot in, a serializable fingerprint shard out.

``build_shard`` is a pure function of the snapshot's files (no network, no global state), so the same
code can run in a worker process, or in one GitHub Actions matrix job per group of repositories whose
shards are merged by one matching job (``pattern_miner.match``).
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from pattern_miner.model import RepoInfo, Skip, SourceFile
from pattern_miner.parse import TokenizedFile, Unit, decode, tokenize

# Shingle length in tokens. Six tokens is about one short statement: long enough that a shared shingle
# means shared code rather than a shared idiom like `self.$id = $id`, short enough that a Type-3 edit
# destroys only the few shingles that overlap it.
SHINGLE = 6

SHARD_VERSION = 2

# Languages whose names and values ARE the content (configuration): their literal text is fingerprinted
# too, because copies of one template-heavy file type differ from each other mostly in values.
LITERAL_LANGUAGES = frozenset({"yaml", "dockerfile", "hcl", "bash", "json", "text"})

_ids: dict[str, int] = {}


def token_id(token: str) -> int:
    """A stable 32-bit id for a token (the same in every process and run)."""
    value = _ids.get(token)
    if value is None:
        value = zlib.crc32(token.encode("utf-8", "surrogatepass"))
        if len(_ids) < 2_000_000:
            _ids[token] = value
    return value


def shingles(ids: array, k: int = SHINGLE) -> array:
    """Hash of every k-token window (Python's tuple-of-int hash is deterministic across processes)."""
    if len(ids) < k:
        return array("q")
    return array("q", map(hash, zip(*(ids[j:] for j in range(k)), strict=False)))


@dataclass
class FileRecord:
    path: str
    language: str
    pattern_types: tuple[str, ...]
    n_lines: int
    fallback: bool
    struct: array  # token ids, names and literals abstracted
    lit: array  # token ids of the real text
    lines: array  # source line of each token
    shingles: array  # hash of each SHINGLE-token window of struct
    lit_shingles: array  # the same over lit, for configuration languages (empty for code)
    units: list[Unit]
    text: str
    sha: str | None = None


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
        shard = pickle.loads(path.read_bytes())
        if not isinstance(shard, Shard) or shard.version != SHARD_VERSION:
            raise ValueError(f"{path}: not a pattern-miner shard of version {SHARD_VERSION}")
        return shard


def record_file(tok: TokenizedFile, source: SourceFile, text: str) -> FileRecord:
    struct = array("I", map(token_id, tok.struct))
    lit = array("I", map(token_id, tok.lit))
    return FileRecord(
        path=source.path,
        language=tok.language,
        pattern_types=source.pattern_types,
        n_lines=tok.n_lines,
        fallback=tok.fallback,
        struct=struct,
        lit=lit,
        lines=array("I", tok.lines),
        shingles=shingles(struct),
        lit_shingles=shingles(lit) if tok.language in LITERAL_LANGUAGES else array("q"),
        units=tok.units,
        text=text,
        sha=source.sha,
    )


def build_shard(repo: RepoInfo, files: list[SourceFile], skips: list[Skip] | None = None) -> Shard:
    """Parse, normalize and fingerprint every file of one repository."""
    shard = Shard(repo=repo, skips=list(skips or []))
    for source in files:
        tok = tokenize(source.path, source.data)
        if not tok.struct:
            shard.skips.append(Skip(repo.name, source.path, "empty"))
            continue
        text = decode(source.data)
        shard.files.append(record_file(tok, source, text))
        shard.lines_scanned += tok.n_lines
        shard.parse_fallbacks += tok.fallback
    return shard
