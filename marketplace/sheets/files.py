"""The sheet as a file: the empty template and the export of an owner's products, as CSV or as
an Excel workbook, with the column names in Indonesian or English.

The template's CSV has a second row of notes (skipped when it is read back); the workbook has
the notes on a second sheet. The export is the same sheet with a row per product, its code
filled in, so that importing it changes nothing. Both go through the shared writers
(`csv_files`, `spreadsheets`): no text in them is ever read as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.csv_files import csv_text
from marketplace.products.models import Product
from marketplace.sheets.checking import product_cells
from marketplace.sheets.columns import KEYS, headers, notes
from marketplace.spreadsheets import XLSX_TYPE, Format, SheetSpec, file_response, xlsx_bytes

# Columns kept as text in a workbook: the code, and the HS code with its leading zero.
TEXT_COLUMNS = tuple(KEYS.index(key) for key in ("code", "hs_code"))
# Spreadsheets open a CSV as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"


def _general_notes() -> list[str]:
    return [
        _("One product per row, from the row under the column names."),
        _(
            "Each new product is saved as a draft. Add its photos and certifications on the "
            "site, then submit it for review."
        ),
        _(
            "The name in English is required; the name and description in Bahasa Indonesia "
            "are needed before the trade office reviews a product."
        ),
        _("A row with a code changes that product; an exported row left as it is changes nothing."),
    ]


def _notes_sheet(locale: str) -> SheetSpec:
    with force_locale(locale):
        title = _("Notes")
        header = [_("Column"), _("What to write")]
        general = [["", line] for line in _general_notes()]
    rows = [[name, note] for name, note in zip(headers(locale), notes(locale), strict=True)]
    return SheetSpec(title, header, [*rows, ["", ""], *general])


def sheet_file(
    name: str, locale: str, rows: Sequence[Sequence[Any]], fmt: Format, with_notes_row: bool
) -> Response:
    """The sheet `name`.csv or `name`.xlsx with `rows` under the column names in `locale`."""
    header = headers(locale)
    if fmt == "xlsx":
        with force_locale(locale):
            title = _("Products")
        products = SheetSpec(title, header, rows, TEXT_COLUMNS)
        book = xlsx_bytes([products, _notes_sheet(locale)])
        return file_response(book, f"{name}.xlsx", XLSX_TYPE)
    lines: list[Sequence[Any]] = [notes(locale)] if with_notes_row else []
    text = BOM + csv_text(header, [*lines, *rows])
    response = file_response(text.encode("utf-8"), f"{name}.csv", "text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


def export_rows(products: Iterable[Product]) -> list[list[Any]]:
    rows = []
    for product in products:
        cells = product_cells(product)
        rows.append([cells[key] for key in KEYS])
    return rows
