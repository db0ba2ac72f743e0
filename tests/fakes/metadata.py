"""A loopback fake of the Google Cloud metadata server's ID-token endpoint.

GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=<aud>
with ``Metadata-Flavor: Google`` → a JWT (header.payload.signature, payload {aud, exp, iat, ...}) as text;
without the header → 403, without an audience → 400, like the real one.
"""

from __future__ import annotations

import base64
import json
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.loopback import LoopbackServer

IDENTITY_PATH = "/computeMetadata/v1/instance/service-accounts/default/identity"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class FakeMetadata(LoopbackServer):
    def __init__(self, *, lifetime: int = 3600) -> None:
        self.lifetime = lifetime
        self.issued: list[str] = []  # every token handed out, in order
        self.audiences: list[str] = []

    def mint(self, audience: str) -> str:
        now = int(time.time())
        claims = {
            "aud": audience,
            "iss": "https://accounts.google.com",
            "iat": now,
            "exp": now + self.lifetime,
            "email": "pattern-miner@project.iam.gserviceaccount.com",
            "n": len(self.issued),
        }
        token = f"{_b64({'alg': 'RS256', 'typ': 'JWT'})}.{_b64(claims)}.c2lnbmF0dXJl"
        self.issued.append(token)
        self.audiences.append(audience)
        return token

    def start(self) -> FakeMetadata:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, text: str) -> None:
                data = text.encode()
                self.send_response(code)
                self.send_header("Content-Type", "text/html" if code == 200 else "text/plain")
                self.send_header("Metadata-Flavor", "Google")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != IDENTITY_PATH:
                    self._send(404, "Not Found")
                elif self.headers.get("Metadata-Flavor") != "Google":
                    self._send(403, "Missing required header: Metadata-Flavor")
                else:
                    audience = parse_qs(parts.query).get("audience", [""])[0]
                    if not audience:
                        self._send(400, "non-empty audience parameter required")
                    else:
                        self._send(200, fake.mint(audience))

        self._serve(Handler)
        return self
