"""Google ID tokens from the metadata server, for calling an authenticated Cloud Run service.

On Cloud Run (and GCE/GKE) the metadata server mints an ID token for the service's own service account:
``GET {metadata}/computeMetadata/v1/instance/service-accounts/default/identity?audience=<url>`` with the
header ``Metadata-Flavor: Google``; the body is the JWT. Tokens live about an hour; each one is cached
per audience until shortly before the ``exp`` claim in its payload.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Callable, Mapping

import httpx

from pattern_miner.errors import PatternMinerError
from pattern_miner.neterrors import describe

METADATA_URL = "http://metadata.google.internal"
IDENTITY_PATH = "/computeMetadata/v1/instance/service-accounts/default/identity"
REFRESH_MARGIN = 60.0  # seconds before expiry when a cached token is replaced
FALLBACK_LIFETIME = 600.0  # seconds to keep a token whose expiry cannot be read


class GcpAuthError(PatternMinerError):
    """No ID token could be obtained from the metadata server."""


def on_cloud_run(env: Mapping[str, str] | None = None) -> bool:
    """Cloud Run sets K_SERVICE in every container it runs."""
    env = os.environ if env is None else env
    return bool(env.get("K_SERVICE"))


def token_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (seconds since the epoch), or None when it cannot be read."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
        exp = claims.get("exp") if isinstance(claims, dict) else None
    except ValueError:
        return None
    return float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None


class IdTokenSource:
    def __init__(
        self,
        http: httpx.Client,
        metadata_url: str = METADATA_URL,
        *,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.metadata_url = metadata_url.rstrip("/")
        self.timeout = timeout
        self.clock = clock
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def token(self, audience: str) -> str:
        with self._lock:
            cached = self._cache.get(audience)
            if cached and cached[1] - REFRESH_MARGIN > self.clock():
                return cached[0]
            token = self._fetch(audience)
            expiry = token_expiry(token) or self.clock() + FALLBACK_LIFETIME
            self._cache[audience] = (token, expiry)
            return token

    def _fetch(self, audience: str) -> str:
        try:
            resp = self.http.get(
                self.metadata_url + IDENTITY_PATH,
                params={"audience": audience, "format": "full"},
                headers={"Metadata-Flavor": "Google"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise GcpAuthError(f"metadata server unreachable ({describe(exc)})") from None
        if resp.status_code != 200:
            raise GcpAuthError(f"metadata server refused an ID token: HTTP {resp.status_code}")
        token = resp.text.strip()
        if not token or any(c.isspace() for c in token):
            raise GcpAuthError("metadata server returned an empty or malformed ID token")
        return token
