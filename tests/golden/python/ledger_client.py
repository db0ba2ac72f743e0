"""A small client for the ledger service."""

from __future__ import annotations

import time

import requests

RETRYABLE = {429, 502, 503}  # transient upstream failures


class LedgerError(Exception):
    pass


class LedgerClient:
    def __init__(self, base_url: str, token: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout

    def get(self, path, attempts=3):
        # retry with backoff
        for attempt in range(attempts):
            response = self.session.get(self.base_url + path, timeout=self.timeout)
            if response.status_code not in RETRYABLE:
                break
            time.sleep(0.5 * 2**attempt)
        if response.status_code >= 400:
            raise LedgerError(f"GET {path}: {response.status_code}")
        return response.json()


def entry_url(base: str, entry_id: int) -> str:
    return f"{base}/entries/{entry_id}"
