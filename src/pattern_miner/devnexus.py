"""The dev-nexus knowledge base (an A2A service), through its real HTTP API.

GET /.well-known/agent.json lists the skills (id, requires_authentication, input_schema);
POST /a2a/execute {"skill_id", "input"} runs one and answers with the skill's JSON object. Failures come
as 400/401/500 {"error": ...}, or as 200 {"error": "Unknown skill: X"} / {"success": false, "error": ...}.

Before analysis, ``known_patterns`` asks get_cross_repo_patterns and query_patterns which patterns
dev-nexus already knows. A pattern is *known* when either
  1. some text dev-nexus returns carries its marker tag ``pattern-miner:<pattern id>`` (every lesson this
     client posts is tagged with it, so this is exact), or
  2. a cross-repo pattern shares at least two repositories with it AND at least
     min(2, its keyword count) keywords (lower-cased words of 3+ letters, minus filler) with the words of
     the pattern's title, features, type, kind, language and file names.
After analysis, ``post`` writes each new or changed opportunity (the pipeline hands each over as one Pattern:
``publish.units.as_pattern``, every copy of every component, under the opportunity's id and history) through
the write skill (default add_lesson_learned). A new pattern dev-nexus already knows is not posted again; unchanged ones never are.
dev-nexus being down, slow or wrong never raises: it becomes a warning (``warnings``, ``DevNexusResult``).
Auth: ``Authorization: Bearer <token>``; without a token on Cloud Run, a metadata-server ID token whose
audience is the dev-nexus URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from pattern_miner import gcp_auth
from pattern_miner.console import Console
from pattern_miner.model import OPPORTUNITY_KINDS, Pattern
from pattern_miner.neterrors import describe

MARKER_PREFIX = "pattern-miner:"
POST_STATUSES = ("new", "grown", "shrunk", "changed")
QUERY_BATCH = 50  # marker keywords per query_patterns call
MAX_RELATED_FILES = 20
MAX_TEXT = 2000  # characters of lesson / context
_MARKER_RE = re.compile(re.escape(MARKER_PREFIX) + r"([A-Za-z0-9_.\-]+)")
_WORD_RE = re.compile(r"[a-z0-9]+")
_FILLER = frozenset(
    ["the", "and", "for", "with", "from", "into", "this", "that", "using", "use", "uses", "used", "pattern", "patterns", "code", "file", "files", "repo", "repos", "repository", "repositories", "common", "shared", "similar", "across", "copy", "copies"]
)


class _Failure(Exception):
    """One dev-nexus call failed; the message is one line fit for a warning."""


@dataclass
class DevNexusResult:
    posted: int = 0
    skipped: int = 0  # not an opportunity, or nothing new to say
    failed: int = 0
    known: int = 0  # new patterns dev-nexus already knew, so not posted again
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def marker(pattern_id: str) -> str:
    return MARKER_PREFIX + pattern_id


def keywords(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text.lower()) if len(w) >= 3 and w not in _FILLER}


def pattern_keywords(p: Pattern) -> set[str]:
    parts = [p.title, p.pattern_type, p.kind, p.language, *p.features]
    parts += [o.path.rsplit("/", 1)[-1] for o in p.occurrences]
    return keywords(" ".join(parts))


def _one_line(value: Any, limit: int = 200) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _repo_names(entry: Mapping[str, Any]) -> set[str]:
    names = set()
    for r in entry.get("repositories") or ():
        name = r if isinstance(r, str) else _get(r, "name") or _get(r, "repository")
        if isinstance(name, str):
            names.add(name.lower())
    return names


def matches_cross_repo(p: Pattern, entry: Mapping[str, Any]) -> bool:
    """Rule 2 of the module docstring."""
    if len(_repo_names(entry) & {r.lower() for r in p.repos}) < 2:
        return False
    theirs = keywords(json.dumps(entry.get("pattern"), ensure_ascii=False))
    return bool(theirs) and len(theirs & pattern_keywords(p)) >= min(2, len(theirs))


class DevNexus:
    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        http: httpx.Client | None = None,
        console: Console | None = None,
        write_skill: str = "add_lesson_learned",
        timeout: float = 10.0,
        metadata_url: str = gcp_auth.METADATA_URL,
        on_cloud_run: bool | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.token = token or None
        self._own_http = http is None
        self.http = http if http is not None else httpx.Client(timeout=timeout)
        self.console = console
        self.write_skill = write_skill
        self.timeout = timeout
        self.on_cloud_run = gcp_auth.on_cloud_run() if on_cloud_run is None else on_cloud_run
        self.id_tokens = gcp_auth.IdTokenSource(self.http, metadata_url)
        self.warnings: list[str] = []
        self._skills: dict[str, dict[str, Any]] | None = None
        self._down: str | None = None  # why dev-nexus stopped being called this run
        self._known: set[str] = set()

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def __enter__(self) -> DevNexus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _warn(self, text: str) -> str:
        text = f"dev-nexus: {text}"
        if text not in self.warnings:
            self.warnings.append(text)
            if self.console is not None:
                self.console.warn(text)
        return text

    # -- transport --------------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.on_cloud_run:
            try:
                return {"Authorization": f"Bearer {self.id_tokens.token(self.url)}"}
            except gcp_auth.GcpAuthError as exc:
                self._warn(f"no ID token for {self.url}: {exc}")
        return {}

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self._down:
            raise _Failure(self._down)
        try:
            return self.http.request(method, self.url + path, timeout=self.timeout, **kwargs)
        except httpx.TimeoutException:
            self._down = f"{self.url} did not answer within {self.timeout:g}s"
        except httpx.HTTPError as exc:
            self._down = f"{self.url} is unreachable ({describe(exc)})"
        raise _Failure(self._down)

    def skills(self) -> dict[str, dict[str, Any]]:
        """The agent card's skills by id (fetched once)."""
        if self._skills is None:
            resp = self._request("GET", "/.well-known/agent.json", headers=self._headers())
            try:
                card = resp.json()
            except ValueError:
                card = None
            if (
                resp.status_code != 200
                or not isinstance(card, dict)
                or not isinstance(card.get("skills"), list)
            ):
                self._down = (
                    f"no valid agent card at {self.url}/.well-known/agent.json (HTTP {resp.status_code})"
                )
                raise _Failure(self._down)
            self._skills = {
                str(s["id"]): s
                for s in card["skills"]
                if isinstance(s, dict) and isinstance(s.get("id"), str)
            }
        return self._skills

    def execute(self, skill_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Run one skill; raises _Failure with a one-line reason for every failure shape."""
        skill = self.skills().get(skill_id)
        if skill is None:
            raise _Failure(f"the agent card lists no skill {skill_id!r}")
        headers = self._headers()
        if skill.get("requires_authentication") and "Authorization" not in headers:
            raise _Failure(f"skill {skill_id} requires authentication; set dev-nexus-token (DEV_NEXUS_TOKEN)")
        resp = self._request(
            "POST", "/a2a/execute", json={"skill_id": skill_id, "input": dict(payload)}, headers=headers
        )
        try:
            body = resp.json()
        except ValueError:
            body = None
        error = _one_line(body.get("error")) if isinstance(body, dict) and body.get("error") else ""
        if resp.status_code in (401, 403):
            raise _Failure(
                f"{skill_id} refused the credentials (HTTP {resp.status_code}: {error or 'no detail'})"
            )
        if resp.status_code >= 400:
            raise _Failure(f"{skill_id} failed (HTTP {resp.status_code}: {error or 'no detail'})")
        if not isinstance(body, dict):
            raise _Failure(f"{skill_id} answered with something that is not a JSON object")
        if error or body.get("success") is False:
            raise _Failure(f"{skill_id} failed: {error or 'success: false'}")
        return body

    # -- before analysis --------------------------------------------------------------------------
    def known_patterns(self, patterns: Sequence[Pattern]) -> set[str]:
        """Ids of the patterns dev-nexus already knows (rules in the module docstring); never raises."""
        try:
            return self._known_patterns(patterns)
        except _Failure as exc:
            self._warn(f"patterns not checked against dev-nexus: {exc}")
        except Exception as exc:  # a broken dev-nexus must never fail a run
            self._warn(
                f"patterns not checked against dev-nexus: unexpected {type(exc).__name__}: {_one_line(exc)}"
            )
        return set(self._known)

    def _known_patterns(self, patterns: Sequence[Pattern]) -> set[str]:
        if not patterns:
            return set()
        skills = self.skills()
        ids = {p.id for p in patterns}
        texts: list[str] = []
        entries: list[Mapping[str, Any]] = []
        if "get_cross_repo_patterns" in skills:
            for ptype in sorted({p.pattern_type for p in patterns}):
                body = self._try("get_cross_repo_patterns", {"min_repos": 2, "pattern_type": ptype})
                found = body.get("cross_repo_patterns") if body else None
                entries += [e for e in found or () if isinstance(e, Mapping)]
        if "query_patterns" in skills:
            ordered = sorted(ids)
            for i in range(0, len(ordered), QUERY_BATCH):
                batch = [marker(pid) for pid in ordered[i : i + QUERY_BATCH]]
                body = self._try("query_patterns", {"keywords": batch, "min_matches": 1})
                texts += [json.dumps(m, ensure_ascii=False) for m in (body or {}).get("matches") or ()]
        texts += [json.dumps(e, ensure_ascii=False) for e in entries]
        known = {m for t in texts for m in _MARKER_RE.findall(t)} & ids
        known |= {p.id for p in patterns if any(matches_cross_repo(p, e) for e in entries)}
        self._known |= known
        return known

    def _try(self, skill_id: str, payload: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            return self.execute(skill_id, payload)
        except _Failure as exc:
            if self._down:
                raise
            self._warn(str(exc))
            return None

    # -- after analysis ---------------------------------------------------------------------------
    def post(
        self, patterns: Sequence[Pattern], history: Mapping[str, Any], recommendations: Mapping[str, Any]
    ) -> DevNexusResult:
        """Post each new or changed opportunity once; never raises."""
        first_warning = len(self.warnings)
        result = DevNexusResult()
        todo: list[Pattern] = []
        for p in patterns:
            status = _get(history.get(p.id), "status")
            if not p.is_actionable or (status is not None and status not in POST_STATUSES):
                result.skipped += 1
            elif status in (None, "new") and p.id in self._known:
                result.known += 1
            else:
                todo.append(p)
        try:
            schema = self.skills().get(self.write_skill) if todo else None
            if todo and schema is None:
                raise _Failure(f"the agent card lists no skill {self.write_skill!r} to write with")
            for n, p in enumerate(todo):
                try:
                    self.execute(
                        self.write_skill, lesson(p, history.get(p.id), recommendations.get(p.id), schema)
                    )
                    result.posted += 1
                except _Failure as exc:
                    result.failed += 1
                    self._warn(str(exc))
                    if self._down or "requires authentication" in str(exc):
                        result.failed += len(todo) - n - 1
                        break
        except _Failure as exc:
            result.failed += len(todo) - result.posted - result.failed
            self._warn(f"nothing posted: {exc}")
        except Exception as exc:  # a broken dev-nexus must never fail a run
            result.failed += len(todo) - result.posted - result.failed
            self._warn(f"posting stopped: unexpected {type(exc).__name__}: {_one_line(exc)}")
        result.warnings = self.warnings[first_warning:]
        return result


def _choose(schema: Mapping[str, Any] | None, name: str, preferred: Iterable[str]) -> str:
    """The first preferred value the skill's input_schema allows (its enum), else the first allowed."""
    preferred = list(preferred)
    props = (schema or {}).get("input_schema", {}).get("properties", {}) if schema else {}
    enum = props.get(name, {}).get("enum") if isinstance(props.get(name), Mapping) else None
    if not enum:
        return preferred[0]
    return next((v for v in preferred if v in enum), str(enum[0]))


def lesson(p: Pattern, history: Any, rec: Any, schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """add_lesson_learned input for one pattern. Never includes code: names, paths and numbers only."""
    library = _get(rec, "library_name")
    summary = _get(rec, "summary")
    minutes = _get(_get(rec, "time_savings"), "minutes_per_use")
    status = _get(history, "status") or "new"
    text = f"{p.title}: copied across {len(p.repos)} repositories ({round(p.similarity * 100)}% similar, "
    text += f"{p.confidence} confidence)."
    if library:
        text += f" Proposed shared library `{_one_line(library, 80)}`."
    if summary:
        text += f" {_one_line(summary, 600)}"
    if isinstance(minutes, int | float) and minutes > 0:
        text += f" Estimated saving: {minutes:g} minutes per use."
    unit = "opportunity" if p.kind in OPPORTUNITY_KINDS else "pattern"  # an opportunity seen as one Pattern
    context = f"Found by pattern-miner ({unit} {p.id}, {p.pattern_type}/{p.kind}, status {status}"
    if _get(history, "first_seen"):
        context += f", first seen {_get(history, 'first_seen')}"
    added, removed = _get(history, "added") or (), _get(history, "removed") or ()
    if status != "new" and added:
        context += f", new copies: {', '.join(added[:5])}"
    if removed:
        context += f", removed copies: {', '.join(removed[:5])}"
    context += "). Repositories: " + ", ".join(p.repos) + "."
    tags = ["pattern-miner", marker(p.id), p.pattern_type, p.kind, p.language, f"confidence:{p.confidence}"]
    if library:
        tags.append(f"library:{_one_line(library, 80)}")
    counts: dict[str, int] = {}
    for o in p.occurrences:
        counts[o.repo] = counts.get(o.repo, 0) + 1
    payload = {
        "repository": max(sorted(counts), key=lambda r: counts[r]),
        "category": _choose(schema, "category", ["architecture", "code-reuse", "reuse", "other"]),
        "lesson": text[:MAX_TEXT],
        "context": context[:MAX_TEXT],
        "severity": _choose(schema, "severity", ["info", "low", "medium"]),
        "tags": [t for t in dict.fromkeys(tags) if t],
        "related_files": sorted({f"{o.repo}:{o.path}" for o in p.occurrences})[:MAX_RELATED_FILES],
    }
    props = (schema or {}).get("input_schema", {}).get("properties") if schema else None
    if isinstance(props, Mapping) and props:
        payload = {k: v for k, v in payload.items() if k in props}
    return payload
