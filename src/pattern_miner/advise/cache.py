"""Claude's outcomes, cached on disk so unchanged content never costs a second call.

The key is pattern id + content hash + model + prompt version: editing any copy (new content hash),
switching model, or changing the prompt all miss. Both outcomes are cached: a valid recommendation,
and a ``Failure`` (Claude answered, but nothing valid came of it), so the same content goes straight
to the offline advisor next time. API failures are never passed here: the next run asks again.

One JSON file per key under ``<cache_dir>/advice/`` (the directory the Action persists between runs):
``{"key": ..., "recommendation": {...}}`` or ``{"key": ..., "failure": {"reason": ...}}``. Damage is
ignored and overwritten: an entry that does not parse or validate is a miss; a directory where an
entry belongs, or a file where ``advice/`` belongs, is removed on the next write.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from pydantic import ValidationError

from pattern_miner.advise.models import Failure, Recommendation
from pattern_miner.model import Pattern


def cache_key(pattern: Pattern, model: str, prompt_version: str) -> str:
    raw = json.dumps([pattern.id, pattern.content_hash, model, prompt_version])
    return hashlib.sha256(raw.encode()).hexdigest()


class AdviceCache:
    def __init__(self, cache_dir: Path | None) -> None:
        self.dir = cache_dir / "advice" if cache_dir is not None else None

    def _path(self, key: str) -> Path | None:
        return self.dir / f"{key}.json" if self.dir is not None else None

    def get(self, key: str, occurrences: int) -> Recommendation | Failure | None:
        """The cached outcome for ``key``, or None: no entry, or one that is damaged or stale."""
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["key"] != key:
                return None
            if "failure" in data:
                return Failure.model_validate(data["failure"])
            return Recommendation.model_validate(data["recommendation"], context={"occurrences": occurrences})
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            return None

    def put(self, key: str, outcome: Recommendation | Failure) -> None:
        """Write the entry atomically; OSError when the cache directory cannot be written."""
        path = self._path(key)
        if path is None:
            return
        self._make_room(path)
        kind = "failure" if isinstance(outcome, Failure) else "recommendation"
        payload = json.dumps({"key": key, kind: outcome.model_dump(mode="json")}, indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".advice-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise

    @staticmethod
    def _make_room(path: Path) -> None:
        """``advice/`` and its entries are the cache's own: whatever stands in their way goes."""
        advice = path.parent
        if advice.is_file():
            advice.unlink()
        advice.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
