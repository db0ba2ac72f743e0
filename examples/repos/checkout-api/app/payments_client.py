"""A small client for the payment provider's REST API: one session, retries, typed errors."""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10  # seconds
RETRY_STATUSES = (429, 500, 502, 503, 504)


class PaymentsAPIError(Exception):
    def __init__(self, status: int, message: str, body: Any = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.body = body


class PaymentsClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = DEFAULT_TIMEOUT, max_retries: int = 3) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json",
                "User-Agent": "checkout-api/1.4",
            }
        )
        retry = Retry(
            total=max_retries,
            backoff_factor=0.5,
            status_forcelist=RETRY_STATUSES,
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
            raise PaymentsAPIError(0, f"{method} {url} failed: {exc}") from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        log.debug("%s %s -> %s in %.0f ms", method, url, response.status_code, elapsed_ms)
        if response.status_code >= 400:
            try:
                body = response.json()
                message = body.get("error", {}).get("message") or response.reason
            except ValueError:
                body, message = response.text, response.reason
            raise PaymentsAPIError(response.status_code, message, body)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        return self._request("GET", path, params=params or None)

    def post(self, path: str, payload: dict[str, Any], idempotency_key: str | None = None) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self._request("POST", path, data=payload, headers=headers)

    def create_payment_intent(self, amount_cents: int, currency: str, customer_id: str, order_id: str) -> Any:
        return self.post(
            "payment_intents",
            {"amount": amount_cents, "currency": currency, "customer": customer_id, "metadata[order_id]": order_id},
            idempotency_key=f"order-{order_id}",
        )

    def refund(self, payment_intent_id: str, amount_cents: int | None = None) -> Any:
        payload: dict[str, Any] = {"payment_intent": payment_intent_id}
        if amount_cents is not None:
            payload["amount"] = amount_cents
        return self.post("refunds", payload)
