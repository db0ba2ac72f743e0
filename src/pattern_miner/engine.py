"""A scan: sources → per-repository shards (in worker processes) → matching → a ranked ScanReport.

``scan`` is what the CLI, the Action and the service call. ``match_shards`` is the merge half on its
own, for shards built elsewhere (one CI job per group of repositories).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from pattern_miner.config import Config
from pattern_miner.console import Console
from pattern_miner.errors import SourceError
from pattern_miner.fpcache import FingerprintCache
from pattern_miner.match.accounting import suppressed
from pattern_miner.match.cluster import grouping
from pattern_miner.match.confirm import THRESHOLDS, Thresholds
from pattern_miner.match.fragments import select_fragments
from pattern_miner.match.pairs import PairFinder
from pattern_miner.match.regions import find_regions
from pattern_miner.matchcache import MatchCache, match_key
from pattern_miner.model import (
    Pattern,
    RepoFailure,
    RepoInfo,
    ScanReport,
    ScanStats,
    Skip,
    Source,
    SourceFile,
)
from pattern_miner.opportunities import find_opportunities
from pattern_miner.opportunities.inventory import entries
from pattern_miner.patterns import build_patterns
from pattern_miner.records import FileRecord, Shard
from pattern_miner.semantic.find import find as find_semantic
from pattern_miner.shard import build_shard
from pattern_miner.shardfile import check_config, read_shard_files
from pattern_miner.workers import die_with_parent

if TYPE_CHECKING:
    from pattern_miner.semantic.judge import Judge

SUPPRESSED = "suppressed_"  # match statistics of identical copies left out, by rule (ScanStats.suppressed)
BATCH_BYTES = 1_000_000  # bytes of files sent to a worker at a time: enough to amortize the hand-off
IN_FLIGHT = 4  # batches queued per worker: enough to keep it busy, few enough to bound memory


# Parsing allocates millions of tokens and nodes that live until the batch is done and form no
# reference cycles: collecting the young generation every 700 allocations would only waste time.
GC_THRESHOLD = (100_000, 50, 100)


def _parse_batch(groups: list[tuple[RepoInfo, list[SourceFile]]], cache: FingerprintCache | None = None) -> list[Shard]:
    """A batch is some files of one or more repositories (an organization's many small repositories
    share a batch): one partial shard per repository."""
    return [build_shard(repo, files, cache=cache) for repo, files in groups]


def _worker_init(parent: int) -> None:
    gc.set_threshold(*GC_THRESHOLD)
    die_with_parent(parent)  # a killed scan leaves no workers behind


@contextmanager
def _fewer_collections() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _selected(files: Iterator[SourceFile], pattern_type: str | None) -> Iterator[SourceFile]:
    for f in files:
        if pattern_type is None:
            yield f
        elif pattern_type in f.pattern_types:
            yield replace(f, pattern_types=(pattern_type,))


def _ready(item: tuple[list[Shard], Future[list[Shard]]]) -> tuple[list[Shard], list[Shard]]:
    shards, future = item
    return shards, future.result()


def _merge(shard: Shard, part: Shard) -> None:
    shard.files.extend(part.files)
    shard.skips.extend(part.skips)
    shard.lines_scanned += part.lines_scanned
    shard.parse_fallbacks += part.parse_fallbacks


def build_shards(
    source: Source, *, console: Console, jobs: int | None = None, pattern_type: str | None = None,
    cache: FingerprintCache | None = None,
) -> list[Shard]:
    """Read every repository of the source and fingerprint it, using ``jobs`` processes (``cache``: the
    fingerprints of file contents seen before, which are not parsed again).

    Files go to the workers in batches of about BATCH_BYTES as soon as they are read, whatever
    repositories they come from (at most IN_FLIGHT batches per worker at a time, so memory stays
    bounded): no worker waits for a repository to finish, and many small repositories share a batch."""
    jobs = jobs or os.cpu_count() or 1
    shards: list[Shard] = []
    # forked, like the matching pool: a worker's parent is this process, which it dies with
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    pool: Executor | None = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)
    ) if jobs > 1 else None
    pending: deque[tuple[list[Shard], Future[list[Shard]]]] = deque()
    batch: list[tuple[Shard, list[SourceFile]]] = []  # the batch being filled: files per repository
    size = 0

    def collect(done: list[Shard], parts: list[Shard]) -> None:
        for shard, part in zip(done, parts, strict=True):
            _merge(shard, part)

    def send() -> None:
        nonlocal batch, size
        groups = [(shard, files) for shard, files in batch if files]
        batch, size = [], 0
        if not groups:
            return
        work = [(shard.repo, files) for shard, files in groups]
        if pool is None:
            collect([shard for shard, _ in groups], _parse_batch(work, cache))
            return
        pending.append(([shard for shard, _ in groups], pool.submit(_parse_batch, work, cache)))
        while len(pending) > IN_FLIGHT * jobs:
            collect(*_ready(pending.popleft()))

    try:
        with console.progress("scanning") as bar, _fewer_collections():
            for snapshot in source.snapshots():
                shard = Shard(repo=snapshot.info)
                shards.append(shard)
                files: list[SourceFile] = []
                batch.append((shard, files))
                for f in _selected(iter(snapshot.files), pattern_type):
                    files.append(f)
                    size += len(f.data)
                    bar.advance(1, snapshot.info.name)
                    if size >= BATCH_BYTES:
                        send()
                        files = []
                        batch.append((shard, files))
                shard.skips.extend(snapshot.skips)  # the source's skips are complete once its files are read
            send()
            while pending:
                collect(*_ready(pending.popleft()))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    for shard in shards:
        shard.files.sort(key=lambda r: r.path)
        shard.skips.sort(key=lambda k: (k.path, k.reason))
    return shards


def match_shards(
    shards: Sequence[Shard],
    config: Config,
    *,
    min_similarity: float | None = None,
    jobs: int | None = None,
    thresholds: Thresholds = THRESHOLDS,
) -> tuple[list[Pattern], dict[str, int]]:
    """The merge half: every shard's fragments compared across repositories → ranked patterns
    (``thresholds``: the confirmation policy's, other than the default for experiments)."""
    files: list[tuple[int, FileRecord]] = [(r, rec) for r, shard in enumerate(shards) for rec in shard.files]

    def threshold(pattern_type: str) -> float:
        if min_similarity is not None:
            return min_similarity
        return config.pattern_types[pattern_type].similarity_threshold if pattern_type in config.pattern_types \
            else config.pattern_types["code"].similarity_threshold if "code" in config.pattern_types else 0.8

    with _fewer_collections():  # tens of thousands of fragments and candidates, no reference cycles
        fragments = select_fragments(files, min_tokens=config.min_fragment_tokens,
                                     min_lines=config.min_fragment_lines, threshold=threshold)
        finder = PairFinder(files, fragments, thresholds)
        pairs = finder.find(jobs or os.cpu_count() or 1)
    found = grouping(pairs, fragments, min_repos=config.min_repos, total_repos=len(shards),
                     min_duplicated_lines=config.min_duplicated_lines)
    regions = find_regions(files, fragments, pairs, found.groups, finder.common, finder.measures.rarity,
                           rare_least=thresholds.rare_weak, min_repos=config.min_repos, total_repos=len(shards),
                           min_similarity=min_similarity)

    def priority(ptype: str) -> str:
        return config.pattern_types[ptype].extraction_priority if ptype in config.pattern_types else "low"

    patterns = build_patterns(found.groups, regions, fragments, files, [s.repo for s in shards], priority)
    patterns = sorted(unique_ids(patterns), key=lambda p: (-p.score, p.id))
    stats = dict(finder.stats)
    stats.update(fragments=len(fragments), pairs=len(pairs), regions=len(regions),
                 boilerplate_groups=sum(rule != "min_repos" for _, rule in found.dropped))
    stats.update({SUPPRESSED + rule: n for rule, n in suppressed(files, fragments, pairs, found, regions).items()})
    return patterns, stats


def unique_ids(patterns: list[Pattern]) -> list[Pattern]:
    """Patterns whose ids collide made distinct. ``patterns.stable_id`` names a pattern by its shared
    structure, so groups of copies that differ only in values (one Dockerfile copied with three ports:
    three clone groups) get one id; each of them then gets a suffix from the lines at least half of its
    own copies share (its values), which is as stable across runs as the id itself."""
    seen = Counter(p.id for p in patterns)
    out = []
    for p in patterns:
        if seen[p.id] > 1:
            counts = Counter(line for o in p.occurrences for line in set(o.text.split("\n")))
            need = max(2, (len(p.occurrences) + 1) // 2)
            shared = sorted(line for line, n in counts.items() if n >= need) or sorted(counts)
            suffix = hashlib.blake2b("\n".join(shared).encode("utf-8", "surrogatepass"), digest_size=3).hexdigest()
            p = replace(p, id=f"{p.id}-{suffix}")
        out.append(p)
    taken: Counter[str] = Counter()
    for i, p in enumerate(out):  # the same shared lines too (rare): numbered in the order given
        taken[p.id] += 1
        if taken[p.id] > 1:
            out[i] = replace(p, id=f"{p.id}-{taken[p.id]}")
    return out


def nothing_scanned(failures: Sequence[RepoFailure], shown: int = 3) -> str:
    """One line for a scan that read no repository at all."""
    if not failures:
        return "no repository to scan: the configuration and filters select none"
    reasons = "; ".join(f"{f.repo}: {f.reason}" for f in failures[:shown])
    more = f" (and {len(failures) - shown} more)" if len(failures) > shown else ""
    return f"no repository could be scanned, all {len(failures)} failed: {reasons}{more}"


def scan(
    source: Source,
    config: Config,
    *,
    console: Console | None = None,
    jobs: int | None = None,
    pattern_type: str | None = None,
    min_similarity: float | None = None,
    cache: FingerprintCache | None = None,
    judge: Judge | None = None,
) -> ScanReport:
    """Scan every repository of ``source`` and report the patterns copied across them, and the jobs written
    independently in several of them (``judge``: Claude confirms those; without it, offline groups only)."""
    console = console or Console(quiet=True)
    started = time.monotonic()
    if pattern_type is not None and pattern_type not in config.pattern_types:
        config.threshold(pattern_type)  # raises ConfigError naming the known types
    shards = build_shards(source, console=console, jobs=jobs, pattern_type=pattern_type, cache=cache)
    return merge_report(shards, config, failures=source.failures, min_similarity=min_similarity, jobs=jobs,
                        started=started, cache=cache, judge=judge)


def merge_shard_files(given: Sequence[str], config: Config, *, config_path: str | None = None,
                      min_similarity: float | None = None, jobs: int | None = None,
                      judge: Judge | None = None) -> ScanReport:
    """The report of a sharded run: its shard files (``shardfile``: every part, checked to belong
    together and to ``config_path``'s config) merged, matched and ranked as one scan of them all would be."""
    started = time.monotonic()
    found = read_shard_files(given)
    check_config(found, config_path)
    return merge_report(found.shards, config, failures=found.failures, min_similarity=min_similarity, jobs=jobs,
                        started=started, judge=judge)


def merge_report(
    shards: Sequence[Shard],
    config: Config,
    *,
    failures: Sequence[RepoFailure] = (),
    min_similarity: float | None = None,
    jobs: int | None = None,
    started: float | None = None,
    cache: FingerprintCache | None = None,
    judge: Judge | None = None,
) -> ScanReport:
    """The report of a scan from its shards (built here, or by the jobs of a matrix and merged); with a
    ``cache``, the matching of inputs seen before is not done again (``matchcache``)."""
    started = time.monotonic() if started is None else started
    if not shards:
        raise SourceError(nothing_scanned(failures))
    key = match_key(shards, config, min_similarity) if cache is not None else None
    matches = MatchCache(cache.dir) if cache is not None else None
    found = matches.get(key) if matches is not None and key else None
    if found is None:
        found = match_shards(shards, config, min_similarity=min_similarity, jobs=jobs)
        if matches is not None and key:
            matches.put(key, *found)
    patterns, match_stats = found
    semantic = find_semantic(shards, patterns, judge=judge)
    skips: list[Skip] = [s for shard in shards for s in shard.skips]
    repositories = tuple(s.repo for s in shards)
    inventory = entries(shards)
    opportunities = find_opportunities(patterns, repositories, inventory, semantic=semantic)
    stats = ScanStats(
        repositories=len(shards),
        files_scanned=sum(len(s.files) for s in shards),
        lines_scanned=sum(s.lines_scanned for s in shards),
        files_skipped=dict(Counter(s.reason for s in skips)),
        parse_fallbacks=sum(s.parse_fallbacks for s in shards),
        fragments=match_stats.get("fragments", 0),
        suppressed={k.removeprefix(SUPPRESSED): v for k, v in match_stats.items() if k.startswith(SUPPRESSED)},
        seconds=time.monotonic() - started,
    )
    return ScanReport(
        patterns=tuple(patterns),
        repositories=repositories,
        failures=tuple(failures),
        skips=tuple(skips),
        stats=stats,
        opportunities=opportunities,
        inventory=inventory,
    )
