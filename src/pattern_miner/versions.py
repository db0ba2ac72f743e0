"""What a fingerprint depends on, as one string: the engine version that shard files and the fingerprint
cache carry, so that fingerprints made by other code are never mixed with ours.

``engine_version()`` is the package version, the shard record version and a digest of everything that turns
a file's bytes into its record: the source of the modules that parse, normalize and fingerprint
(``FINGERPRINT_MODULES`` and the ``languages`` package) and the versions of the tree-sitter grammars.
A change to any of them is a new engine version: cached fingerprints are then made again, and shards
built before it cannot be merged with shards built after.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

from pattern_miner import __version__
from pattern_miner.records import SHARD_VERSION

_PACKAGE = Path(__file__).resolve().parent
# the modules whose code decides a file's record (the language rules are added whole, see _sources)
FINGERPRINT_MODULES = ("lexer.py", "packing.py", "parse.py", "phrases.py", "records.py", "shard.py", "versions.py")


def _sources() -> list[Path]:
    found = [_PACKAGE / name for name in FINGERPRINT_MODULES]
    found += sorted((_PACKAGE / "languages").glob("*.py"))
    return found


def _grammars() -> list[str]:
    out = []
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name == "tree-sitter" or name.startswith("tree-sitter-"):
            out.append(f"{name}=={dist.version}")
    return sorted(set(out))


@functools.cache
def engine_version() -> str:
    """The engine version (computed once: it reads the sources and the installed grammars' versions)."""
    digest = hashlib.sha256(f"{__version__}\0{SHARD_VERSION}\0".encode())
    for path in _sources():
        try:
            data = path.read_bytes()
        except OSError:  # installed without sources (a zipped package): the versions still count
            data = b"?"
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(data).digest())
    for grammar in _grammars():
        digest.update(grammar.encode() + b"\0")
    return f"{__version__}+{SHARD_VERSION}.{digest.hexdigest()[:16]}"

