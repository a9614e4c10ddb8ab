"""What a URL may carry: input the database cannot hold is refused at the door, not half-way
into a query (where it used to end in a 500).

- An id in a URL (`<int:...>`) is a number an integer column can hold (at most 2**31 - 1), written
  in ASCII digits. Anything else names nothing and is a 404, without asking the database
  (`/products/18446744073709551616/edit` used to overflow the query).
- A URL path holding a NUL character names nothing (404): PostgreSQL text cannot store U+0000
  and psycopg refuses to send it, so `/t/a%00b` used to end in a 500 at the slug lookup.
  The query string is read by forms (the base form, `marketplace.forms.Form`, gives a NUL its
  message, and the catalog leaves out what it does not understand, saying so) and by the API's
  argument schemas (a 400 naming the argument), so it is not refused wholesale here.
- A page number from the query string is read with `page_number`, never past what an
  OFFSET can hold. A public listing numbered by `?page=` (`numbered_page`) gives each of its
  pages one address: a value that is not one of its pages, written plainly, is a 404.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, abort, request
from flask_sqlalchemy.pagination import Pagination
from werkzeug.routing import IntegerConverter, Map, ValidationError

from marketplace.db import db

# The largest value of the integer (int4) columns every id is stored in, and of the largest
# integer columns (bigint) any number is stored in.
DB_INT_MAX = 2**31 - 1
DB_BIGINT_MAX = 2**63 - 1
NUL = "\x00"
MAX_PAGE = 100_000
# Products on a page of a line-up (a channel's, an MSME's), as many as on a catalog page.
LINEUP_PER_PAGE = 24


class DatabaseIntConverter(IntegerConverter):
    """Werkzeug's `int` converter, bounded to the ids the database can hold by default."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = DB_INT_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> Any:
        # A long run of digits is out of range whatever it says; int() would refuse past 4300.
        if self.max is not None and len(value.lstrip("-0")) > len(str(self.max)):
            raise ValidationError()
        return super().to_python(value)


def has_nul(value: str) -> bool:
    return NUL in value


def _refuse_nul_in_the_path() -> None:
    if has_nul(request.path):
        abort(404)


def page_number(raw: str | None) -> int:
    """A page number from the query string: 1 for anything that is not one (or is too large)."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)):
        return 1
    page = int(raw)
    return page if 1 <= page <= MAX_PAGE else 1


def numbered_page(query: sa.Select[Any], per_page: int) -> Pagination:
    """Page `?page=` of `query` (absent: the first), in two statements (the rows and a count)
    whatever the page. Anything else than the plain number of one of its pages ("0", "02", "x",
    a number past the last page) is a 404, so that crawlers find no endless run of empty or
    duplicate pages. An empty listing has its first page."""
    raw = request.args.get("page")
    number = page_number(raw)
    if raw is not None and raw != str(number):
        abort(404)
    page = db.paginate(query, page=number, per_page=per_page, error_out=False, count=True)
    if number > max(page.pages, 1):
        abort(404)
    return page


def init_inputs(app: Flask) -> None:
    """Call before the blueprints are registered: their rules take the converter when added."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(_refuse_nul_in_the_path)
