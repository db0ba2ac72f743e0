"""Flask app factory and routes."""

from __future__ import annotations

import os

from flask import Flask, jsonify, request

from inventory.clients.warehouse_client import WarehouseAPIError, WarehouseClient
from inventory.stock import OutOfStock, StockBook


def create_app(book: StockBook | None = None) -> Flask:
    app = Flask(__name__)
    stock = book or StockBook()
    wms = WarehouseClient(
        os.environ.get("WMS_BASE_URL", "http://localhost:9100"),
        os.environ.get("WMS_API_KEY", ""),
        os.environ.get("WMS_TENANT", "acme"),
    )

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/stock/<sku>")
    def get_stock(sku: str):
        level = stock.levels.get(sku)
        if level is None:
            return jsonify(error="unknown sku"), 404
        return {"sku": sku, "warehouse": level.warehouse, "available": level.available}

    @app.post("/reservations")
    def reserve():
        body = request.get_json(force=True)
        try:
            reservation = stock.reserve(body["sku"], int(body.get("quantity", 1)))
        except OutOfStock as exc:
            return jsonify(error=str(exc), available=exc.available), 409
        return {"id": reservation.id, "expires_at": reservation.expires_at.isoformat()}, 201

    @app.post("/reservations/<reservation_id>/confirm")
    def confirm(reservation_id: str):
        reservation = stock.reservations.get(reservation_id)
        if reservation is None:
            return jsonify(error="reservation expired or unknown"), 410
        warehouse = stock.levels[reservation.sku].warehouse
        try:
            pick_id = wms.create_pick_order(
                warehouse, reservation_id, [{"sku": reservation.sku, "quantity": reservation.quantity}]
            )
        except WarehouseAPIError as exc:
            return jsonify(error=f"warehouse unavailable: {exc}"), 502
        stock.confirm(reservation_id)
        return {"pick_order": pick_id}

    return app
