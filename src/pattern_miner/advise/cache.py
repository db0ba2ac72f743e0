"""Claude's recommendations, cached on disk so an unchanged pattern never costs a second call.

The key is pattern id + content hash + model + prompt version: editing any copy (new content hash),
switching model, or changing the prompt all miss. One JSON file per key under ``<cache_dir>/advice/``
(the directory the Action persists between runs). A damaged entry is ignored and overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from pattern_miner.advise.models import Recommendation
from pattern_miner.model import Pattern


def cache_key(pattern: Pattern, model: str, prompt_version: str) -> str:
    raw = json.dumps([pattern.id, pattern.content_hash, model, prompt_version])
    return hashlib.sha256(raw.encode()).hexdigest()


class AdviceCache:
    def __init__(self, cache_dir: Path | None) -> None:
        self.dir = cache_dir / "advice" if cache_dir is not None else None

    def _path(self, key: str) -> Path | None:
        return self.dir / f"{key}.json" if self.dir is not None else None

    def get(self, key: str, occurrences: int) -> Recommendation | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Recommendation.model_validate(data["recommendation"], context={"occurrences": occurrences})
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            return None

    def put(self, key: str, rec: Recommendation) -> None:
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"key": key, "recommendation": rec.to_dict()}, indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".advice-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
