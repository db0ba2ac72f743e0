"""Pub/Sub push endpoint: one invoice event per request."""

from __future__ import annotations

import base64
import json
import logging
from datetime import date
from pathlib import Path

from flask import Flask, Response, request

from worker.invoices import Invoice, InvoiceLine, next_number, render_pdf
from worker.ledger_client import LedgerClient, LedgerError
from worker.settings import settings

app = Flask(__name__)
log = logging.getLogger("billing-worker")
_last_number: str | None = None


def _decode(envelope: dict) -> dict:
    message = envelope.get("message") or {}
    data = message.get("data")
    if not data:
        raise ValueError("empty Pub/Sub message")
    return json.loads(base64.b64decode(data))


@app.post("/pubsub")
def handle_event() -> Response:
    global _last_number
    try:
        event = _decode(request.get_json(force=True))
    except (ValueError, json.JSONDecodeError) as exc:
        log.error("dropping malformed message: %s", exc)
        return Response(status=204)  # ack: retrying cannot fix it

    cfg = settings()
    today = date.today()
    number = next_number(_last_number, today.year)
    invoice = Invoice(number=number, account_id=event["account_id"], issued=today, currency=event.get("currency", "EUR"))
    for item in event.get("items", []):
        invoice.lines.append(InvoiceLine(item["description"], int(item.get("quantity", 1)), int(item["unit_cents"])))

    if cfg.dry_run:
        log.info("dry run: would issue %s for %s cents", number, invoice.gross_cents)
        return Response(status=204)

    render_pdf(invoice, Path("/tmp/invoices"))
    try:
        LedgerClient(cfg.ledger_base_url, cfg.ledger_api_token).record_invoice(
            invoice.number, invoice.account_id, invoice.gross_cents, invoice.currency
        )
    except LedgerError as exc:
        log.warning("ledger rejected %s: %s", number, exc)
        return Response(status=503)  # nack: Pub/Sub redelivers
    _last_number = number
    return Response(status=204)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
