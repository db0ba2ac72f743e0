"""A loopback fake of the Anthropic Messages API (POST /v1/messages), for the real ``anthropic`` SDK.

It speaks the wire format: the key (``x-api-key``, or ``Authorization: Bearer`` as SDK 2.12 sends it) and
``anthropic-version`` are checked (401
``authentication_error`` / 400 ``invalid_request_error`` otherwise), every response carries a
``request-id`` header, errors are ``{"type": "error", "error": {"type": ..., "message": ...},
"request_id": ...}``, and a message is ``{"id", "type": "message", "role": "assistant", "model",
"content": [...], "stop_reason", "stop_sequence", "usage": {...}}``.

A structured-output schema (``output_config.format.schema``) is checked against the JSON Schema subset
the API documents for structured outputs: any other keyword (``minimum``, ``maxLength``, ...), or
``minItems`` other than 0 or 1, is a 400 ``invalid_request_error`` worded like the API's answer seen
for the beta parameter ("output_format.schema: For 'integer' type, property 'minimum' is not
supported"), under today's parameter name ``output_config.format.schema``.

Tests script replies in order (``enqueue``) or answer every request with a function (``responder``);
``verdict_reply`` is the semantic judge's answer, scripted through its ``same_job`` field;
an unscripted request gets a 500 ``api_error`` so a test notices. Usage is filled in when a reply
leaves it out: input tokens ~ 4 characters each, and a system block with ``cache_control`` is written
to the prompt cache on first sight and read from it afterwards.

    with FakeAnthropic() as api:
        api.enqueue(message([json_block({...})]), error_reply(529, "overloaded_error", "Overloaded"))
        client = anthropic.Anthropic(api_key=api.api_key, base_url=api.base_url)
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error",
    413: "request_too_large", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error",
}

# The JSON Schema keywords structured outputs accept (the API's documented limitations).
SCHEMA_KEYWORDS = {
    "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "allOf",
    "$ref", "$defs", "definitions", "description", "title", "default", "format", "minItems", "pattern",
}


def unsupported_schema_keyword(schema: Any) -> str | None:
    """Why structured outputs would reject ``schema`` (the API's wording), or None."""
    if not isinstance(schema, dict):
        return None
    for key, value in schema.items():
        if (key not in SCHEMA_KEYWORDS or (key == "minItems" and value not in (0, 1))
                or (key == "additionalProperties" and value is not False)):
            return f"For '{schema.get('type', 'any')}' type, property '{key}' is not supported"
        if key in ("properties", "$defs", "definitions"):
            nested = list(value.values())
        elif key in ("anyOf", "allOf"):
            nested = list(value)
        elif key == "items":
            nested = [value]
        else:
            continue
        for sub in nested:
            if found := unsupported_schema_keyword(sub):
                return found
    return None


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # a dict is sent as JSON; str/bytes are sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to exercise client timeouts)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lowercase names
    raw: bytes
    body: Any  # parsed JSON, or None

    @property
    def user_text(self) -> str:
        """The text of the last user message."""
        content = self.body["messages"][-1]["content"]
        if isinstance(content, str):
            return content
        return "".join(block.get("text", "") for block in content)

    @property
    def system_text(self) -> str:
        system = self.body.get("system", "")
        return system if isinstance(system, str) else "".join(block.get("text", "") for block in system)


Responder = Callable[[Request], Reply]


def message(content: list[dict[str, Any]], *, stop_reason: str = "end_turn", model: str | None = None,
            usage: dict[str, int] | None = None) -> Reply:
    """A 200 Messages API response (model and usage filled in from the request when left out)."""
    return Reply(200, {
        "id": None, "type": "message", "role": "assistant", "model": model, "content": content,
        "stop_reason": stop_reason, "stop_sequence": None, "usage": usage,
    })


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def json_block(data: Any) -> dict[str, Any]:
    return text_block(json.dumps(data))


def tool_block(data: Any, name: str = "record_recommendation") -> dict[str, Any]:
    return {"type": "tool_use", "id": "toolu_fake_1", "name": name, "input": data}


def thinking_block(text: str = "") -> dict[str, Any]:
    return {"type": "thinking", "thinking": text, "signature": "sig_fake"}


def verdict_reply(same_job: bool, job: str = "", members: list[int] | tuple[int, ...] = (),
                  reason: str = "") -> Reply:
    """A semantic-pattern verdict (``pattern_miner.semantic.verdict``), as structured output answers it:
    scripts the judge through ``same_job`` (``members``: 1-based unit numbers, none meaning all)."""
    return message([json_block({"same_job": same_job, "job": job if same_job else "",
                                "members": list(members) if same_job else [], "reason": reason})])


def error_reply(status: int, error_type: str | None = None, message_text: str = "error",
                headers: dict[str, str] | None = None, delay: float = 0.0) -> Reply:
    body = {"type": "error", "error": {"type": error_type or ERROR_TYPES.get(status, "api_error"),
                                       "message": message_text}, "request_id": None}
    return Reply(status, body, dict(headers or {}), delay)


class FakeAnthropic:
    def __init__(self, api_key: str = "sk-ant-test-key") -> None:
        self.api_key = api_key
        self.requests: list[Request] = []
        self.responder: Responder | None = None
        self.responder_errors: list[str] = []  # exceptions raised by responders (answered with a 500)
        self._queue: deque[Reply | Responder] = deque()
        self._cached_system: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # -- lifecycle ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeAnthropic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- scripting ------------------------------------------------------------------------------
    def enqueue(self, *replies: Reply | Responder) -> None:
        self._queue.extend(replies)

    @property
    def messages_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path == "/v1/messages"]

    # -- the API --------------------------------------------------------------------------------
    def _answer(self, request: Request) -> Reply:
        key = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix("Bearer ")
        if key != self.api_key:
            return error_reply(401, "authentication_error", "invalid x-api-key")
        if "anthropic-version" not in request.headers:
            return error_reply(400, "invalid_request_error", "anthropic-version: header is required")
        if request.path != "/v1/messages" or request.method != "POST":
            return error_reply(404, "not_found_error", f"Not found: {request.method} {request.path}")
        body = request.body
        if not isinstance(body, dict):
            return error_reply(400, "invalid_request_error", "request body is not valid JSON")
        for name in ("model", "max_tokens", "messages"):
            if name not in body:
                return error_reply(400, "invalid_request_error", f"{name}: Field required")
        output_format = (body.get("output_config") or {}).get("format") or {}
        if problem := unsupported_schema_keyword(output_format.get("schema")):
            return error_reply(400, "invalid_request_error", f"output_config.format.schema: {problem}")
        with self._lock:
            scripted = self._queue.popleft() if self._queue else self.responder
        if scripted is None:
            return error_reply(500, "api_error", "the fake has no scripted reply for this request")
        try:
            reply = scripted if isinstance(scripted, Reply) else scripted(request)
        except Exception as err:  # a failed assertion in a test's responder: make it visible
            self.responder_errors.append(f"{type(err).__name__}: {err}")
            return error_reply(500, "api_error", f"the fake's responder failed: {err}")
        if reply.status == 200 and isinstance(reply.body, dict) and reply.body.get("type") == "message":
            reply = Reply(200, self._complete(dict(reply.body), request), reply.headers, reply.delay)
        return reply

    def _complete(self, body: dict[str, Any], request: Request) -> dict[str, Any]:
        body["id"] = body["id"] or f"msg_fake_{next(self._ids)}"
        body["model"] = body["model"] or request.body["model"]
        if body["usage"] is None:
            system = request.body.get("system", [])
            cached = "".join(b.get("text", "") for b in system if isinstance(b, dict) and b.get("cache_control"))
            total = len(json.dumps(request.body)) // 4
            cache_tokens = len(cached) // 4
            with self._lock:
                hit = bool(cached) and cached in self._cached_system
                self._cached_system.add(cached)
            body["usage"] = {
                "input_tokens": total - cache_tokens,
                "output_tokens": max(1, len(json.dumps(body["content"])) // 4),
                "cache_creation_input_tokens": 0 if hit else cache_tokens,
                "cache_read_input_tokens": cache_tokens if hit else 0,
            }
        return body

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
                pass

            def _handle(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    parsed = json.loads(raw) if raw else None
                except ValueError:
                    parsed = None
                request = Request(self.command, self.path.split("?")[0],
                                  {k.lower(): v for k, v in self.headers.items()}, raw, parsed)
                with fake._lock:
                    fake.requests.append(request)
                    request_id = f"req_fake_{len(fake.requests):04d}"
                reply = fake._answer(request)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body
                if isinstance(body, dict) and body.get("type") == "error":
                    body = {**body, "request_id": request_id}
                data = body if isinstance(body, bytes) else (
                    body.encode() if isinstance(body, str) else json.dumps(body).encode())
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("request-id", request_id)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_POST = _handle
            do_GET = _handle

        return Handler
