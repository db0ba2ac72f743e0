"""File records as bytes, and back, without pickle: what shard files and the fingerprint cache hold.

Both are untrusted when read (a shard file is a workflow artifact; the cache directory is restored from
another run), so nothing here executes what it reads: a packed blob is a magic word, then a zlib stream
of a JSON header (its length first) and flat little-endian uint32 arrays whose lengths the header gives.
Reading checks the sizes before allocating (a decompression bomb stops at the limit), the JSON's types
and every record's invariants (parallel token arrays of one length, spans and phrases inside them); a
blob that fails any check is a ``PackError`` naming what is wrong, never a half-read record.

Stored: the token ids of both streams, their lines, the phrase and semantic-element starts and the
distinct shingles (sorted,
checked to be). The shingles are made again from the tokens on reading (``records.shingles``: fast numpy),
so they can never disagree with them.
"""

from __future__ import annotations

import json
import struct
import zlib
from array import array
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from pattern_miner.records import CONFIG_LANGUAGES, SHINGLE, FileRecord, Span, shingles

# the stored arrays and their types: struct, lit and lines are one per token; the distinct shingles are
# kept because making them again (a sort per file) would cost more than half of reading a record
ARRAYS = {"struct": "<u4", "lit": "<u4", "lines": "<u4", "phrase_at": "<u4", "element_at": "<u4",
          "distinct": "<i8", "lit_distinct": "<i8"}
_LENGTH = struct.Struct("<Q")


class PackError(ValueError):
    """A packed blob that is not one we wrote, or is damaged, or is over a size limit."""


