"""Reservations: hold stock for a cart for a few minutes, release it when the hold expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from uuid import uuid4

HOLD = timedelta(minutes=15)


class OutOfStock(Exception):
    def __init__(self, sku: str, wanted: int, available: int) -> None:
        super().__init__(f"{sku}: wanted {wanted}, only {available} available")
        self.sku = sku
        self.available = available


@dataclass
class StockLevel:
    sku: str
    warehouse: str
    on_hand: int
    reserved: int = 0

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)


@dataclass(frozen=True)
class Reservation:
    id: str
    sku: str
    quantity: int
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class StockBook:
    """In-memory view used by the request handlers; the db module persists it."""

    def __init__(self) -> None:
        self.levels: dict[str, StockLevel] = {}
        self.reservations: dict[str, Reservation] = {}

    def receive(self, sku: str, warehouse: str, quantity: int) -> StockLevel:
        level = self.levels.setdefault(sku, StockLevel(sku, warehouse, 0))
        level.on_hand += quantity
        return level

    def reserve(self, sku: str, quantity: int, now: datetime | None = None) -> Reservation:
        now = now or datetime.now(timezone.utc)
        self.release_expired(now)
        level = self.levels.get(sku)
        available = level.available if level else 0
        if level is None or available < quantity:
            raise OutOfStock(sku, quantity, available)
        level.reserved += quantity
        reservation = Reservation(uuid4().hex, sku, quantity, now + HOLD)
        self.reservations[reservation.id] = reservation
        return reservation

    def confirm(self, reservation_id: str) -> None:
        """The order was paid: the reserved units leave the shelf."""
        reservation = self.reservations.pop(reservation_id)
        level = self.levels[reservation.sku]
        level.reserved -= reservation.quantity
        level.on_hand -= reservation.quantity

    def release_expired(self, now: datetime) -> int:
        expired = [r for r in self.reservations.values() if r.expired(now)]
        for r in expired:
            self.levels[r.sku].reserved -= r.quantity
            del self.reservations[r.id]
        return len(expired)
