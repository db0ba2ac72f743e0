"""Prices, coupons and tax. All money is Decimal, rounded half-up to cents at the end."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.models import Cart

CENT = Decimal("0.01")

# state -> sales tax rate; a real deployment reads this from the tax service
TAX_RATES = {
    "CA": Decimal("0.0725"),
    "NY": Decimal("0.04"),
    "TX": Decimal("0.0625"),
    "WA": Decimal("0.065"),
}


@dataclass(frozen=True)
class Coupon:
    code: str
    percent_off: Decimal = Decimal("0")
    amount_off: Decimal = Decimal("0")
    minimum_subtotal: Decimal = Decimal("0")


@dataclass(frozen=True)
class Quote:
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    shipping: Decimal

    @property
    def total(self) -> Decimal:
        return (self.subtotal - self.discount + self.tax + self.shipping).quantize(CENT, ROUND_HALF_UP)


def discount_for(subtotal: Decimal, coupon: Coupon | None) -> Decimal:
    if coupon is None or subtotal < coupon.minimum_subtotal:
        return Decimal("0")
    discount = subtotal * coupon.percent_off / 100 + coupon.amount_off
    return min(discount, subtotal).quantize(CENT, ROUND_HALF_UP)


def shipping_for(subtotal: Decimal, express: bool = False) -> Decimal:
    if express:
        return Decimal("14.99")
    return Decimal("0") if subtotal >= Decimal("50") else Decimal("5.99")


def quote(cart: Cart, state: str, coupon: Coupon | None = None, express: bool = False) -> Quote:
    subtotal = cart.subtotal
    discount = discount_for(subtotal, coupon)
    rate = TAX_RATES.get(state.upper(), Decimal("0"))
    tax = ((subtotal - discount) * rate).quantize(CENT, ROUND_HALF_UP)
    return Quote(subtotal=subtotal, discount=discount, tax=tax, shipping=shipping_for(subtotal, express))


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1"), ROUND_HALF_UP))
