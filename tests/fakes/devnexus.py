"""A loopback fake of dev-nexus (an A2A service) that speaks its wire format, failures included.

GET /.well-known/agent.json, GET /health, POST /a2a/execute {"skill_id", "input"} → the skill's JSON.
Failure shapes, as the real service sends them:
  400 {"error": "Missing required field: skill_id"}
  200 {"error": "Unknown skill: X", "available_skills": [...]}
  200 {"success": false, "error": "..."}
  401 {"error": "Authentication required", "message": ...}   (skills with requires_authentication)
  500 {"error": "Execution failed: ..."}
``fail[skill_id]`` injects one of "500", "success-false", "garbage" (not JSON), "slow" (sleeps ``delay``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.loopback import LoopbackServer

LESSON_SCHEMA = {
    "type": "object",
    "properties": {
        "repository": {"type": "string"},
        "category": {
            "type": "string",
            "enum": ["performance", "security", "architecture", "testing", "other"],
        },
        "lesson": {"type": "string"},
        "context": {"type": "string"},
        "severity": {"type": "string", "enum": ["info", "warning", "critical"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "related_files": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["repository", "category", "lesson"],
}


def default_skills() -> list[dict[str, Any]]:
    return [
        {
            "id": "get_cross_repo_patterns",
            "name": "Cross-repository patterns",
            "requires_authentication": False,
            "input_schema": {
                "type": "object",
                "properties": {"min_repos": {"type": "integer"}, "pattern_type": {"type": "string"}},
            },
        },
        {
            "id": "query_patterns",
            "name": "Query patterns",
            "requires_authentication": False,
            "input_schema": {
                "type": "object",
                "properties": {"keywords": {"type": "array"}, "min_matches": {"type": "integer"}},
                "required": ["keywords"],
            },
        },
        {
            "id": "add_lesson_learned",
            "name": "Add lesson learned",
            "requires_authentication": True,
            "input_schema": LESSON_SCHEMA,
        },
    ]


class FakeDevNexus(LoopbackServer):
    def __init__(
        self,
        *,
        tokens: Collection[str] = ("nexus-secret",),
        skills: list[dict[str, Any]] | None = None,
        cross_repo_patterns: list[dict[str, Any]] | None = None,
        delay: float = 2.0,
    ) -> None:
        self.tokens = tokens  # accepted bearer tokens (checked at request time: may be a live list)
        self.skills = default_skills() if skills is None else skills
        self.cross_repo_patterns = cross_repo_patterns or []
        self.lessons: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []  # every request: method, path, skill_id, input, authorization
        self.fail: dict[str, str] = {}
        self.delay = delay

    def executed(self, skill_id: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c.get("skill_id") == skill_id]

    # -- skills ----------------------------------------------------------------------------------
    def run_skill(self, skill_id: str, data: dict[str, Any]) -> tuple[int, Any]:
        if skill_id == "get_cross_repo_patterns":
            min_repos = int(data.get("min_repos", 2))
            ptype = data.get("pattern_type")
            found = [
                {k: v for k, v in e.items() if k != "pattern_type"}
                for e in self.cross_repo_patterns
                if e["repo_count"] >= min_repos and (not ptype or e.get("pattern_type", ptype) == ptype)
            ]
            return 200, {"success": True, "cross_repo_patterns": found, "total_patterns": len(found)}
        if skill_id == "query_patterns":
            words = [str(k).lower() for k in data.get("keywords") or []]
            need = int(data.get("min_matches", 1))
            matches = []
            for item in self.lessons + [
                {"pattern": e["pattern"], "repositories": e["repositories"]} for e in self.cross_repo_patterns
            ]:
                text = json.dumps(item).lower()
                hits = [w for w in words if w in text]
                if len(hits) >= need:
                    matches.append({**item, "matched_keywords": hits})
            return 200, {"success": True, "matches": matches, "total_matches": len(matches)}
        if skill_id == "add_lesson_learned":
            for name in LESSON_SCHEMA["required"]:
                if not data.get(name):
                    return 200, {"success": False, "error": f"Missing required field: {name}"}
            self.lessons.append(dict(data))
            return 200, {
                "success": True,
                "lesson_id": f"lesson-{len(self.lessons)}",
                "repository": data["repository"],
            }
        return 200, {"success": False, "error": f"Skill {skill_id} is not implemented by the fake"}

    # -- server ----------------------------------------------------------------------------------
    def start(self) -> FakeDevNexus:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                fake.calls.append(
                    {"method": "GET", "path": self.path, "authorization": self.headers.get("Authorization")}
                )
                if self.path == "/.well-known/agent.json":
                    if "agent-card" in fake.fail:
                        self._send(500, None, raw=b"<html>Internal Server Error</html>")
                        return
                    self._send(
                        200,
                        {
                            "name": "dev-nexus",
                            "description": "Architectural knowledge base",
                            "version": "2.0.0",
                            "url": fake.url,
                            "skills": fake.skills,
                        },
                    )
                elif self.path == "/health":
                    self._send(200, {"status": "healthy", "service": "dev-nexus"})
                else:
                    self._send(404, {"detail": "Not Found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                skill_id = body.get("skill_id") if isinstance(body, dict) else None
                auth = self.headers.get("Authorization")
                fake.calls.append(
                    {
                        "method": "POST",
                        "path": self.path,
                        "skill_id": skill_id,
                        "input": body.get("input") if isinstance(body, dict) else None,
                        "authorization": auth,
                    }
                )
                if self.path != "/a2a/execute":
                    self._send(404, {"detail": "Not Found"})
                    return
                if not skill_id:
                    self._send(400, {"error": "Missing required field: skill_id"})
                    return
                skill = next((s for s in fake.skills if s["id"] == skill_id), None)
                if skill is None:
                    self._send(
                        200,
                        {
                            "error": f"Unknown skill: {skill_id}",
                            "available_skills": [s["id"] for s in fake.skills],
                        },
                    )
                    return
                if skill.get("requires_authentication"):
                    token = auth[7:] if auth and auth.startswith("Bearer ") else None
                    if token not in fake.tokens:
                        self._send(
                            401,
                            {
                                "error": "Authentication required",
                                "message": f"Skill '{skill_id}' requires a valid bearer token",
                            },
                        )
                        return
                mode = fake.fail.get(skill_id)
                if mode == "slow":
                    time.sleep(fake.delay)
                elif mode == "500":
                    self._send(500, {"error": f"Execution failed: {skill_id} crashed: database is locked"})
                    return
                elif mode == "success-false":
                    self._send(200, {"success": False, "error": "Knowledge base is read-only"})
                    return
                elif mode == "garbage":
                    self._send(200, None, raw=b"<html>Service Unavailable</html>")
                    return
                code, out = fake.run_skill(skill_id, body.get("input") or {})
                self._send(code, out)

        self._serve(Handler)
        return self