def pack(magic: bytes, header: Mapping[str, Any], arrays: Mapping[str, np.ndarray], level: int = 6) -> bytes:
    """``magic``, then zlib of: the header's JSON length, the JSON, and each named array (of its
    ``ARRAYS`` type) in ``header["arrays"]`` order (the header is given the names and lengths here)."""
    names = sorted(arrays)
    head = dict(header, arrays=[[name, int(arrays[name].size)] for name in names])
    text = json.dumps(head, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
    zipper = zlib.compressobj(level)
    chunks = [magic, zipper.compress(_LENGTH.pack(len(text))), zipper.compress(text)]
    for name in names:
        chunks.append(zipper.compress(np.ascontiguousarray(arrays[name], dtype=ARRAYS[name]).tobytes()))
    chunks.append(zipper.flush())
    return b"".join(chunks)


def unpack(data: bytes, magic: bytes, *, max_bytes: int, what: str = "file") -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and arrays of a blob ``pack`` wrote; at most ``max_bytes`` once decompressed."""
    if not data.startswith(magic):
        raise PackError(f"not a {what} (it does not start with {magic!r})")
    unzipper = zlib.decompressobj()
    try:
        raw = unzipper.decompress(memoryview(data)[len(magic):], max_bytes + 1)
    except zlib.error as exc:
        raise PackError(f"damaged {what} ({exc})") from None
    if len(raw) > max_bytes or unzipper.unconsumed_tail:
        raise PackError(f"{what} over the size limit ({max_bytes:,} bytes once decompressed)")
    if not unzipper.eof or unzipper.unused_data:
        raise PackError(f"damaged {what} (truncated, or bytes after its end)")
    if len(raw) < _LENGTH.size:
        raise PackError(f"damaged {what} (no header)")
    (size,) = _LENGTH.unpack_from(raw)
    if size > len(raw) - _LENGTH.size:
        raise PackError(f"damaged {what} (its header is cut short)")
    try:
        header = json.loads(bytes(raw[_LENGTH.size:_LENGTH.size + size]).decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: [[[[...]]]] nested too deep
        raise PackError(f"damaged {what} (its header is not JSON: {exc!s:.100})") from None
    if not isinstance(header, dict):
        raise PackError(f"damaged {what} (its header is not an object)")
    listed = header.get("arrays")
    if not isinstance(listed, list):
        raise PackError(f"damaged {what} (no array table)")
    at = _LENGTH.size + size
    arrays: dict[str, np.ndarray] = {}
    for entry in listed:
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] in ARRAYS and _count(entry[1])
                and entry[0] not in arrays):
            raise PackError(f"damaged {what} (bad array table entry {entry!r:.80})")
        name, n = entry
        width = np.dtype(ARRAYS[name]).itemsize
        if at + width * n > len(raw):
            raise PackError(f"damaged {what} (array {name} is cut short)")
        arrays[name] = np.frombuffer(raw, dtype=ARRAYS[name], count=n, offset=at)
        at += width * n
    if at != len(raw):
        raise PackError(f"damaged {what} ({len(raw) - at} bytes after its arrays)")
    return header, arrays


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


# ---- records ----------------------------------------------------------------------------------------

def record_head(rec: FileRecord, *, with_text: bool = True) -> dict[str, Any]:
    """What a record holds apart from its arrays (the arrays' lengths say where its slice is)."""
    head: dict[str, Any] = {
        "path": rec.path, "language": rec.language, "pattern_types": list(rec.pattern_types),
        "n_lines": rec.n_lines, "fallback": rec.fallback, "spans": [list(s) for s in rec.spans],
        "sha": rec.sha, "phrases": rec.phrases, "tokens": len(rec.struct), "phrase_count": len(rec.phrase_at),
        "elements": rec.elements, "element_count": len(rec.element_at),
        "distinct_count": len(rec.distinct), "lit_distinct_count": len(rec.lit_distinct),
    }
    if with_text:
        head["text"] = rec.text
    return head


def record_arrays(records: Sequence[FileRecord]) -> dict[str, np.ndarray]:
    """The records' arrays, each kind concatenated in record order."""
    out = {}
    for name, dtype in ARRAYS.items():
        parts = [np.frombuffer(getattr(rec, name), dtype=dtype[1:]) for rec in records]
        out[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
    return out


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise PackError(f"{what} is not text")
    return value


def _int(value: Any, what: str, low: int = 0) -> int:
    if type(value) is not int or value < low:
        raise PackError(f"{what} is not a whole number of at least {low}")
    return value


def _spans(raw: Any, n: int, n_lines: int, i: int) -> list[Span]:
    if not (isinstance(raw, list) and raw):
        raise PackError(f"record {i} has no spans")
    out: list[Span] = []
    top = max(n_lines, 1)
    for row in raw:  # tens of thousands per corpus: checked inline
        if type(row) is not list or len(row) != 7:
            raise PackError(f"record {i} has a span that is not a list of 7 values")
        kind, name, start, end, first, last, code = row
        if not (type(kind) is str and type(name) is str and type(start) is int and type(end) is int
                and type(first) is int and type(last) is int and type(code) is int
                and 0 <= start <= end <= n and 0 <= first <= last <= top and 0 <= code <= end - start + 1):
            raise PackError(f"record {i} has a span {row!r:.80} outside its file")
        out.append((kind, name, start, end, first, last, code))
    return out


def _distinct(values: np.ndarray, most: int, i: int) -> array[int]:
    if values.size > most or (values.size > 1 and not bool(np.all(values[1:] > values[:-1]))):
        raise PackError(f"record {i}'s distinct shingles are not distinct, sorted shingles")
    return array("q", values.tobytes())


def read_records(heads: Any, arrays: Mapping[str, np.ndarray], *, text: Sequence[str] | None = None) -> list[FileRecord]:
    """Records from their heads and the concatenated arrays (``text``: each record's text, when the heads
    do not hold it). Checks every invariant matching relies on; shingles are made again here."""
    if not isinstance(heads, list):
        raise PackError("the records are not a list")
    if set(arrays) != set(ARRAYS):
        raise PackError("arrays are missing")
    offsets = dict.fromkeys(ARRAYS, 0)
    records = []
    for i, head in enumerate(heads):
        if not isinstance(head, dict):
            raise PackError(f"record {i} is not an object")
        n = _int(head.get("tokens"), "a record's token count")
        m = _int(head.get("phrase_count"), "a record's phrase count")
        e = _int(head.get("element_count"), "a record's element count")
        n_lines = _int(head.get("n_lines"), "a record's line count")
        sizes = {"struct": n, "lit": n, "lines": n, "phrase_at": m, "element_at": e,
                 "distinct": _int(head.get("distinct_count"), "a record's shingle count"),
                 "lit_distinct": _int(head.get("lit_distinct_count"), "a record's shingle count")}
        sliced = {}
        for name, size in sizes.items():
            start = offsets[name]
            if start + size > arrays[name].size:
                raise PackError(f"record {i}'s {name} runs past the stored arrays")
            sliced[name] = arrays[name][start:start + size]
            offsets[name] = start + size
        if n and int(sliced["lines"].max()) > max(n_lines, 1):
            raise PackError(f"record {i} has tokens past its last line")
        if m and int(sliced["phrase_at"].max()) >= n:
            raise PackError(f"record {i} has phrases past its tokens")
        phrases = _str(head.get("phrases"), "a record's phrases")
        if (phrases.count("\n") + 1 if phrases else 0) != m:
            raise PackError(f"record {i}'s phrases and their starts disagree")
        if e and int(sliced["element_at"].max()) >= n:
            raise PackError(f"record {i} has semantic elements past its tokens")
        elements = _str(head.get("elements"), "a record's semantic elements")
        if (elements.count("\n") + 1 if elements else 0) != e:
            raise PackError(f"record {i}'s semantic elements and their starts disagree")
        types = head.get("pattern_types")
        if not (isinstance(types, list) and all(isinstance(t, str) for t in types)):
            raise PackError(f"record {i}'s pattern types are not a list of text")
        sha = head.get("sha")
        language = _str(head.get("language"), "a record's language")
        fallback = head.get("fallback")
        if not isinstance(fallback, bool) or (sha is not None and not isinstance(sha, str)):
            raise PackError(f"record {i} has a malformed field")
        struct_ids = array("I", sliced["struct"].tobytes())
        lit_ids = array("I", sliced["lit"].tobytes())
        config = language in CONFIG_LANGUAGES
        windows = max(0, n - SHINGLE + 1)
        records.append(FileRecord(
            path=_str(head.get("path"), "a record's path"), language=language, pattern_types=tuple(types),
            n_lines=n_lines, fallback=fallback, struct=struct_ids, lit=lit_ids,
            lines=array("I", sliced["lines"].tobytes()), shingles=shingles(struct_ids),
            lit_shingles=shingles(lit_ids) if config else array("q"),
            spans=_spans(head.get("spans"), n, n_lines, i),
            text=text[i] if text is not None else _str(head.get("text"), "a record's text"), sha=sha,
            distinct=_distinct(sliced["distinct"], windows, i),
            lit_distinct=_distinct(sliced["lit_distinct"], windows if config else 0, i),
            phrases=phrases, phrase_at=array("I", sliced["phrase_at"].tobytes()),
            elements=elements, element_at=array("I", sliced["element_at"].tobytes()),
        ))
    if any(offsets[name] != arrays[name].size for name in ARRAYS):
        raise PackError("stored arrays hold more than the records")
    return records
