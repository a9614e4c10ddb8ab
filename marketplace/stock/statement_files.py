"""A settlement statement as a file: an A4 PDF for the MSME's records and the office's, and a
CSV with one line per product and the totals, in the reader's language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.channels.pdf import Document, printed_date
from marketplace.money import format_money, format_rupiah
from marketplace.stock.settlements import Statement

LEFT = 15.0
WIDTH = 180.0
# Product, units sold, gross in the channel's currency, gross in rupiah, returned, on hand (mm).
COLUMNS = (66.0, 18.0, 30.0, 30.0, 18.0, 18.0)


def period_text(statement: Statement) -> str:
    return f"{printed_date(statement.start)} – {printed_date(statement.end)}"


def totals(statement: Statement) -> dict[str, Any]:
    """The statement's figures: fixed ones once issued, else as the ledger gives them now."""
    fixed = statement.settlement
    if fixed is not None:
        return {
            "units_sold": fixed.units_sold,
            "gross_local": Decimal(fixed.gross_local),
            "gross_idr": fixed.gross_idr,
            "commission_idr": fixed.commission_idr,
            "net_idr": fixed.net_idr,
            "units_returned": fixed.units_returned,
            "units_on_hand": fixed.units_on_hand,
        }
    return {
        "units_sold": statement.units_sold,
        "gross_local": statement.gross_local,
        "gross_idr": statement.gross_idr,
        "commission_idr": statement.commission_idr,
        "net_idr": statement.net_idr,
        "units_returned": statement.units_returned,
        "units_on_hand": statement.units_on_hand,
    }


def statement_pdf(statement: Statement, locale: str) -> bytes:
    with force_locale(locale):
        title = _("Settlement statement")
        doc = Document(title, locale)
        doc.add_page()
        y = doc.text_at(LEFT, 15, WIDTH, title, 15, bold=True)
        y = doc.text_at(LEFT, y + 2, WIDTH, statement.business.name, 11, bold=True)
        place = f"{statement.channel.name} · {statement.channel.place}"
        y = doc.text_at(LEFT, y + 1, WIDTH, place, 10)
        y = doc.text_at(
            LEFT, y + 1, WIDTH, _("Period: %(period)s", period=period_text(statement)), 10
        )
        y += 5
        currency = statement.currency
        header = [_("Product"), _("Sold"), currency, "IDR", _("Sent back"), _("On hand")]
        y = doc.table_row(LEFT, y, COLUMNS, header, bold=True)
        for line in statement.lines:
            if y > 250:
                doc.add_page()
                y = doc.table_row(LEFT, 15.0, COLUMNS, header, bold=True)
            y = doc.table_row(
                LEFT,
                y,
                COLUMNS,
                [
                    line.product.name,
                    str(line.units_sold),
                    format_money(line.gross_local, currency, locale),
                    format_rupiah(line.gross_idr, locale),
                    str(line.units_returned),
                    str(line.units_on_hand),
                ],
            )
        figures = totals(statement)
        y += 4
        percent = statement.commission_text
        for label, value in (
            (_("Units sold"), str(figures["units_sold"])),
            (
                _("Gross in %(currency)s", currency=currency),
                format_money(figures["gross_local"], currency, locale),
            ),
            (_("Gross in rupiah"), format_rupiah(figures["gross_idr"], locale)),
            (
                _("Commission (%(percent)s)", percent=percent),
                format_rupiah(figures["commission_idr"], locale),
            ),
            (_("Net payable"), format_rupiah(figures["net_idr"], locale)),
            (_("Units sent back"), str(figures["units_returned"])),
            (_("Units on hand at the end"), str(figures["units_on_hand"])),
        ):
            doc.text_at(LEFT, y, 90, label, 10, bold=label == _("Net payable"))
            y = doc.text_at(LEFT + 95, y, 85, value, 10, bold=label == _("Net payable")) + 1
        y += 4
        doc.text_at(LEFT, y, WIDTH, _paid_text(statement), 9, lines=3)
        return bytes(doc.output())


def _paid_text(statement: Statement) -> str:
    fixed = statement.settlement
    if fixed is None:
        return _("Not issued yet: the figures may still change.")
    if fixed.paid_on is None:
        return _("Issued; not paid yet.")
    return _(
        "Paid on %(date)s, reference %(reference)s.",
        date=printed_date(fixed.paid_on),
        reference=fixed.paid_reference or "",
    )


def statement_csv(statement: Statement) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows: one per product, then the totals."""
    currency = statement.currency
    header = [
        _("Product"),
        _("Shelf code"),
        _("Units sold"),
        _("Gross in %(currency)s", currency=currency),
        _("Gross in rupiah"),
        _("Units sent back"),
        _("Units on hand at the end"),
    ]
    rows: list[list[Any]] = [
        [
            line.product.name,
            line.shelf_code or "",
            line.units_sold,
            line.gross_local,
            line.gross_idr,
            line.units_returned,
            line.units_on_hand,
        ]
        for line in statement.lines
    ]
    figures = totals(statement)
    rows.append(
        [
            _("Total"),
            "",
            figures["units_sold"],
            figures["gross_local"],
            figures["gross_idr"],
            figures["units_returned"],
            figures["units_on_hand"],
        ]
    )
    rows.append(
        [
            _("Commission"),
            f"{statement.commission_percent.normalize():f} %",
            "",
            "",
            figures["commission_idr"],
            "",
            "",
        ]
    )
    rows.append([_("Net payable"), "", "", "", figures["net_idr"], "", ""])
    return header, rows
