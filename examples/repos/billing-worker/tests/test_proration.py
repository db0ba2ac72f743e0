from datetime import date

import pytest

from worker.invoices import Invoice, InvoiceLine, next_number
from worker.proration import Period, prorate, split_seats

JUNE = Period(date(2024, 6, 1), date(2024, 7, 1))


def test_upgrade_halfway_charges_half_the_difference() -> None:
    assert prorate(1000, 3000, JUNE, date(2024, 6, 16)) == 1000


def test_downgrade_credits() -> None:
    assert prorate(3000, 1000, JUNE, date(2024, 6, 16)) == -1000


def test_change_outside_period_is_rejected() -> None:
    with pytest.raises(ValueError):
        prorate(1000, 2000, JUNE, date(2024, 7, 1))


def test_seats() -> None:
    assert split_seats(900, 3, 5, JUNE, date(2024, 6, 1)) == 1800
    assert split_seats(900, 5, 5, JUNE, date(2024, 6, 20)) == 0


def test_invoice_totals_and_numbers() -> None:
    inv = Invoice("INV-2024-000001", "acct_1", date(2024, 6, 3), lines=[InvoiceLine("Pro plan", 2, 4900)])
    assert inv.net_cents == 9800 and inv.vat_cents == 2058 and inv.gross_cents == 11858
    assert inv.due == date(2024, 7, 3)
    assert next_number("INV-2024-000041", 2024) == "INV-2024-000042"
    assert next_number("INV-2023-000041", 2024) == "INV-2024-000001"
