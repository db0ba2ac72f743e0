"""Shard files: the shards one job of a matrix built, as the artifact the merge job reads.

``write_shard_file`` writes one part's shards (``packing``'s format: no pickle) with everything a merge
must check: the shard format version and the engine version (``versions``), the part K/N and the plan's
digest with the planned repositories in source order, the settings that decide which files were read,
and the repositories that could not be read. ``read_shard_files`` reads the parts back and checks they
belong together (one format, one engine, one plan and settings, every part exactly once, no repository
twice); any mismatch is one ``ShardFileError`` that says what differs and what to do.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pattern_miner.cachefs import atomic_write
from pattern_miner.errors import UsageError
from pattern_miner.model import RepoFailure, RepoInfo, Skip
from pattern_miner.packing import PackError, pack, read_records, record_arrays, record_head, unpack
from pattern_miner.partition import MAX_PARTS, Part
from pattern_miner.records import Shard
from pattern_miner.versions import engine_version

MAGIC = b"PMSHARD\n"
FORMAT_VERSION = 1
SUFFIX = ".pmshard"
MAX_FILE_BYTES = 2 * 1024**3  # a shard file as stored (an artifact; the stdlib's is ~25 MB)
MAX_DATA_BYTES = 8 * 1024**3  # ... and decompressed: a zlib bomb stops here


class ShardFileError(UsageError):
    """Shard files that cannot be merged: damaged, too large, or not of one run."""


@dataclass(frozen=True)
class ShardPlan:
    """What the shards of one matrix run agree on."""

    part: Part
    repos: tuple[str, ...]  # every planned repository, in source order (the merge's order)
    digest: str  # partition.plan_digest
    settings: tuple[tuple[str, str], ...] = ()  # what decides which files were read: config digest, type


@dataclass
class ShardSet:
    """Shards read back, in the planned order, with the repositories that failed in their jobs."""

    shards: list[Shard]
    failures: list[RepoFailure]
    plan: ShardPlan | None


def config_digest(config_path: str | None) -> str:
    """The config a run reads, as shard files record it: its bytes' digest, or "built-in"."""
    if not config_path:
        return "built-in"
    try:
        return hashlib.sha256(Path(config_path).read_bytes()).hexdigest()[:16]
    except OSError as exc:
        raise UsageError(f"cannot read {config_path}: {exc.strerror or exc}") from None


def check_config(found: ShardSet, config_path: str | None) -> None:
    """The merge must read the config the shard jobs read (its thresholds and pattern types decide the report)."""
    wanted = dict(found.plan.settings).get("config") if found.plan else None
    if wanted is not None and wanted != config_digest(config_path):
        raise ShardFileError(f"the shards were built with {'the built-in config' if wanted == 'built-in' else 'another config'} "
                             f"than this merge's ({config_path or 'built-in'}): merge with the config the shard jobs used")


def _repo_json(info: RepoInfo) -> dict[str, Any]:
    return {**info.to_dict(), "scan_patterns": list(info.scan_patterns)}


def _repo(raw: Any) -> RepoInfo:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise PackError("a repository has no name")
    text = {k: raw.get(k) for k in ("commit", "html_url", "default_branch")}
    if any(v is not None and not isinstance(v, str) for v in text.values()):
        raise PackError(f"repository {raw['name']!r:.80} has a malformed field")
    patterns = raw.get("scan_patterns", [])
    if not (isinstance(patterns, list) and all(isinstance(p, str) for p in patterns)):
        raise PackError(f"repository {raw['name']!r:.80} has malformed scan patterns")
    pushed = raw.get("pushed_at")
    try:
        pushed_at = datetime.fromisoformat(pushed) if pushed is not None else None
    except (TypeError, ValueError):
        raise PackError(f"repository {raw['name']!r:.80} has a malformed pushed_at") from None
    return RepoInfo(raw["name"], text["commit"], raw.get("private") is True, text["html_url"], text["default_branch"],
                    tuple(patterns), raw.get("stale") is True, pushed_at, raw.get("archived") is True)


def write_shard_file(path: Path, shards: Sequence[Shard], failures: Sequence[RepoFailure], plan: ShardPlan) -> int:
    """Write one part's shards; returns the bytes written."""
    records = [rec for shard in shards for rec in shard.files]
    header = {
        "format": "pattern-miner-shards", "version": FORMAT_VERSION, "engine": engine_version(),
        "part": [plan.part.k, plan.part.n], "plan": plan.digest, "repos": list(plan.repos),
        "settings": dict(plan.settings),
        "shards": [{"repo": _repo_json(s.repo), "files": len(s.files), "lines_scanned": s.lines_scanned,
                    "parse_fallbacks": s.parse_fallbacks, "skips": [[k.path, k.reason] for k in s.skips]}
                   for s in shards],
        "records": [record_head(rec) for rec in records],
        "failures": [{"repo": f.repo, "reason": f.reason, "stale": f.stale} for f in failures],
    }
    data = pack(MAGIC, header, record_arrays(records))
    atomic_write(Path(path), data)
    return len(data)


