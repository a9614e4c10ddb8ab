"""Sheets as an owner's spreadsheet holds them: rows of text under the template's column names,
written as CSV (commas or semicolons) or as an Excel workbook; and posting them as a browser
does."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from tests.businesses.helpers import post_files
from tests.conftest import csrf_token

UPLOAD_PAGE = "/my/products/sheets/"
PREVIEW = re.compile(r"/my/products/sheets/uploads/([\w-]+)$")


def headers(app: Flask, locale: str) -> list[str]:
    from marketplace.sheets.columns import headers as column_headers

    with app.test_request_context():
        return column_headers(locale)


def keys() -> list[str]:
    from marketplace.sheets.columns import KEYS

    return list(KEYS)


def product_row(n: int, **values: Any) -> dict[str, Any]:
    """A good row: a complete product numbered `n` (column key -> value)."""
    row: dict[str, Any] = {
        "name": f"Bamboo lamp {n}",
        "name_id": f"Lampu bambu {n}",
        "description": f"Hand-woven bamboo lamp, model {n}.",
        "description_id": f"Lampu anyaman bambu, model {n}.",
        "subsector_code": "kriya",
        "hs_code": "9405.40.00",
        "price_idr": 150_000 + n,
        "unit": "piece",
        "moq": 10,
        "lead_time_days": 14,
        "monthly_capacity": 300,
        "materials": "Bamboo",
        "dimensions": "30 x 30 x 40 cm",
        "weight_grams": 800,
    }
    row.update(values)
    return row


def table(app: Flask, rows: Iterable[Mapping[str, Any]], locale: str = "en") -> list[list[Any]]:
    """The header in `locale` and the rows under it, every column of the template."""
    names = keys()
    return [headers(app, locale), *[[row.get(key, "") for key in names] for row in rows]]


def csv_bytes(lines: Sequence[Sequence[Any]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(lines)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(lines: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in lines:
        sheet.append(list(line))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_xlsx(data: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def upload(client: FlaskClient, data: bytes, filename: str = "products.csv") -> Any:
    """Post the file from the upload page; the response is not followed."""
    return post_files(client, UPLOAD_PAGE, files={"sheet": [(data, filename)]})


def preview_path(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert PREVIEW.search(location), location
    return location


def confirm(client: FlaskClient, preview: str) -> Any:
    token = csrf_token(client, preview)
    return client.post(f"{preview}/import", data={"csrf_token": token})
