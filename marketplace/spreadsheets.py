"""Every table download as CSV or as an Excel workbook (XLSX), from one header and one list of
rows: `spreadsheet_response(name, header, rows, "csv" | "xlsx")`.

The CSV is `csv_files`' (no text ever read as a formula there). In a workbook a text cell is
typed as text (inline string), so a reason or a name starting with "=" stays the words it is:
a spreadsheet shows it and never computes it, and no apostrophe is needed. Numbers are numbers,
dates and times are written as ISO text (what the CSV holds too). Characters a workbook cannot
hold (control characters other than tab and line breaks) are left out, and a text longer than a
cell may hold (32,767 characters) is cut there.

The workbook is written whole, in openpyxl's write-only mode (rows streamed into the file
rather than kept as cell objects): the first row is bold and stays in view while scrolling,
and each column is as wide as its longest text, within bounds.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from marketplace.csv_files import csv_text

Format = Literal["csv", "xlsx"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_TEXT = 32_767
MIN_WIDTH, MAX_WIDTH = 8, 60


def xlsx_value(value: Any) -> Any:
    """What a workbook cell holds for `value` (text, a number, a truth value or nothing)."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text[:MAX_CELL_TEXT]


def _cell(sheet: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=xlsx_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def _widths(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[int]:
    widths = [len(str(name)) for name in header]
    for row in rows[:200]:  # the first rows tell enough
        for index, value in enumerate(row):
            longest = max((len(line) for line in str(value or "").splitlines()), default=0)
            if index < len(widths):
                widths[index] = max(widths[index], longest)
            else:
                widths.append(longest)
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def add_sheet(
    book: Workbook,
    title: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    text_columns: Iterable[int] = (),
) -> None:
    """A sheet of `book` (in write-only mode) with the header row in bold and kept in view.
    The columns at `text_columns` (0-based) are formatted as text, so that what a person types
    there later stays as typed (an HS code keeps its leading zero)."""
    sheet = book.create_sheet(title=title[:31])
    listed = [list(row) for row in rows]
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_widths(header, listed), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index in text_columns:
        sheet.column_dimensions[get_column_letter(index + 1)].number_format = "@"
    sheet.append([_cell(sheet, name, bold=True) for name in header])
    for row in listed:
        sheet.append([_cell(sheet, value) for value in row])


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of a workbook: its title, header and rows, and the columns kept as text."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    text_columns: tuple[int, ...] = ()


def xlsx_bytes(sheets: Iterable[SheetSpec]) -> bytes:
    """A workbook of these sheets, in that order."""
    book = Workbook(write_only=True)
    for spec in sheets:
        add_sheet(book, spec.title, spec.header, spec.rows, spec.text_columns)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_response(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def spreadsheet_response(
    name: str,
    header: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    fmt: Format,
    title: str = "Sheet1",
) -> Response:
    """The table as `name`.csv or `name`.xlsx (`title` names the workbook's sheet)."""
    if fmt == "xlsx":
        data = xlsx_bytes([SheetSpec(title, header, [list(row) for row in rows])])
        return file_response(data, f"{name}.xlsx", XLSX_TYPE)
    response = file_response(
        csv_text(list(header), rows).encode("utf-8"), f"{name}.csv", "text/csv"
    )
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response