def _read_one(path: Path) -> tuple[dict[str, Any], list[Shard], list[RepoFailure]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ShardFileError(f"{path}: {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit of a shard file")
        header, arrays = unpack(path.read_bytes(), MAGIC, max_bytes=MAX_DATA_BYTES, what="pattern-miner shard file")
    except OSError as exc:
        raise ShardFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except PackError as exc:
        raise ShardFileError(f"{path}: {exc}") from None
    if header.get("format") != "pattern-miner-shards" or header.get("version") != FORMAT_VERSION:
        raise ShardFileError(f"{path}: shard format version {header.get('version')!r}, this pattern-miner reads "
                             f"version {FORMAT_VERSION}: build every shard with the pattern-miner that merges them")
    try:
        records = read_records(header.get("records"), arrays)
        shards, failures = [], []
        at = 0
        for raw in header.get("shards") or []:
            if not isinstance(raw, dict):
                raise PackError("a shard is not an object")
            n = raw.get("files")
            if type(n) is not int or not 0 <= n <= len(records) - at:
                raise PackError("a shard's file count does not fit the records")
            repo = _repo(raw.get("repo"))
            skips = raw.get("skips")
            if not (isinstance(skips, list) and all(isinstance(k, list) and len(k) == 2 and all(isinstance(x, str) for x in k)
                                                    for k in skips)):
                raise PackError(f"{repo.name}: malformed skips")
            lines, fallbacks = raw.get("lines_scanned"), raw.get("parse_fallbacks")
            if not (type(lines) is int and type(fallbacks) is int and lines >= 0 and fallbacks >= 0):
                raise PackError(f"{repo.name}: malformed counts")
            shards.append(Shard(repo, records[at:at + n], [Skip(repo.name, p, r) for p, r in skips], lines, fallbacks))
            at += n
        if at != len(records):
            raise PackError("records that belong to no shard")
        for raw in header.get("failures") or []:
            if not (isinstance(raw, dict) and isinstance(raw.get("repo"), str) and isinstance(raw.get("reason"), str)):
                raise PackError("a malformed failure")
            failures.append(RepoFailure(raw["repo"], raw["reason"], raw.get("stale") is True))
    except PackError as exc:
        raise ShardFileError(f"{path}: damaged shard file ({exc})") from None
    return header, shards, failures


def shard_paths(given: Sequence[str]) -> list[Path]:
    """Files, directories (every *.pmshard under them) and globs, each file once, sorted."""
    found: set[Path] = set()
    for item in given:
        matches = sorted(glob.glob(item)) if glob.has_magic(item) else [item]
        if not matches:
            raise ShardFileError(f"no shard file matches {item}")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                inside = sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
                if not inside:
                    raise ShardFileError(f"{path}: a directory without *{SUFFIX} files")
                found.update(inside)
            else:
                found.add(path)
    return sorted(found, key=lambda p: os.fspath(p))


def read_shard_files(given: Sequence[str]) -> ShardSet:
    """Every part of one run, checked to belong together, merged in the planned order."""
    paths = shard_paths(given)
    if not paths:
        raise ShardFileError("no shard files given")
    ours = engine_version()
    plan: ShardPlan | None = None
    seen: dict[int, Path] = {}
    owner: dict[str, Path] = {}
    shards: list[Shard] = []
    failures: list[RepoFailure] = []
    for path in paths:
        header, found, failed = _read_one(path)
        if header.get("engine") != ours:
            raise ShardFileError(f"{path} was built by pattern-miner engine {header.get('engine')!r:.80}, this one is "
                                 f"{ours!r}: build every shard and merge them with the same pattern-miner")
        part, repos, settings = header.get("part"), header.get("repos"), header.get("settings")
        if not (isinstance(part, list) and len(part) == 2 and all(type(x) is int for x in part)
                and 1 <= part[0] <= part[1] <= MAX_PARTS and isinstance(repos, list)
                and all(isinstance(r, str) for r in repos) and isinstance(settings, dict)
                and all(isinstance(v, str) for v in settings.values()) and isinstance(header.get("plan"), str)):
            raise ShardFileError(f"{path}: damaged shard file (malformed part, plan or settings)")
        this = ShardPlan(Part(*part), tuple(repos), header["plan"], tuple(sorted(settings.items())))
        if plan is None:
            plan = this
        elif (this.part.n, this.digest, this.settings) != (plan.part.n, plan.digest, plan.settings):
            what = ("a different number of parts" if this.part.n != plan.part.n
                    else "different settings (config or pattern type)" if this.settings != plan.settings
                    else "a different repository list (the repositories or their sizes changed between the jobs)")
            raise ShardFileError(f"{path} and {seen[plan.part.k] if plan.part.k in seen else paths[0]} were planned "
                                 f"with {what}: re-run every shard job of one run, then merge")
        if this.part.k in seen:
            raise ShardFileError(f"part {this.part} is given twice: {seen[this.part.k]} and {path}")
        seen[this.part.k] = path
        for shard in found:
            key = shard.repo.name.lower()
            if key in owner:
                raise ShardFileError(f"{shard.repo.name} is in two shard files: {owner[key]} and {path}")
            owner[key] = path
        shards += found
        failures += failed
    assert plan is not None
    missing = [str(k) for k in range(1, plan.part.n + 1) if k not in seen]
    if missing:
        raise ShardFileError(f"parts {', '.join(missing)} of {plan.part.n} are missing: merge every part of the run "
                             "(a part that failed must be re-run)")
    order = {name.lower(): i for i, name in enumerate(plan.repos)}
    shards.sort(key=lambda s: (order.get(s.repo.name.lower(), len(order)), s.repo.name))
    failures.sort(key=lambda f: (order.get(f.repo.lower(), len(order)), f.repo))
    return ShardSet(shards, failures, plan)
