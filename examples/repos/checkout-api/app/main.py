"""HTTP routes: carts, quotes and checkout."""

from __future__ import annotations

import logging
from decimal import Decimal

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from app.config import get_settings
from app.models import Cart, LineItem, Order, OrderStatus
from app.payments_client import PaymentsAPIError, PaymentsClient
from app.pricing import Coupon, quote, to_cents

log = logging.getLogger("checkout")
app = FastAPI(title="checkout-api")

CARTS: dict[str, Cart] = {}
COUPONS = {"WELCOME10": Coupon("WELCOME10", percent_off=Decimal("10"), minimum_subtotal=Decimal("20"))}


class AddItem(BaseModel):
    sku: str
    name: str
    unit_price: Decimal = Field(ge=0)
    quantity: int = Field(default=1, ge=1, le=99)


class CheckoutRequest(BaseModel):
    state: str = Field(min_length=2, max_length=2)
    coupon_code: str | None = None
    express: bool = False


def _payments() -> PaymentsClient:
    settings = get_settings()
    return PaymentsClient(settings.payments_base_url, settings.stripe_api_key, timeout=settings.request_timeout)


def _cart(cart_id: str) -> Cart:
    cart = CARTS.get(cart_id)
    if cart is None:
        raise HTTPException(status_code=404, detail="cart not found")
    return cart


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/carts", status_code=201)
def create_cart(customer_id: str) -> dict[str, str]:
    cart = Cart(customer_id=customer_id)
    CARTS[cart.id] = cart
    return {"id": cart.id}


@app.post("/carts/{cart_id}/items")
def add_item(cart_id: str, body: AddItem) -> dict[str, object]:
    cart = _cart(cart_id)
    cart.add(LineItem(body.sku, body.name, body.unit_price, body.quantity))
    return {"items": len(cart.items), "subtotal": str(cart.subtotal)}


@app.post("/carts/{cart_id}/checkout")
def checkout(cart_id: str, body: CheckoutRequest) -> dict[str, object]:
    cart = _cart(cart_id)
    if cart.is_empty:
        raise HTTPException(status_code=400, detail="cart is empty")
    coupon = COUPONS.get(body.coupon_code or "")
    q = quote(cart, body.state, coupon, body.express)
    order = Order(cart_id=cart.id, customer_id=cart.customer_id, total=q.total, currency=cart.currency)
    try:
        intent = _payments().create_payment_intent(to_cents(q.total), cart.currency.lower(), cart.customer_id, order.id)
    except PaymentsAPIError as exc:
        log.warning("payment failed for order %s: %s", order.id, exc)
        raise HTTPException(status_code=402, detail="payment could not be started") from exc
    order.payment_intent_id = intent["id"]
    order.status = OrderStatus.PENDING
    return {"order_id": order.id, "total": str(q.total), "client_secret": intent.get("client_secret")}
