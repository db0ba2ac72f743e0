"""The per-repository half of a scan: a repository snapshot in, a serializable fingerprint shard out.

``build_shard`` is a pure function of the snapshot's files (no network, no global state), so the same
code can run in a worker process, or in one GitHub Actions matrix job per group of repositories whose
shards are merged by one matching job (``pattern_miner.match``). This is the half that parses; the
records it makes are in ``pattern_miner.records``.
"""

from __future__ import annotations

from array import array

from pattern_miner.fpcache import FingerprintCache
from pattern_miner.lexer import decode, lexical_items
from pattern_miner.model import RepoInfo, Skip, SourceFile
from pattern_miner.parse import TokenizedFile, tokenize
from pattern_miner.phrases import find as find_phrases
from pattern_miner.records import CONFIG_LANGUAGES, FileRecord, Shard, distinct, shingles, spans, token_ids
from pattern_miner.semantic.elements import find as find_elements

# A file of more tokens than this is skipped ("too-many-tokens") before it is parsed, whatever max_file_bytes
# allows: the work and memory a file takes grow with its tokens (syntax nodes, token lists, shingles,
# candidates), ~1 KB each at the peak. Counted as words and marks (`lexical_items`: never fewer than the
# tokens compared, 1.8 times as many in the median file). Hand-written code stays far below: the largest
# files of CPython's library, numpy, scipy and sympy have up to ~120,000; more is generated code or data
# (a megabyte of minified JSON has ~600,000).
MAX_FILE_TOKENS = 500_000


def record_file(tok: TokenizedFile, source: SourceFile, text: str) -> FileRecord:
    """One tokenized file as it is compared: token ids, lines, shingles, spans and salient phrases."""
    struct = token_ids(tok.struct)
    lit = token_ids(tok.lit)
    struct_shingles = shingles(struct)
    lit_shingles = shingles(lit) if tok.language in CONFIG_LANGUAGES else array("q")
    lines = array("I", tok.lines)
    phrase_at, phrases = find_phrases(tok.language, tok.struct, tok.lit, tok.lines, struct)
    element_at, elements = find_elements(tok.language, tok.struct, tok.lit, tok.lines)
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
        phrases=phrases,
        phrase_at=phrase_at,
        elements=elements,
        element_at=element_at,
    )


def build_shard(repo: RepoInfo, files: list[SourceFile], skips: list[Skip] | None = None,
                cache: FingerprintCache | None = None) -> Shard:
    """Parse, normalize and fingerprint every file of one repository; with a ``cache``, a file whose
    content was fingerprinted before (by this engine version) is not parsed again."""
    shard = Shard(repo=repo, skips=list(skips or []))
    for source in files:
        text: str | None = None
        hit = None
        if cache is not None:
            text = decode(source.data)
            hit = cache.get(source.path, source.data, source.sha, source.pattern_types, text)
        if hit is not None and hit.skip is not None:
            shard.skips.append(Skip(repo.name, source.path, hit.skip))
            continue
        if hit is not None and hit.record is not None:
            rec = hit.record
        else:
            outcome = _fingerprint(source, text)
            if cache is not None:
                cache.put(source.path, source.data, source.sha, outcome)
            if isinstance(outcome, str):
                shard.skips.append(Skip(repo.name, source.path, outcome))
                continue
            rec = outcome
        shard.files.append(rec)
        shard.lines_scanned += rec.n_lines
        shard.parse_fallbacks += rec.fallback
    return shard


def _fingerprint(source: SourceFile, text: str | None) -> FileRecord | str:
    """One file's record, or why it has none ("too-many-tokens" is decided before parsing)."""
    if lexical_items(source.data, stop=MAX_FILE_TOKENS) > MAX_FILE_TOKENS:
        return "too-many-tokens"
    text = decode(source.data) if text is None else text
    tok = tokenize(source.path, source.data, text=text)
    if not tok.struct:
        return "empty"
    return record_file(tok, source, text)
