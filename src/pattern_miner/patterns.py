"""From clone groups and regions to Pattern records: similarity, confidence, a stable id, a title, features.

A region (``match.regions``: a large copy edited after the copy) is one pattern of kind "region" whose
occurrences are its files, each with its coverage; the groups inside it are its ``parts``, not patterns of
their own.
"""

from __future__ import annotations

import hashlib
import math
import posixpath
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

import numpy as np

from pattern_miner.match.cluster import Group
from pattern_miner.match.fragments import Fragment
from pattern_miner.match.regions import Region
from pattern_miner.model import Occurrence, Pattern, RepoInfo
from pattern_miner.phrases import features
from pattern_miner.records import SHINGLE, FileRecord

PRIORITY_WEIGHT = {"high": 1.5, "medium": 1.0, "low": 0.6}
MAX_TEXT_LINES = 400  # excerpt kept per occurrence: enough for any issue, bounded for huge files
ID_ANCHORS = 4  # smallest shared shingles that name a pattern (see ``stable_id``)

_KIND_LABEL = {
    "deployment": "Deployment script",
    "docker": "Docker configuration",
    "github_actions": "GitHub Actions workflow",
    "terraform": "Terraform configuration",
    "configuration": "Configuration loading",
    "api_client": "API client",
}
_LANGUAGE_LABEL = {
    "python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "tsx": "TSX", "go": "Go",
    "bash": "Shell", "dockerfile": "Dockerfile", "yaml": "YAML", "hcl": "Terraform", "json": "JSON",
    "text": "Text",
}


TINY_LINES = 7  # fewer code lines than this: never worth a shared library on its own


def confidence(similarity: float, code_lines: float, repos: int) -> str:
    """High: near-identical copies of real size; Medium: clear copies; Low: small or loose matches."""
    if code_lines < TINY_LINES:
        return "Low"
    level = 0 if similarity >= 0.9 else 1 if similarity >= 0.8 else 2
    if code_lines < 8:
        level += 1
    if repos >= 3 and similarity >= 0.85:
        level -= 1
    return ("High", "Medium", "Low")[max(0, min(2, level))]


def rank_score(similarity: float, repos: int, lines: float, priority: str) -> float:
    """More copies, more lines, more alike, higher priority: earlier in the report."""
    return similarity * (1 + math.log2(repos)) * math.log2(1 + lines) * PRIORITY_WEIGHT.get(priority, 1.0)


def stable_id(pattern_type: str, kind: str, shingle_sets: Sequence[np.ndarray]) -> str:
    """An id that survives re-runs, small edits to one copy, and copies coming and going.

    It is named by the ID_ANCHORS smallest shingle hashes shared by at least half of the copies: an
    edit to one copy cannot remove a shingle the others still share, and adding a copy only matters
    when it shares a smaller shingle with half of the others.
    """
    counts: Counter[int] = Counter()
    for values in shingle_sets:
        counts.update(values.tolist())
    need = max(2, math.ceil(len(shingle_sets) / 2))
    shared = sorted(h for h, c in counts.items() if c >= need) or sorted(counts)
    digest = hashlib.blake2b(f"{pattern_type}|{kind}|{shared[:ID_ANCHORS]}".encode(), digest_size=6)
    return f"{pattern_type.replace('_', '-')}-{digest.hexdigest()}"


def title(pattern_type: str, frag: Fragment, rec: FileRecord) -> str:
    base = posixpath.basename(rec.path)
    language = _LANGUAGE_LABEL.get(frag.language, frag.language)
    if frag.kind == "file":
        label = _KIND_LABEL.get(pattern_type, f"{language} file")
        return f"{label} `{base}`"
    name = frag.name or base
    if pattern_type in _KIND_LABEL and pattern_type not in ("configuration", "api_client"):
        return f"{_KIND_LABEL[pattern_type]} {frag.kind} `{name}` ({base})"
    return f"{language} {frag.kind} `{name}`"


