from decimal import Decimal

from app.models import Cart, LineItem
from app.pricing import Coupon, discount_for, quote, shipping_for, to_cents


def _cart(*prices: str) -> Cart:
    cart = Cart(customer_id="cus_1")
    for n, price in enumerate(prices):
        cart.add(LineItem(sku=f"sku-{n}", name=f"item {n}", unit_price=Decimal(price)))
    return cart


def test_free_shipping_over_fifty() -> None:
    assert shipping_for(Decimal("50.00")) == Decimal("0")
    assert shipping_for(Decimal("49.99")) == Decimal("5.99")
    assert shipping_for(Decimal("10"), express=True) == Decimal("14.99")


def test_coupon_respects_minimum() -> None:
    coupon = Coupon("WELCOME10", percent_off=Decimal("10"), minimum_subtotal=Decimal("20"))
    assert discount_for(Decimal("19.99"), coupon) == Decimal("0")
    assert discount_for(Decimal("40.00"), coupon) == Decimal("4.00")


def test_discount_never_exceeds_subtotal() -> None:
    assert discount_for(Decimal("5"), Coupon("BIG", amount_off=Decimal("20"))) == Decimal("5.00")


def test_quote_with_tax() -> None:
    q = quote(_cart("30.00", "25.00"), "ca")
    assert q.tax == Decimal("3.99")
    assert q.total == Decimal("58.99")
    assert to_cents(q.total) == 5899


def test_adding_same_sku_merges_quantity() -> None:
    cart = Cart(customer_id="c")
    cart.add(LineItem("a", "A", Decimal("1.00"), 2))
    cart.add(LineItem("a", "A", Decimal("1.00"), 3))
    assert len(cart.items) == 1 and cart.items[0].quantity == 5
