"""An owner's sheet of products, through the pages: upload, the preview of every row with its
mistakes in the owner's language, the import of the rows that passed (once), and the export
that, read back, changes nothing."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.products.models import Product, ProductStatus
from tests.businesses.helpers import commit_and_detach, post_files
from tests.conftest import csrf_token
from tests.factories import make_business, make_user
from tests.sheets.helpers import (
    confirm,
    csv_bytes,
    preview_path,
    product_row,
    table,
    upload,
)

# The three bad rows of the 200 (their row numbers in the spreadsheet: the header is row 1).
BAD = {
    41: {"hs_code": "12AB"},  # row 41: letters in the HS code
    102: {"price_idr": "150000,50"},  # row 102: a price with sen
    187: {"name": ""},  # row 187: no name in English
}
MESSAGES = {
    "en": {
        41: ("HS code", "The HS code has 6 to 10 digits."),
        102: ("Price in rupiah (IDR)", "Enter the price in whole rupiah, e.g. 150000."),
        187: ("Name (English)", "This field is required."),
    },
    "id": {
        41: ("Kode HS", "Kode HS terdiri atas 6 sampai 10 digit."),
        102: (
            "Harga dalam rupiah (IDR)",
            "Masukkan harga dalam rupiah tanpa desimal, misalnya 150000.",
        ),
        187: ("Nama (bahasa Inggris)", "Kolom ini wajib diisi."),
    },
}


ROW_LINE = r"<tr>\s*<th scope=\"row\">(\d+)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>"


def owner_of(app: Flask, locale: str = "en", name: str = "Awi Kriya") -> User:
    with app.app_context():
        owner = make_user(Role.MSME, locale=locale)
        make_business(owner, name=name, subsector_code="kriya")
        commit_and_detach(owner)
    return owner


def two_hundred_rows() -> list[dict[str, Any]]:
    """Rows 2..201 of the sheet: 197 good products and the three bad ones of BAD."""
    rows = []
    for number in range(2, 202):
        rows.append(product_row(number, **BAD.get(number, {})))
    return rows


def count_products(app: Flask, owner: User) -> int:
    with app.app_context():
        return (
            db.session.scalar(
                sa.select(sa.func.count(Product.id))
                .join(Product.business)
                .where(Product.business.has(owner_id=owner.id))
            )
            or 0
        )


def mistakes(html: str) -> list[tuple[str, str, str]]:
    """(row, column, message) of each line of the preview's table of mistakes."""
    if 'id="mistakes"' not in html:
        return []
    body = html.split('id="mistakes"', 1)[1].split("</table>", 1)[0]
    lines = re.findall(ROW_LINE, body, re.S)
    return [(row, unescape(column.strip()), unescape(text.strip())) for row, column, text in lines]


@pytest.mark.parametrize("locale", ["en", "id"])
def test_two_hundred_rows_with_three_mistakes(app: Flask, login_as: Any, locale: str) -> None:
    owner = owner_of(app, locale)
    client = login_as(owner)
    preview = preview_path(upload(client, csv_bytes(table(app, two_hundred_rows(), locale))))

    html = client.get(preview).get_data(as_text=True)
    expected = [(str(row), column, text) for row, (column, text) in MESSAGES[locale].items()]
    assert mistakes(html) == expected
    assert count_products(app, owner) == 0

    response = confirm(client, preview)
    assert response.status_code == 302
    assert count_products(app, owner) == 197
    with app.app_context():
        statuses = set(db.session.scalars(sa.select(Product.status)))
    assert statuses == {ProductStatus.DRAFT}


def products_of(app: Flask, owner: User) -> dict[str, tuple[Any, ...]]:
    """Each of the owner's products by slug: everything the sheet holds, its status and when it
    was last changed."""
    from marketplace.sheets.checking import product_cells

    with app.app_context():
        products = db.session.scalars(
            sa.select(Product).join(Product.business).where(Product.business.has(owner_id=owner.id))
        ).all()
        return {
            p.slug: (tuple(sorted(product_cells(p).items())), p.status, p.updated_at)
            for p in products
        }


