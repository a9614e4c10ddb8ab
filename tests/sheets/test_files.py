"""The template and the export as files: column names in the owner's language (or the one
asked for), the notes beside them, codes and HS codes kept as text in a workbook, and a filled-in
template read back as products."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from marketplace.db import db
from marketplace.products.models import Product
from marketplace.sheets.models import SheetUpload
from tests.sheets.helpers import confirm, csv_bytes, headers, preview_path, upload
from tests.sheets.test_views import count_products, mistakes, owner_of


def csv_lines(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets open it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_template_speaks_the_owners_language(app: Flask, login_as: Any) -> None:
    client = login_as(owner_of(app, "id"))
    with client.get("/my/products/sheets/template.csv") as response:
        assert response.headers["Content-Disposition"] == (
            'attachment; filename="products-template-id.csv"'
        )
        lines = csv_lines(response.get_data())
    assert lines[0] == headers(app, "id")
    assert lines[0][1:3] == ["Nama (bahasa Inggris)", "Nama (Bahasa Indonesia)"]
    assert len(lines) == 2  # the names, and the notes
    assert "kriya (Kriya)" in lines[1][lines[0].index("Subsektor ekonomi kreatif")]
    with client.get("/my/products/sheets/template.csv?language=en") as response:
        assert csv_lines(response.get_data())[0] == headers(app, "en")

    with client.get("/my/products/sheets/template.xlsx?language=en") as response:
        book = load_workbook(io.BytesIO(response.get_data()))
    products, notes = book.worksheets
    assert [cell.value for cell in products[1]] == headers(app, "en")
    assert products.max_row == 1
    assert products.column_dimensions["A"].number_format == "@"  # the code: text
    assert notes["A1"].value == "Column" and notes["B1"].value == "What to write"
    assert notes["A7"].value == "Creative subsector"
    assert "kriya (Crafts)" in notes["B7"].value
    page = client.get("/my/products/sheets/").get_data(as_text=True)
    assert "/my/products/sheets/template.xlsx?language=id" in page


def test_a_filled_in_template_becomes_drafts(app: Flask, login_as: Any) -> None:
    owner = owner_of(app)
    client = login_as(owner)
    with client.get("/my/products/sheets/template.csv") as response:
        lines = csv_lines(response.get_data())
    name = lines[0].index("Name (English)")
    for n in range(3):
        row = [""] * len(lines[0])
        row[name] = f"Rattan tray {n}"
        lines.append(row)
    preview = preview_path(upload(client, csv_bytes(lines)))
    html = client.get(preview).get_data(as_text=True)
    assert mistakes(html) == []
    assert "3 new products, to be added as drafts" in html
    confirm(client, preview)
    assert count_products(app, owner) == 3


def test_a_sheet_with_only_the_names(app: Flask, login_as: Any) -> None:
    owner = owner_of(app)
    client = login_as(owner)
    data = csv_bytes([["Name (English)"], ["Rattan tray"], ["Rattan bowl"]])
    confirm(client, preview_path(upload(client, data)))
    with app.app_context():
        units = set(db.session.scalars(sa.select(Product.unit)))
    assert count_products(app, owner) == 2 and units == {"piece"}


def test_an_upload_expires_after_a_day(app: Flask, login_as: Any) -> None:
    owner = owner_of(app)
    client = login_as(owner)
    preview = preview_path(upload(client, csv_bytes([["Name (English)"], ["Rattan tray"]])))
    with app.app_context():
        kept = db.session.scalars(sa.select(SheetUpload)).one()
        kept.created_at -= timedelta(days=1, minutes=1)
        db.session.commit()
    response = client.get(preview, follow_redirects=True)
    assert "This upload has expired. Please upload the file again." in response.get_data(
        as_text=True
    )
    confirm_response = client.post(
        f"{preview}/import", data={"csrf_token": _token(client)}, follow_redirects=True
    )
    assert "This upload has expired" in confirm_response.get_data(as_text=True)
    assert count_products(app, owner) == 0
    # The next upload clears the expired ones away.
    preview_path(upload(client, csv_bytes([["Name (English)"], ["Rattan bowl"]])))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SheetUpload.id))) == 1


def _token(client: Any) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/my/products/sheets/")


def test_the_dashboard_links_to_the_sheets(app: Flask, login_as: Any) -> None:
    client = login_as(owner_of(app))
    html = client.get("/my/business").get_data(as_text=True)
    assert 'href="/my/products/sheets/"' in html
    assert "Add or change products with a spreadsheet" in html
