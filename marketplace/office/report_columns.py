"""The columns of an outcome report, shared by the page's table and the CSV download, so both
always show the same figures: the CSV has the plain values, the page formats them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal, format_percent
from flask_babel import lazy_gettext as _l

from marketplace.money import format_money, format_rupiah
from marketplace.office.reports import Month, Report, Row


@dataclass(frozen=True)
class Column:
    name: str  # the CSV header
    label: Any  # the page's header (lazy text)
    value: Callable[[Row], Any]  # the plain value ("" when there is none)
    numeric: bool = True


def _one_decimal(value: float | None) -> Any:
    return "" if value is None else f"{value:.1f}"


def _converted_amount(row: Row) -> Any:
    return f"{row.converted.amount}" if row.converted else ""


def _rate(row: Row) -> Any:
    if row.converted is None:
        return ""
    return f"{Decimal(row.converted.idr_per_unit).normalize():f}"


COLUMNS = [
    Column("group", _l("Group"), lambda r: r.group.label, numeric=False),
    Column("msmes_taking_part", _l("MSMEs taking part"), lambda r: r.figures.msmes),
    Column("products_shown", _l("Products shown"), lambda r: r.figures.products_shown),
    Column("qr_scans", _l("QR scans"), lambda r: r.figures.scans),
    Column("product_views", _l("Product views"), lambda r: r.figures.views),
    Column("interests", _l("Interests"), lambda r: r.figures.interests),
    Column("replies", _l("Answered"), lambda r: r.figures.replies),
    Column("answered_within_48h", _l("Answered within 48 h"), lambda r: r.figures.within_48h),
    Column(
        "answered_within_48h_percent",
        _l("Share answered within 48 h (%)"),
        lambda r: _one_decimal(r.figures.share_within_48h),
    ),
    Column(
        "median_first_reply_hours",
        _l("Median first reply (hours)"),
        lambda r: _one_decimal(r.figures.median_reply_hours),
    ),
    Column("deals_won", _l("Deals won"), lambda r: r.figures.deals),
    Column("export_value_idr", _l("Export value (IDR)"), lambda r: r.figures.value_idr),
    Column(
        "partner_currency",
        _l("Partner's currency"),
        lambda r: r.group.currency or "",
        numeric=False,
    ),
    Column(
        "export_value_partner_currency",
        _l("Export value in the partner's currency"),
        _converted_amount,
    ),
    Column(
        "units_sold_at_channels",
        _l("Sold at the channels (pieces)"),
        lambda r: r.figures.units_sold,
    ),
    Column(
        "sales_at_channels_idr", _l("Sales at the channels (IDR)"), lambda r: r.figures.sales_idr
    ),
    Column(
        "sales_at_channels_partner_currency",
        _l("Sales at the channels in the partner's currency"),
        lambda r: f"{r.sales_converted.amount}" if r.sales_converted else "",
    ),
    Column("rate_idr_per_unit", _l("Rate (IDR per unit)"), _rate),
    Column(
        "rate_date",
        _l("Rate of"),
        lambda r: r.converted.rate_date.isoformat() if r.converted else "",
        numeric=False,
    ),
]
HEADER = [column.name for column in COLUMNS]
BY_NAME = {column.name: column for column in COLUMNS}

# The page's table fits a 1366 px screen: a share, and a value in the partner's currency, stand
# in the cell of the figure they belong to (`beneath`), and the rate is written under the
# table (templates/office/reports/_table.html, `rates_used`). The CSV keeps every column.
BENEATH = {
    "answered_within_48h": "answered_within_48h_percent",
    "export_value_idr": "export_value_partner_currency",
    "sales_at_channels_idr": "sales_at_channels_partner_currency",
}
# What a cell's second line is, under its column's heading.
BENEATH_LABELS = {
    "answered_within_48h_percent": _l("and their share"),
    "export_value_partner_currency": _l("and in the partner's currency"),
    "sales_at_channels_partner_currency": _l("and in the partner's currency"),
}
UNDER_THE_TABLE = {"rate_idr_per_unit", "rate_date"}
PAGE_COLUMNS = [
    column
    for column in COLUMNS
    if column.name not in set(BENEATH.values()) and column.name not in UNDER_THE_TABLE
]


def beneath(column: Column) -> Column | None:
    """The column whose figure the page shows on a second line of `column`'s cell."""
    name = BENEATH.get(column.name)
    return BY_NAME[name] if name else None


MONTH_HEADER = ["month", "interests", "deals_won"]


def table_rows(report: Report) -> list[list[Any]]:
    """The CSV's lines: every group, then the total."""
    return [[column.value(row) for column in COLUMNS] for row in [*report.rows, report.total]]


def month_rows(months: list[Month]) -> list[list[Any]]:
    return [[month.month, month.interests, month.deals] for month in months]


def shown(column: Column, row: Row, locale: str) -> str:
    """The value as the page shows it: grouped digits, units, the currency's code."""
    value = column.value(row)
    if value == "" or not column.numeric:
        return "—" if value == "" else str(value)
    if column.name in ("export_value_idr", "sales_at_channels_idr"):
        return format_rupiah(value, locale)
    if column.name == "sales_at_channels_partner_currency" and row.sales_converted is not None:
        return format_money(row.sales_converted.amount, row.sales_converted.currency, locale)
    if column.name == "export_value_partner_currency" and row.converted is not None:
        return format_money(row.converted.amount, row.converted.currency, locale)
    if column.name == "answered_within_48h_percent":
        return format_percent(Decimal(value) / 100, format="#,##0.0%", locale=locale)
    if column.name == "median_first_reply_hours":
        return format_decimal(Decimal(value), format="#,##0.0", locale=locale)
    if column.name == "rate_idr_per_unit":
        return format_decimal(Decimal(value), format="#,##0.######", locale=locale)
    return format_decimal(value, format="#,##0", locale=locale)
