"""Every scanned file as the opportunities step sees it (``model.FileEntry``), from the fingerprint shards.

A near-fork is told by its files: the same paths holding the same or lightly edited content. A file's exact
text is compared by a digest, an edited one by a bottom-k MinHash sketch of its normalized shingles (already
sorted in ``FileRecord.distinct``): small enough to keep for every file of a large organisation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from pattern_miner.model import FileEntry
from pattern_miner.records import Shard

SKETCH = 32  # shingle hashes kept per file: resemblance estimated within about ±0.1 (1/sqrt(32) ≈ 0.18 worst)


def entries(shards: Sequence[Shard]) -> tuple[FileEntry, ...]:
    """A FileEntry for every file of every shard."""
    out = []
    for shard in shards:
        for rec in shard.files:
            digest = hashlib.blake2b(rec.text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
            sketch = np.frombuffer(rec.distinct, dtype=np.int64)[:SKETCH].tobytes()
            out.append(FileEntry(shard.repo.name, rec.path, rec.n_lines, digest, sketch, rec.language))
    return tuple(out)


def sketch_of(hashes: Sequence[int]) -> bytes:
    """A sketch from shingle hashes (any order): the SKETCH smallest distinct ones."""
    return np.unique(np.asarray(hashes, dtype=np.int64))[:SKETCH].tobytes()


def resemblance(a: bytes, b: bytes, k: int = SKETCH) -> float:
    """Estimated Jaccard resemblance of two files' shingle sets from their bottom-k sketches: the share of
    the k smallest hashes of the union that both sketches hold."""
    if not a or not b:
        return 1.0 if not a and not b else 0.0
    x, y = np.frombuffer(a, dtype=np.int64), np.frombuffer(b, dtype=np.int64)
    union = np.union1d(x, y)[:k]
    return float(np.isin(union, np.intersect1d(x, y)).sum()) / len(union)
