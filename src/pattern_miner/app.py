"""The HTTP service: ``uvicorn pattern_miner.app:app --port 8081``. Same engine, config and state as the CLI.

POST /api/mine-patterns          start a run (?pattern_type=, ?repos=a/b,c/d, or the same fields as JSON);
                                 202 {status: "mining_started", run_id, ...}; ?wait=true runs it and answers
                                 {status, repositories_scanned, patterns_found, extraction_opportunities, ...}
GET  /api/runs, /api/runs/{id}   runs of this process, then the state store's history
GET  /api/patterns[/{type}]      the patterns the state store knows (404 for an unknown type)
GET  /api/opportunities          the opportunities the state store knows, ranked (what issues are opened for)
GET  /health                     liveness, never authenticated
One run at a time (409 while one runs). With API_TOKEN set, /api/* needs ``Authorization: Bearer <token>``.
A request body over 1 MiB is refused (413) without being read; ?limit= on /api/runs is 0..1000.
Settings come from the environment: GITHUB_TOKEN (none: scan the config's local ``path``s), GITHUB_API_URL,
ANTHROPIC_API_KEY, DEV_NEXUS_URL, DEV_NEXUS_TOKEN, CONFIG (config/repositories.json), CACHE_DIR, API_TOKEN,
DRY_RUN, ISSUE_REPO (where issues go), ISSUE_TARGET (central | per-repo). On Cloud Run leave API_TOKEN unset:
IAM already admits only authenticated callers (the scheduler's OIDC token).
Each completed run's report is also kept in the state file (``save_report``) so a restarted service can
still answer GET /api/patterns after dry runs, which write no history.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import os
import secrets
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pattern_miner import __version__
from pattern_miner.console import Console
from pattern_miner.errors import PatternMinerError
from pattern_miner.settings import DEFAULT_CACHE, DEFAULT_CONFIG, Settings, from_service
from pattern_miner.state import StateStore, default_state_path

if TYPE_CHECKING:
    from pattern_miner.pipeline import RunResult

KEEP_RUNS = 100  # run records kept in memory; older ones are still in the state store
# A request body is a MineRequest: a few hundred bytes, ~100 KB for a list of thousands of repositories.
MAX_BODY_BYTES = 1 << 20
MAX_RUNS_LIMIT = 1000  # GET /api/runs?limit=: at most this many runs in one answer


class MineRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern_type: str | None = None
    repos: list[str] | None = None
    dry_run: bool | None = None
    wait: bool | None = None
    min_similarity: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("repos", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list):
            value = [r.strip() for r in value if isinstance(r, str) and r.strip()] or None
        return value


@dataclasses.dataclass(frozen=True)
class ServiceSettings:
    """What the service itself needs (the job's settings are ``settings.from_service``'s)."""

    config_path: Path
    cache_dir: Path
    api_token: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServiceSettings:
        def get(name: str) -> str | None:
            return (env.get(name) or "").strip() or None

        return cls(config_path=Path(get("CONFIG") or DEFAULT_CONFIG), cache_dir=Path(get("CACHE_DIR") or DEFAULT_CACHE),
                   api_token=get("API_TOKEN"))


def run_job(settings: Settings, console: Console) -> RunResult:
    """The mining job, wired from its settings (tests hand the service a runner of their own)."""
    from pattern_miner.pipeline import run
    from pattern_miner.wiring import connect

    clients = connect(settings, console)
    try:
        return run(settings, clients, console)
    finally:
        clients.close()


@dataclasses.dataclass
class RunRecord:
    run_id: str
    request: MineRequest
    status: str = "running"  # running | completed | failed
    started_at: str = dataclasses.field(default_factory=lambda: datetime.now(UTC).isoformat())
    finished_at: str | None = None
    result: dict[str, Any] = dataclasses.field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "pattern_type": self.request.pattern_type,
            "repos": self.request.repos,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            **self.result,
            "error": self.error,
            "warnings": self.warnings,
        }


class Service:
    """Runs, one at a time, and what they left behind."""

    def __init__(
        self,
        runner: Callable[[Settings, Console], RunResult],
        settings_factory: Callable[[MineRequest, str], Settings],
        store: StateStore,
        config_path: Path,
    ) -> None:
        self.runner = runner
        self.settings_factory = settings_factory
        self.store = store
        self.config_path = config_path
        self.lock = threading.Lock()
        self.runs: dict[str, RunRecord] = {}
        self.current: str | None = None

    def start(self, request: MineRequest) -> tuple[RunRecord, Settings]:
        """Take the run lock and build the run's settings. A request the configuration cannot serve (a
        broken config file, no repository to scan) is answered 422 with the reason, before any run starts."""
        if not self.lock.acquire(blocking=False):
            raise HTTPException(409, {"error": "a mining run is already in progress", "run_id": self.current})
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        run_id = f"{stamp}-{secrets.token_hex(3)}"
        try:
            settings = self.settings_factory(request, run_id)
        except PatternMinerError as exc:
            self.lock.release()
            raise HTTPException(422, str(exc)) from None
        except BaseException:
            self.lock.release()
            raise
        record = RunRecord(run_id=run_id, request=request)
        self.current = record.run_id
        self.runs[record.run_id] = record
        for old in list(self.runs)[:-KEEP_RUNS]:
            del self.runs[old]
        return record, settings

    def execute(self, record: RunRecord, settings: Settings) -> None:
        """Run the job for ``record`` and release the run lock (taken by ``start``)."""
        console = Console(err=sys.stderr)
        try:
            result = self.runner(settings, console)
            report = result.report
            changes: dict[str, int] = {}
            for h in result.history.values():
                changes[h.status] = changes.get(h.status, 0) + 1
            recorded = self.store.get_run(record.run_id)
            record.result = {
                "repositories_scanned": len(report.repositories),
                "patterns_found": len(report.patterns),
                "extraction_opportunities": len(result.opportunities),
                "dry_run": settings.dry_run,
                "issues": dict(result.issues.counts),
                "changes": changes if result.history or not recorded else recorded["changes"],
            }
            if result.dev_nexus is not None:
                record.result["dev_nexus"] = result.dev_nexus.to_dict()
            console.warnings.extend(w for w in result.warnings if w not in console.warnings)
            if self.store.report(record.run_id) is None:
                saved = report.to_dict()
                saved.setdefault("opportunities", [o.to_dict() for o in result.opportunities])
                self.store.save_report(record.run_id, saved)
            record.status = "completed"
        except PatternMinerError as exc:
            record.status, record.error = "failed", str(exc)
        except Exception as exc:  # the service must outlive a crashed run; the traceback goes to the log
            traceback.print_exc(file=sys.stderr)
            record.status, record.error = "failed", f"internal error: {type(exc).__name__}: {exc}"
        finally:
            record.warnings = list(console.warnings)
            record.finished_at = datetime.now(UTC).isoformat()
            self.current = None
            self.lock.release()

    def known_types(self) -> set[str]:
        from pattern_miner.config import default_config, load_config

        config = load_config(self.config_path) if self.config_path.is_file() else default_config()
        return set(config.pattern_types) | self.store.pattern_types()


async def _body(request: Request) -> bytes:
    """The request body, refused with 413 past MAX_BODY_BYTES: by its Content-Length before reading
    anything, and while reading a body that has none (chunked) or lies about it."""
    # "Connection: close" makes the server hang up instead of reading the rest of the body to discard it
    too_large = HTTPException(413, f"the request body is larger than {MAX_BODY_BYTES} bytes",
                              headers={"Connection": "close"})
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def _mine_request(request: Request) -> MineRequest:
    raw = await _body(request)
    data: dict[str, Any] = {}
    if raw.strip():
        try:
            data = json.loads(raw)
        except RecursionError:
            raise HTTPException(422, "the request body is nested too deeply") from None
        except ValueError:
            raise HTTPException(422, "the request body must be a JSON object") from None
        if not isinstance(data, dict):
            raise HTTPException(422, "the request body must be a JSON object")
    for name in MineRequest.model_fields:
        if name in request.query_params:
            data[name] = request.query_params[name]
    try:
        return MineRequest.model_validate(data)
    except ValidationError as exc:
        raise HTTPException(422, exc.errors(include_url=False, include_context=False)) from None


def create_app(
    runner: Callable[[Settings, Console], RunResult] | None = None,
    settings_factory: Callable[[MineRequest, str], Settings] | None = None,
    state_path: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> FastAPI:
    environment = os.environ if env is None else env
    service_settings = ServiceSettings.from_env(environment)
    store = StateStore(state_path or default_state_path(service_settings.cache_dir))

    def job_settings(request: MineRequest, run_id: str) -> Settings:
        return from_service(environment, run_id=run_id, pattern_type=request.pattern_type, repos=request.repos,
                            dry_run=request.dry_run, min_similarity=request.min_similarity)

    service = Service(runner or run_job, settings_factory or job_settings, store, service_settings.config_path)
    api_token = service_settings.api_token

    def authorize(request: Request) -> None:
        if not api_token:
            return
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), api_token.encode()):
            raise HTTPException(
                401, "missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"}
            )

    app = FastAPI(title="Pattern Miner", version=__version__)
    app.state.service = service
    api = APIRouter(prefix="/api", dependencies=[Depends(authorize)])

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "healthy", "version": __version__, "mining": service.current}

    @api.post("/mine-patterns")
    async def mine_patterns(request: Request) -> JSONResponse:
        req = await _mine_request(request)
        if req.pattern_type is not None:
            try:
                known = await run_in_threadpool(service.known_types)
            except PatternMinerError as exc:
                raise HTTPException(500, str(exc)) from None
            if req.pattern_type not in known:
                raise HTTPException(
                    422, f"unknown pattern type {req.pattern_type!r} (known: {', '.join(sorted(known))})"
                )
        record, settings = await run_in_threadpool(service.start, req)
        if req.wait:
            await run_in_threadpool(service.execute, record, settings)
            return JSONResponse(record.to_dict(), status_code=200 if record.status == "completed" else 500)
        threading.Thread(
            target=service.execute, args=(record, settings), name=f"mine-{record.run_id}", daemon=True
        ).start()
        status_url = f"/api/runs/{record.run_id}"
        body = {
            "status": "mining_started",
            "run_id": record.run_id,
            "pattern_type": req.pattern_type,
            "repos": req.repos,
            "status_url": status_url,
        }
        return JSONResponse(body, status_code=202, headers={"Location": status_url})

    @api.get("/runs")
    def runs(limit: Annotated[int, Query(ge=0, le=MAX_RUNS_LIMIT)] = 20) -> dict[str, Any]:
        mine = [r.to_dict() for r in reversed(service.runs.values())]
        seen = {r["run_id"] for r in mine}
        older = [{**r, "status": "completed"} for r in store.runs(limit) if r["run_id"] not in seen]
        return {"runs": (mine + older)[: max(0, limit)]}

    @api.get("/runs/{run_id}")
    def run(run_id: str) -> dict[str, Any]:
        if run_id in service.runs:
            return service.runs[run_id].to_dict()
        recorded = store.get_run(run_id)
        if recorded is None:
            raise HTTPException(404, f"no run {run_id!r}")
        return {**recorded, "status": "completed"}

    def _patterns(pattern_type: str | None) -> dict[str, Any]:
        found = store.patterns(pattern_type)
        if not found and not store.runs(1):  # nothing recorded yet: the last saved report, if any
            latest = store.latest_report() or {}
            found = [p for p in latest.get("patterns", []) if pattern_type in (None, p.get("pattern_type"))]
        return {"pattern_type": pattern_type, "total": len(found), "patterns": found}

    @api.get("/patterns")
    def patterns() -> dict[str, Any]:
        return _patterns(None)

    @api.get("/opportunities")
    def opportunities() -> dict[str, Any]:
        found = store.opportunities()
        if not found and not store.runs(1):  # nothing recorded yet: the last saved report, if any
            found = list((store.latest_report() or {}).get("opportunities", []))
        return {"total": len(found), "opportunities": found}

    @api.get("/patterns/{pattern_type}")
    def patterns_of_type(pattern_type: str) -> dict[str, Any]:
        try:
            known = service.known_types()
        except PatternMinerError as exc:
            raise HTTPException(500, str(exc)) from None
        if pattern_type not in known:
            raise HTTPException(
                404, f"unknown pattern type {pattern_type!r} (known: {', '.join(sorted(known))})"
            )
        return _patterns(pattern_type)

    app.include_router(api)
    return app


app = create_app()
