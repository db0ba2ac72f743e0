"""Cart and order records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from uuid import uuid4


class OrderStatus(str, Enum):
    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


@dataclass
class LineItem:
    sku: str
    name: str
    unit_price: Decimal
    quantity: int = 1

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError(f"quantity must be positive, got {self.quantity}")
        if self.unit_price < 0:
            raise ValueError("unit price cannot be negative")

    @property
    def subtotal(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class Cart:
    customer_id: str
    currency: str = "USD"
    items: list[LineItem] = field(default_factory=list)
    coupon_code: str | None = None
    id: str = field(default_factory=lambda: uuid4().hex)

    def add(self, item: LineItem) -> None:
        for existing in self.items:
            if existing.sku == item.sku:
                existing.quantity += item.quantity
                return
        self.items.append(item)

    def remove(self, sku: str) -> None:
        self.items = [i for i in self.items if i.sku != sku]

    @property
    def subtotal(self) -> Decimal:
        return sum((i.subtotal for i in self.items), Decimal("0"))

    @property
    def is_empty(self) -> bool:
        return not self.items


@dataclass
class Order:
    cart_id: str
    customer_id: str
    total: Decimal
    currency: str
    status: OrderStatus = OrderStatus.PENDING
    payment_intent_id: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: str = field(default_factory=lambda: uuid4().hex)
