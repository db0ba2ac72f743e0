"""Proration of subscription changes in the middle of a billing period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _cents(value: Decimal) -> int:
    # banker's rounding, as the ledger does, so totals reconcile
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_EVEN))


def prorate(old_price_cents: int, new_price_cents: int, period: Period, change_day: date) -> int:
    """The amount to charge (positive) or credit (negative) when a plan changes on change_day."""
    if not period.contains(change_day):
        raise ValueError(f"{change_day} is outside the period {period.start}..{period.end}")
    remaining = Decimal((period.end - change_day).days) / Decimal(period.days)
    unused = Decimal(old_price_cents) * remaining
    new_cost = Decimal(new_price_cents) * remaining
    return _cents(new_cost - unused)


def split_seats(price_per_seat_cents: int, seats_before: int, seats_after: int, period: Period, day: date) -> int:
    """Charge for added seats (or credit removed ones) for the rest of the period."""
    delta = seats_after - seats_before
    if delta == 0:
        return 0
    return prorate(0, price_per_seat_cents * delta, period, day)