def build_pattern(
    group: Group,
    fragments: Sequence[Fragment],
    files: Sequence[tuple[int, FileRecord]],
    repos: Sequence[RepoInfo],
    priority: str,
) -> Pattern:
    frags = [fragments[i] for i in group.members]
    sims = [p.similarity for p in group.pairs]
    similarity = sum(sims) / len(sims) if sims else 1.0
    # the medoid: the copy most like the others (by the confirmed pairs it is part of), a public one when
    # there is one: it names the pattern (title, features), and a name may be read where private ones may not
    centrality: dict[int, float] = defaultdict(float)
    for p in group.pairs:
        centrality[p.a] += p.similarity
        centrality[p.b] += p.similarity
    medoid = max(frags, key=lambda f: (not repos[f.repo].private, centrality[f.id], -f.id))
    medoid_rec = files[medoid.file][1]
    occurrences = []
    shingle_sets = []
    content = hashlib.blake2b(digest_size=8)
    for f in sorted(frags, key=lambda f: (repos[f.repo].name, files[f.file][1].path, f.start_line)):
        rec = files[f.file][1]
        info = repos[f.repo]
        text_lines = rec.text.split("\n")[f.start_line - 1:f.end_line][:MAX_TEXT_LINES]
        occurrences.append(Occurrence(
            repo=info.name, path=rec.path, start_line=f.start_line, end_line=f.end_line,
            unit=f.kind, name=f.name, language=f.language, commit=info.commit, private=info.private,
            url=info.file_url(rec.path, f.start_line if f.kind != "file" else None,
                              f.end_line if f.kind != "file" else None),
            text="\n".join(text_lines),
        ))
        stop = max(f.start, f.end - SHINGLE + 1)
        shingle_sets.append(np.unique(np.frombuffer(rec.shingles, dtype=np.int64)[f.start:stop]))
        content.update(f"{info.name}|{rec.path}|{f.start_line}|{f.end_line}|".encode())
        content.update(rec.lit[f.start:f.end].tobytes())
    n_repos = len({f.repo for f in frags})
    code_lines = sum(f.code_lines for f in frags) / len(frags)
    mean_lines = round(sum(f.end_line - f.start_line + 1 for f in frags) / len(frags))
    ptype = medoid.pattern_type
    return Pattern(
        id=stable_id(ptype, medoid.kind, shingle_sets),
        pattern_type=ptype,
        kind=medoid.kind,
        language=medoid.language,
        title=title(ptype, medoid, medoid_rec),
        similarity=similarity,
        confidence=confidence(similarity, code_lines, n_repos),
        score=rank_score(similarity, n_repos, code_lines, priority),
        lines=mean_lines,
        occurrences=tuple(occurrences),
        features=features(medoid_rec, medoid.start, medoid.end),
        content_hash=content.hexdigest(),
    )



REGION_HIGH_COVER = 0.7  # a region whose best-covered copy is covered this much is a clear copy: High


def build_region_pattern(
    region: Region,
    parts: Sequence[Pattern],
    files: Sequence[tuple[int, FileRecord]],
    repos: Sequence[RepoInfo],
    priority: Callable[[str], str],
    default_type: str = "code",
) -> Pattern:
    """One pattern for a region: its files are the occurrences, its groups the parts."""
    coverage = dict(zip(region.files, region.coverage, strict=True))
    covered = dict(zip(region.files, region.covered, strict=True))
    # it is named by the copy with the most common material (a public one when there is one)
    medoid = max(region.files, key=lambda f: (not repos[files[f][0]].private, covered[f], -f))
    medoid_rec = files[medoid][1]
    occurrences = []
    shingle_sets = []
    content = hashlib.blake2b(digest_size=8)
    spans = dict(zip(region.files, region.spans, strict=True))
    for f in sorted(region.files, key=lambda f: (repos[files[f][0]].name, files[f][1].path)):
        repo, rec = files[f]
        info = repos[repo]
        first, end = spans[f]
        whole = first == 1 and end == max(1, rec.spans[0][5] if rec.spans else rec.n_lines)
        occurrences.append(Occurrence(
            repo=info.name, path=rec.path, start_line=first, end_line=end, unit="file" if whole else "region",
            language=rec.language, commit=info.commit, private=info.private,
            url=info.file_url(rec.path) if whole else info.file_url(rec.path, first, end),
            text="\n".join(rec.text.split("\n")[first - 1:end][:MAX_TEXT_LINES]), coverage=coverage[f],
        ))
        shingle_sets.append(np.unique(np.frombuffer(rec.shingles, dtype=np.int64)))
        content.update(f"{info.name}|{rec.path}|".encode())
        content.update(rec.lit.tobytes())
    ptype = medoid_rec.pattern_types[0] if medoid_rec.pattern_types else default_type
    n_repos = len({files[f][0] for f in region.files})
    common_lines = sum(region.covered) / len(region.files)
    label = _KIND_LABEL.get(ptype, f"{_LANGUAGE_LABEL.get(medoid_rec.language, medoid_rec.language)} file")
    return Pattern(
        id=stable_id(ptype, "region", shingle_sets),
        pattern_type=ptype,
        kind="region",
        language=medoid_rec.language,
        title=f"{label} `{posixpath.basename(medoid_rec.path)}`, copied and edited",
        similarity=region.similarity,
        confidence="High" if max(region.coverage) >= REGION_HIGH_COVER else "Medium",
        score=rank_score(region.similarity, n_repos, common_lines, priority(ptype)),
        lines=round(sum(o.lines for o in occurrences) / len(occurrences)),
        occurrences=tuple(occurrences),
        features=features(medoid_rec, 0, len(medoid_rec.struct)),
        content_hash=content.hexdigest(),
        longest_run=region.longest_run,
        parts=tuple(sorted(parts, key=lambda p: (-p.score, p.id))),
    )


def build_patterns(
    groups: Sequence[Group],
    regions: Sequence[Region],
    fragments: Sequence[Fragment],
    files: Sequence[tuple[int, FileRecord]],
    repos: Sequence[RepoInfo],
    priority: Callable[[str], str],
) -> list[Pattern]:
    """Every pattern, ranked: the regions (with the groups inside them as parts) and the other groups."""
    built = [build_pattern(g, fragments, files, repos, priority(fragments[g.members[0]].pattern_type))
             for g in groups]
    inside = {k for region in regions for k in region.parts}
    patterns = [p for k, p in enumerate(built) if k not in inside]
    for region in regions:
        patterns.append(build_region_pattern(region, [built[k] for k in region.parts], files, repos, priority))
    patterns.sort(key=lambda p: (-p.score, p.id))
    return patterns
