"""CSV downloads: UTF-8, a header row, one line per record.

The file is written whole before it is sent: a streamed body would keep the request's context
open until the client reads it to the end, which a client that stops early never does.

The office opens these files in spreadsheets, and some of the text (reasons, names) was typed
by people outside it, so no text may be read as a formula, whatever separator the spreadsheet
guesses, following OWASP's advice on CSV injection:

- a text cell starting with =, +, -, @, a tab or a carriage return, also after leading spaces
  or line breaks (which some spreadsheets skip), gets a leading apostrophe, which spreadsheets
  read as "this is text";
- inside a text cell, such a character after a semicolon, a tab, a pipe or a line break gets
  an apostrophe too. The file is separated by commas and quoted properly for that, but a
  spreadsheet set up for Indonesian or European numbers splits on semicolons instead, and then
  ignores the quoting: "Blurry; =HYPERLINK(..)" would become a cell of its own. (Commas need
  nothing: a spreadsheet that splits on them reads the quoting right.) JSON in a cell stays
  valid, as these characters only appear inside its strings;
- every text cell is quoted. Plain numbers ("-12.5") are data and stay as they are, and
  numbers (int, Decimal) are written unquoted.

Every CSV export goes through here (by way of `spreadsheets.spreadsheet_response`, which writes
the same table as an Excel workbook too): the office's, the settlement statements MSMEs download,
and an owner's sheet of products.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)
# A separator other than the comma (and the blanks after it) before a formula's first character.
AFTER_SEPARATOR = re.compile(r"([;|\t\r\n][ \t\r\n]*)(?=[=+\-@])")


def safe_cell(value: Any) -> Any:
    if not isinstance(value, str) or PLAIN_NUMBER.fullmatch(value):
        return value
    value = AFTER_SEPARATOR.sub(r"\1'", value)
    if value.startswith(FORMULA_START) or value.lstrip().startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    # Text quoted, numbers not: see the module's docstring.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
