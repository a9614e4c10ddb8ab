"""Every CSV download has an Excel twin holding the same table: the outcome reports (per group,
per month, a partnership's summary), the audit log and the settlement statements (the office's
and the owner's). Text stays text in the workbook, a formula's characters included."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.reference.models import PartnerCity
from marketplace.spreadsheets import XLSX_TYPE
from marketplace.stock.periods import period_before
from marketplace.stock.services import channel_today
from marketplace.stock.settlements import issue_statement
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_business, make_channel, make_product, make_user
from tests.office import report_world as world
from tests.office.test_reports import DATES


def both(client: FlaskClient, path: str, query: str = "") -> tuple[list[list[str]], Any]:
    """The CSV's rows as text, and the workbook's first sheet as cells."""
    suffix = f"?{query}" if query else ""
    with client.get(f"{path}.csv{suffix}") as response:
        assert response.status_code == 200, path
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    with client.get(f"{path}.xlsx{suffix}") as response:
        assert response.status_code == 200, path
        assert response.mimetype == XLSX_TYPE
        assert response.headers["Content-Disposition"].endswith('.xlsx"')
        book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    sheet = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows, sheet


def cell(value: Any) -> Any:
    """A value as both files can be compared: numbers as numbers, text without the apostrophe
    the CSV puts before a formula's first character (the workbook needs none)."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return Decimal(str(value))
    try:
        return Decimal(value)
    except ArithmeticError:
        return str(value).removeprefix("'")


def same_table(rows: list[list[str]], sheet: list[list[Any]]) -> None:
    assert len(rows) == len(sheet) > 1
    for line, cells in zip(rows, sheet, strict=True):
        assert [cell(v) for v in line] == [cell(v) for v in cells]


def test_the_reports_as_workbooks(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        world.build()
        city_id = db.session.scalars(
            sa.select(PartnerCity.id).where(PartnerCity.name == "Braunschweig")
        ).one()
    client = login_as(officer)
    for path in (
        "/office/reports",
        "/office/reports/months",
        f"/office/reports/partners/{city_id}/summary",
    ):
        rows, sheet = both(client, path, f"by=channel&{DATES}")
        same_table(rows, sheet)
        assert all(isinstance(value, int | float) for value in sheet[-1][1:3] if value is not None)
    page = client.get(f"/office/reports?by=channel&{DATES}").get_data(as_text=True)
    assert "/office/reports.xlsx?" in page and "Download this table as Excel (XLSX)" in page
    assert "/office/reports/months.xlsx?" in page
    summary = client.get(f"/office/reports/partners/{city_id}/summary?{DATES}")
    assert f"/office/reports/partners/{city_id}/summary.xlsx?" in summary.get_data(as_text=True)


def test_the_audit_log_as_a_workbook_keeps_a_formula_as_text(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        product = make_product(make_business())
        reason = '=HYPERLINK("http://evil.example","Click")'
        record_audit(None, AuditAction.PRODUCT_REJECTED, "product", product.id, None, None, reason)
        db.session.commit()
    client = login_as(officer)
    rows, sheet = both(client, "/office/audit", "subject_type=product")
    same_table(rows, sheet)
    assert [row[-1] for row in sheet].count(reason) == 1
    page = client.get("/office/audit?subject_type=product").get_data(as_text=True)
    assert "/office/audit.xlsx?subject_type=product" in page
    # The cell is a text cell: no spreadsheet computes it.
    with client.get("/office/audit.xlsx") as response:
        from zipfile import ZipFile

        xml = ZipFile(io.BytesIO(response.get_data())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"HYPERLINK" in xml


def test_a_settlement_statement_as_a_workbook(app: Flask, login_as: Any, officer: User) -> None:
    with app.app_context():
        channel = make_channel()
        channel.commission_percent = Decimal("10")
        business = make_business()
        make_product(business)
        start = period_before(channel, channel_today(channel))[0]
        settlement = issue_statement(channel, business, start, make_user(Role.OFFICER))
        ids = (channel.id, settlement.id)
        owner = business.owner
        commit_and_detach(owner)
    office = login_as(officer)
    rows, sheet = both(office, f"/office/channels/{ids[0]}/settlements/{ids[1]}")
    same_table(rows, sheet)
    page = office.get(f"/office/channels/{ids[0]}/settlements/{ids[1]}").get_data(as_text=True)
    assert "Statement (Excel, XLSX)" in page
    mine = login_as(owner)
    rows, sheet = both(mine, f"/my/settlements/{ids[1]}")
    same_table(rows, sheet)
    assert "Statement (Excel, XLSX)" in mine.get(f"/my/settlements/{ids[1]}").get_data(as_text=True)
    stranger = login_as(make_owner(app))
    assert stranger.get(f"/my/settlements/{ids[1]}.xlsx").status_code == 404


def make_owner(app: Flask) -> User:
    with app.app_context():
        owner = make_business(name="Kriya Lain").owner
        commit_and_detach(owner)
    return owner
