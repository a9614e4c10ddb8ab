"""The accounts the office's list finds, downloaded whole as CSV or XLSX with the page's filters,
no cell read as a formula."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Flask
from openpyxl import load_workbook

from marketplace.accounts.models import Role
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_business, make_buyer, make_officer, make_user


def test_the_filtered_accounts_download_as_csv_and_xlsx(app: Flask, login_as: Any) -> None:
    with app.app_context():
        officer = make_officer()
        make_buyer('=HYPERLINK("x")', name="Anna Becker")
        owner = make_user(Role.MSME, name="Siti Rahayu")
        make_business(owner, name="Batik Sekar")
        commit_and_detach(officer)
    office = login_as(officer)
    page = office.get("/office/accounts?role=buyer").get_data(as_text=True)
    assert "/office/accounts.csv?role=buyer" in page and "/office/accounts.xlsx?role=buyer" in page

    table = office.get("/office/accounts.csv?role=buyer")
    assert table.status_code == 200
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["id", "name", "email", "role", "status"]
    assert [row[1] for row in rows[1:]] == ["Anna Becker"]
    assert rows[1][8].startswith("'=")  # the company is text, never a formula

    owners = office.get("/office/accounts.xlsx?role=msme")
    sheet = load_workbook(io.BytesIO(owners.data)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [(row[1], row[8]) for row in values[1:]] == [("Siti Rahayu", "Batik Sekar")]

    refused = office.get("/office/accounts.csv?status=nonsense")
    assert refused.status_code == 400
    assert login_as_buyer_refused(app, login_as)


def login_as_buyer_refused(app: Flask, login_as: Any) -> bool:
    with app.app_context():
        buyer = make_buyer("Someone")
        commit_and_detach(buyer)
    return login_as(buyer).get("/office/accounts.csv").status_code == 403
