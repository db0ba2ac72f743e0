"""Client for the internal ledger service (double-entry bookkeeping API)."""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15


class LedgerError(Exception):
    def __init__(self, status: int, message: str, payload: Any = None) -> None:
        super().__init__(f"ledger {status}: {message}")
        self.status = status
        self.payload = payload


class LedgerClient:
    def __init__(self, base_url: str, token: str, timeout: float = TIMEOUT_SECONDS, retries: int = 5) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Token {token}",
                "Accept": "application/json",
                "User-Agent": "billing-worker",
            }
        )
        retry = Retry(
            total=retries,
            backoff_factor=1.0,
            status_forcelist=(429, 502, 503, 504),
            allowed_methods=frozenset({"GET", "PUT"}),
            respect_retry_after_header=True,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.base_url}/{path.lstrip('/')}"
        t0 = time.monotonic()
        try:
            resp = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise LedgerError(0, f"{method} {url} failed: {exc}") from exc
        logger.debug("%s %s -> %s in %.0f ms", method, url, resp.status_code, (time.monotonic() - t0) * 1000)
        if resp.status_code >= 400:
            try:
                payload = resp.json()
                message = payload.get("detail") or resp.reason
            except ValueError:
                payload, message = resp.text, resp.reason
            raise LedgerError(resp.status_code, message, payload)
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    def get(self, path: str, **params: Any) -> Any:
        return self._call("GET", path, params=params or None)

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self._call("PUT", path, json=body)

    def record_invoice(self, invoice_id: str, account: str, amount_cents: int, currency: str) -> Any:
        # PUT by invoice id: safe to retry, the ledger dedupes on the path
        return self.put(
            f"entries/invoice/{invoice_id}",
            {"debit": account, "credit": "revenue", "amount": amount_cents, "currency": currency},
        )

    def balance(self, account: str) -> int:
        return int(self.get(f"accounts/{account}/balance")["amount"])
