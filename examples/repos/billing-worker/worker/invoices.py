"""Invoice documents: line items, totals and the rendered PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PAYMENT_TERMS_DAYS = 30


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: int
    unit_cents: int

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass
class Invoice:
    number: str
    account_id: str
    issued: date
    currency: str = "EUR"
    lines: list[InvoiceLine] = field(default_factory=list)
    vat_rate_percent: int = 21

    @property
    def due(self) -> date:
        return self.issued + timedelta(days=PAYMENT_TERMS_DAYS)

    @property
    def net_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def vat_cents(self) -> int:
        return (self.net_cents * self.vat_rate_percent + 50) // 100

    @property
    def gross_cents(self) -> int:
        return self.net_cents + self.vat_cents


def next_number(last: str | None, year: int) -> str:
    """INV-2024-000123 style numbers, restarting every year."""
    if last and last.startswith(f"INV-{year}-"):
        return f"INV-{year}-{int(last.rsplit('-', 1)[1]) + 1:06d}"
    return f"INV-{year}-000001"


def render_html(invoice: Invoice) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["money"] = lambda cents: f"{cents / 100:,.2f}"
    return env.get_template("invoice.html").render(invoice=invoice)


def render_pdf(invoice: Invoice, out_dir: Path) -> Path:
    from weasyprint import HTML  # heavy import, only when a PDF is actually made

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{invoice.number}.pdf"
    HTML(string=render_html(invoice)).write_pdf(target)
    return target
