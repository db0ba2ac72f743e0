from datetime import datetime, timedelta, timezone

import pytest

from inventory.stock import HOLD, OutOfStock, StockBook

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def _book() -> StockBook:
    book = StockBook()
    book.receive("mug-blue", "ams-1", 5)
    return book


def test_reserve_reduces_availability() -> None:
    book = _book()
    book.reserve("mug-blue", 2, NOW)
    assert book.levels["mug-blue"].available == 3


def test_cannot_reserve_more_than_available() -> None:
    book = _book()
    book.reserve("mug-blue", 4, NOW)
    with pytest.raises(OutOfStock) as info:
        book.reserve("mug-blue", 2, NOW)
    assert info.value.available == 1


def test_expired_holds_are_released() -> None:
    book = _book()
    book.reserve("mug-blue", 5, NOW)
    later = NOW + HOLD + timedelta(seconds=1)
    book.reserve("mug-blue", 5, later)  # the first hold expired
    assert len(book.reservations) == 1


def test_confirm_takes_units_off_the_shelf() -> None:
    book = _book()
    r = book.reserve("mug-blue", 2, NOW)
    book.confirm(r.id)
    level = book.levels["mug-blue"]
    assert (level.on_hand, level.reserved, level.available) == (3, 0, 3)
