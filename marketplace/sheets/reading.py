"""Reading an uploaded product sheet, CSV or XLSX, into rows of text under our column keys.

Nothing in a file is ever run or computed:
- an Excel workbook is read as its cells hold it, in openpyxl's read-only mode: a formula is
  read as its text ("=SUM(A1:A3)"), never as the result a spreadsheet computed or would compute;
  a workbook with macros (a VBA project, .xlsm) is refused, and so is an old .xls or a file
  protected with a password (Office's older container);
- a CSV cell starting with = + - or @ is text like any other. Our own exports put an apostrophe
  before such text (`csv_files.safe_cell`), which is taken off again here, so an export read
  back holds the text that was exported.

Limits, each refused with a message that says which: the file's size, the size of a workbook
unpacked, the number of product rows, and the text in all its cells. A cell longer than
MAX_CELL is kept just past that length, so that the row's check says the text is too long.

The first row that is not empty names the columns, in English or Indonesian (see `columns`);
columns we do not know are left out and listed. Empty rows are skipped; the template's row of
notes too. Row numbers are the spreadsheet's: the header is row 1 in a file that starts with it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from marketplace.errors import ServiceError
from marketplace.sheets.columns import CODE, fold, known_headers, note_texts

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 40 * 1024 * 1024
MAX_ROWS = 1000
MAX_CELL = 5000
MAX_TEXT = 12_000_000
MAX_COLUMNS = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACROS = re.compile(r"(^|/)vbaProject[^/]*\.bin$", re.IGNORECASE)
MACRO_TYPES = b"macroEnabled"
CONTENT_TYPES = "[Content_Types].xml"
# The apostrophe `csv_files.safe_cell` writes before a formula's first character.
ESCAPED_START = re.compile(r"^'(?=[ \t\r\n]*[=+\-@\t\r])")
ESCAPED_INSIDE = re.compile(r"([;|\t\r\n][ \t\r\n]*)'(?=[=+\-@])")


class SheetError(ServiceError):
    """The file cannot be read as a product sheet."""


@dataclass
class Sheet:
    """What a file holds: our columns found (in the file's order), the names of those left out,
    and each product row as (row number, {column key: text})."""

    columns: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_sheet(data: bytes) -> Sheet:
    if len(data) > MAX_BYTES:
        raise SheetError(
            _l("The file is larger than %(size)s MB. Split it into smaller files.", size=5)
        )
    if data.startswith(OLE_MAGIC):
        raise SheetError(
            _l(
                "This is an old Excel file (.xls) or one protected by a password. Save it as "
                "an Excel workbook (.xlsx) or as CSV, without a password."
            )
        )
    if data.startswith(ZIP_MAGIC):
        return _rows_to_sheet(_workbook_rows(data))
    return _rows_to_sheet(_csv_rows(data))


# ---------------------------------------------------------------------------------------------
# CSV


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise SheetError(_l("The file is neither a CSV file nor an Excel workbook (.xlsx)."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_l("Save the CSV file as UTF-8 (in Excel: CSV UTF-8)."))


def _delimiter(text: str) -> str:
    """Commas, or what a spreadsheet set up for Indonesian numbers writes: semicolons (or
    tabs); the first line, the column names, tells."""
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def unescape(value: str) -> str:
    """The text `csv_files.safe_cell` wrote an apostrophe into, without it."""
    return ESCAPED_INSIDE.sub(r"\1", ESCAPED_START.sub("", value))


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, row in enumerate(reader, start=1):
            yield number, [unescape(cell) for cell in row[:MAX_COLUMNS]]
    except csv.Error as error:
        raise SheetError(
            _l("The CSV file could not be read (row %(row)s).", row=reader.line_num)
        ) from error


# ---------------------------------------------------------------------------------------------
# XLSX


def _check_archive(data: bytes) -> None:
    unreadable = SheetError(_l("The file could not be read as an Excel workbook (.xlsx)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNPACKED:
            raise SheetError(_l("The workbook holds too much. Split it into smaller files."))
        names = {member.filename for member in members}
        types = archive.read(CONTENT_TYPES) if CONTENT_TYPES in names else b""
    except SheetError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError) as error:
        raise unreadable from error
    if any(MACROS.search(name) for name in names) or MACRO_TYPES in types:
        raise SheetError(
            _l("The workbook holds macros. Save it as an Excel workbook (.xlsx) without them.")
        )


def cell_text(value: object) -> str:
    """A cell's value as the text a person typed: whole numbers without ".0", dates as
    2026-12-07, TRUE and FALSE for truth values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _workbook_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    _check_archive(data)
    try:
        # As the cells hold it: data_only=False keeps a formula as its text.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_vba=False)
    except Exception as error:  # any parser failure on a file someone sent is a refusal
        raise SheetError(_l("The file could not be read as an Excel workbook (.xlsx).")) from error
    try:
        if not book.worksheets:
            raise SheetError(_l("The workbook has no sheet."))
        rows = book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, row in enumerate(rows, start=1):
            yield number, [cell_text(value) for value in row]
    except SheetError:
        raise
    except Exception as error:  # the sheet's XML is read lazily, row by row
        raise SheetError(_l("The file could not be read as an Excel workbook (.xlsx).")) from error
    finally:
        book.close()


# ---------------------------------------------------------------------------------------------
# Rows under the columns


def _header(cells: list[str], sheet: Sheet) -> dict[int, str]:
    """Position -> column key of the header row; refuses a row without the English name."""
    known = known_headers()
    positions: dict[int, str] = {}
    for position, cell in enumerate(cells):
        name = cell.strip()
        if not name:
            continue
        key = known.get(fold(name))
        if key is None:
            sheet.ignored.append(name[:80])
        elif key in positions.values():
            raise SheetError(_l("The column “%(name)s” appears twice.", name=name[:80]))
        else:
            positions[position] = key
    if "name" not in positions.values():
        raise SheetError(
            _l(
                "The first row must name the columns as the template does; the column of the "
                "name in English is missing."
            )
        )
    sheet.columns = list(positions.values())
    return positions


def _rows_to_sheet(rows: Iterator[tuple[int, list[str]]]) -> Sheet:
    sheet = Sheet()
    positions: dict[int, str] | None = None
    notes = note_texts()
    text = 0
    for number, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if positions is None:
            positions = _header(cells, sheet)
            continue
        values = {
            key: cells[pos][: MAX_CELL + 1] for pos, key in positions.items() if pos < len(cells)
        }
        if not any(value.strip() for value in values.values()):
            continue
        if fold(values.get(CODE, "")) in notes or fold(values.get("name", "")) in notes:
            continue  # the template's notes
        if len(sheet.rows) == MAX_ROWS:
            raise SheetError(
                _l(
                    "The file has more than %(num)s rows of products. Split it into smaller files.",
                    num=format_decimal(MAX_ROWS),
                )
            )
        text += sum(len(value) for value in values.values())
        if text > MAX_TEXT:
            raise SheetError(_l("The file holds too much text. Split it into smaller files."))
        sheet.rows.append((number, values))
    if positions is None:
        raise SheetError(_l("The file is empty."))
    if not sheet.rows:
        raise SheetError(_l("The file has no product under its column names."))
    return sheet
