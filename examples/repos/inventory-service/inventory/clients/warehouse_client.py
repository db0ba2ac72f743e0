"""HTTP client for the third-party warehouse management system (WMS)."""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10  # seconds
RETRY_ON = (429, 500, 502, 503, 504)


class WarehouseAPIError(Exception):
    def __init__(self, status: int, message: str, body: Any = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.body = body


class WarehouseClient:
    def __init__(
        self, base_url: str, api_key: str, tenant: str, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 3
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(
            {
                "X-Api-Key": api_key,
                "X-Tenant": tenant,
                "Accept": "application/json",
                "User-Agent": "inventory-service/0.9",
            }
        )
        retry = Retry(
            total=max_retries,
            backoff_factor=0.5,
            status_forcelist=RETRY_ON,
            allowed_methods=frozenset({"GET", "PUT", "DELETE"}),
            respect_retry_after_header=True,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.base_url}/{path.lstrip('/')}"
        started = time.monotonic()
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise WarehouseAPIError(0, f"{method} {url} failed: {exc}") from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        log.debug("%s %s -> %s in %.0f ms", method, url, response.status_code, elapsed_ms)
        if response.status_code >= 400:
            try:
                body = response.json()
                message = body.get("message") or response.reason
            except ValueError:
                body, message = response.text, response.reason
            raise WarehouseAPIError(response.status_code, message, body)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        return self._request("GET", path, params=params or None)

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        return self._request("POST", path, json=payload)

    def stock_levels(self, warehouse: str, skus: list[str]) -> dict[str, int]:
        body = self.get(f"warehouses/{warehouse}/stock", sku=",".join(skus))
        return {row["sku"]: int(row["available"]) for row in body["items"]}

    def create_pick_order(self, warehouse: str, order_id: str, lines: list[dict[str, Any]]) -> str:
        body = self.post(f"warehouses/{warehouse}/pick-orders", {"reference": order_id, "lines": lines})
        return str(body["id"])