def audit_count(app: Flask) -> int:
    from marketplace.ledger.models import AuditEntry

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) or 0


ODD_ROWS = [
    # Text a spreadsheet would take for a formula, in a name and after a semicolon.
    product_row(2, name="=SUM(A1:A3) lamp", story="From Tasik; =HYPERLINK(x)"),
    product_row(3, name="-5 lamp", name_de="Bambuslampe", description_de="Handgeflochten."),
    product_row(4, price_idr="Rp 1.250.000", materials_id="Bambu hitam", story_id="Dari Garut."),
    # Only the name: every other column empty.
    {"name": "Bare lamp"},
    product_row(6, name="Lampu 灯 램프", name_zh="竹灯", name_ko="대나무 램프", unit="Pasang"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_and_importing_the_export_changes_nothing(
    app: Flask, login_as: Any, fmt: str
) -> None:
    owner = owner_of(app, "id")
    with app.app_context():
        from marketplace.businesses.models import Business
        from tests.factories import make_product

        business = db.session.scalar(sa.select(Business).where(Business.owner_id == owner.id))
        make_product(business, name="Published scarf")
        make_product(business, name="Archived scarf", status=ProductStatus.ARCHIVED)
        db.session.commit()
    client = login_as(owner)
    preview = preview_path(upload(client, csv_bytes(table(app, ODD_ROWS, "id"))))
    assert mistakes(client.get(preview).get_data(as_text=True)) == []
    confirm(client, preview)
    before, audited = products_of(app, owner), audit_count(app)
    assert len(before) == 7
    with app.app_context():
        stored = db.session.scalar(sa.select(Product).where(Product.name.like("=SUM%")))
        assert stored is not None and stored.story == "From Tasik; =HYPERLINK(x)"
        assert stored.hs_code == "94054000"

    exported = client.get(f"/my/products/sheets/export.{fmt}")
    assert exported.status_code == 200
    again = preview_path(upload(client, exported.data, f"export.{fmt}"))
    html = client.get(again).get_data(as_text=True)
    assert mistakes(html) == []
    assert "7 sudah ada, tidak berubah" in html or "7 already there, unchanged" in html
    # The owner reads Indonesian.
    assert "Tidak ada yang dapat diimpor dari berkas ini." in html
    confirm(client, again)

    assert products_of(app, owner) == before
    assert audit_count(app) == audited


def test_a_row_of_the_export_changed_in_the_file_changes_that_product(
    app: Flask, login_as: Any
) -> None:
    owner = owner_of(app)
    client = login_as(owner)
    confirm(client, preview_path(upload(client, csv_bytes(table(app, [product_row(2)])))))
    with app.app_context():
        from tests.factories import make_certification

        (product,) = db.session.scalars(sa.select(Product)).all()
        product.certifications.append(make_certification(product.business))
        db.session.commit()
    exported = client.get("/my/products/sheets/export.csv").get_data(as_text=True)
    changed = exported.replace("150002", "175000").encode("utf-8")
    preview = preview_path(upload(client, changed))
    html = client.get(preview).get_data(as_text=True)
    assert "Changes your product" in html
    confirm(client, preview)
    with app.app_context():
        (product,) = db.session.scalars(sa.select(Product)).all()
        assert product.price_idr == 175_000
        assert product.status == ProductStatus.DRAFT
        assert product.translations[0].name == "Lampu bambu 2"
        assert [c.certification_code for c in product.certifications] == ["halal"]


def test_a_workbook_with_a_mistake_and_a_formula(app: Flask, login_as: Any) -> None:
    from openpyxl import Workbook

    owner = owner_of(app)
    client = login_as(owner)
    rows = [product_row(n) for n in range(2, 12)]
    rows[3]["price_idr"] = "=C2*2"  # row 5: a formula as the price
    lines = table(app, rows)
    book = Workbook()
    sheet = book.active
    for line in lines:
        sheet.append(line)
    sheet["B3"] = '=CONCAT("Bamboo", " lamp")'  # row 3: the name is a formula
    sheet["C7"] = '=HYPERLINK("http://evil.example", "click")'  # row 7, Indonesian name
    buffer = io.BytesIO()
    book.save(buffer)
    preview = preview_path(upload(client, buffer.getvalue(), "products.xlsx"))
    html = client.get(preview).get_data(as_text=True)
    assert mistakes(html) == [
        ("5", "Price in rupiah (IDR)", "Enter the price in whole rupiah, e.g. 150000.")
    ]
    confirm(client, preview)
    with app.app_context():
        names = set(db.session.scalars(sa.select(Product.name)))
        assert len(names) == 9
        assert '=CONCAT("Bamboo", " lamp")' in names
        from marketplace.products.models import ProductTranslation

        texts = set(db.session.scalars(sa.select(ProductTranslation.name)))
        assert '=HYPERLINK("http://evil.example", "click")' in texts


def test_a_double_confirmation_imports_once(app: Flask, login_as: Any) -> None:
    owner = owner_of(app)
    client = login_as(owner)
    preview = preview_path(upload(client, csv_bytes(table(app, [product_row(2), product_row(3)]))))
    first = confirm(client, preview)
    second = confirm(client, preview)
    assert first.status_code == second.status_code == 302
    assert count_products(app, owner) == 2
    page = client.get("/my/business").get_data(as_text=True)
    assert "This file is imported already." in page
    assert "The file is imported" in client.get(preview).get_data(as_text=True)


def test_another_owner_cannot_see_or_confirm_a_preview(app: Flask, login_as: Any) -> None:
    owner, other = owner_of(app), owner_of(app, name="Batik Lain")
    client = login_as(owner)
    preview = preview_path(upload(client, csv_bytes(table(app, [product_row(2)]))))
    stranger = login_as(other)
    assert stranger.get(preview).status_code == 404
    token = csrf_token(stranger, "/my/products/sheets/")
    assert stranger.post(f"{preview}/import", data={"csrf_token": token}).status_code == 404
    assert count_products(app, owner) == count_products(app, other) == 0
    assert client.get(preview).status_code == 200


def test_the_forms_need_their_csrf_token(app: Flask, login_as: Any) -> None:
    owner = owner_of(app)
    client = login_as(owner)
    data = csv_bytes(table(app, [product_row(2)]))
    values: MultiDict[str, Any] = MultiDict()
    values.add("sheet", FileStorage(io.BytesIO(data), filename="products.csv"))
    boundary, body = encode_multipart(values)
    refused = client.post(
        "/my/products/sheets/", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert refused.status_code == 400
    with app.app_context():
        from marketplace.sheets.models import SheetUpload

        assert db.session.scalar(sa.select(sa.func.count(SheetUpload.id))) == 0
    preview = preview_path(upload(client, data))
    assert client.post(f"{preview}/import").status_code == 400
    assert count_products(app, owner) == 0


def test_too_large_a_file_and_too_many_rows_are_refused(app: Flask, login_as: Any) -> None:
    owner = owner_of(app)
    client = login_as(owner)
    big = csv_bytes(table(app, [product_row(2, description="x" * 4000) for _ in range(1400)]))
    assert len(big) > 5 * 1024 * 1024
    response = upload(client, big)
    assert response.status_code == 400
    assert "The file is larger than 5 MB." in unescape(response.get_data(as_text=True))

    many = csv_bytes(table(app, [{"name": f"Lamp {n}"} for n in range(1001)]))
    response = upload(client, many)
    assert response.status_code == 400
    assert "The file has more than 1,000 rows of products." in response.get_data(as_text=True)
    with app.app_context():
        from marketplace.sheets.models import SheetUpload

        assert db.session.scalar(sa.select(sa.func.count(SheetUpload.id))) == 0
    # A thousand is the limit, not past it.
    assert (
        upload(client, csv_bytes(table(app, [{"name": f"L {n}"} for n in range(1000)]))).status_code
        == 302
    )


def test_an_owner_without_a_business_is_asked_for_one_first(app: Flask, login_as: Any) -> None:
    with app.app_context():
        owner = make_user(Role.MSME)
        commit_and_detach(owner)
    client = login_as(owner)
    response = client.get("/my/products/sheets/")
    assert response.status_code == 302 and response.headers["Location"] == "/my/business/edit"
    assert client.get("/my/products/sheets/export.csv").status_code == 404
    assert client.get("/my/products/sheets/template.xlsx").status_code == 200
    token = csrf_token(client, "/my/business/edit")
    values: MultiDict[str, Any] = MultiDict({"csrf_token": token})
    values.add("sheet", FileStorage(io.BytesIO(b"Name (English)\r\nLamp\r\n"), filename="a.csv"))
    boundary, body = encode_multipart(values)
    posted = client.post(
        "/my/products/sheets/", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert posted.status_code == 404


def test_no_file_or_a_broken_one_gets_a_message(app: Flask, login_as: Any) -> None:
    client = login_as(owner_of(app))
    response = post_files(client, "/my/products/sheets/", files={"sheet": []})
    assert response.status_code == 400
    assert "Please choose a file." in response.get_data(as_text=True)
    response = upload(client, b"PK\x03\x04 not a workbook", "products.xlsx")
    assert response.status_code == 400
    assert "could not be read as an Excel workbook" in response.get_data(as_text=True)


def test_codes_that_name_no_product_of_yours_twice_or_an_archived_one(
    app: Flask, login_as: Any
) -> None:
    owner, other = owner_of(app), owner_of(app, name="Batik Lain")
    with app.app_context():
        from marketplace.businesses.models import Business
        from tests.factories import make_product

        mine = db.session.scalar(sa.select(Business).where(Business.owner_id == owner.id))
        theirs = db.session.scalar(sa.select(Business).where(Business.owner_id == other.id))
        archived = make_product(mine, name="Old scarf", status=ProductStatus.ARCHIVED).slug
        published = make_product(mine, name="Silk scarf").slug
        foreign = make_product(theirs, name="Their scarf").slug
        db.session.commit()
    client = login_as(owner)
    exported = client.get("/my/products/sheets/export.csv").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    header, rows = lines[0], {line[0]: line for line in lines[1:]}
    name = header.index("Name (English)")
    rows[archived][name] = "Old scarf, new name"
    rows[published][name] = "Silk scarf, longer"
    twice = list(rows[published])
    strangers = list(rows[published])
    strangers[0] = foreign
    data = csv_bytes([header, rows[archived], rows[published], twice, strangers])
    preview = preview_path(upload(client, data))
    assert mistakes(client.get(preview).get_data(as_text=True)) == [
        ("2", "—", "Restore the product before you change it."),
        ("4", "Code", "This code is in row 3 too."),
        ("5", "Code", "None of your products has this code. Leave it empty to add a new product."),
    ]
    html = client.get(preview).get_data(as_text=True)
    assert "Published: changed texts go back to the trade office for review." in html
    confirm(client, preview)
    with app.app_context():
        changed = db.session.scalar(sa.select(Product).where(Product.slug == published))
        assert changed is not None and changed.name == "Silk scarf, longer"
        assert changed.status == ProductStatus.PENDING_REVIEW
        assert len(changed.images) == 1  # its photo stays
        old = db.session.scalar(sa.select(Product).where(Product.slug == archived))
        assert old is not None and old.name == "Old scarf"
        theirs_now = db.session.scalar(sa.select(Product).where(Product.slug == foreign))
        assert theirs_now is not None and theirs_now.name == "Their scarf"
