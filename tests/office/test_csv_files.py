"""No text in a CSV download can be read as a formula, whatever separator the spreadsheet that
opens it guesses: through the writer itself and through the audit log's real download."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from marketplace.accounts.models import User
from marketplace.csv_files import csv_text
from marketplace.db import db
from marketplace.ledger.audit import AuditAction, record_audit

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = [",", ";", "\t", "|"]
HOSTILE = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    '  =HYPERLINK("http://x.example")',
    "\n@SUM(1)",
    'Batik;=HYPERLINK("http://x.example")',
    "Batik,=1+1",
    "Batik\t=1+1",
    "Batik|=1+1",
    'Batik";=1+1;"',
    "line one\n=1+1",
]


def _cells(text: str, separator: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=separator) for cell in row]


def _looks_like_a_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_START) or cell.lstrip().startswith(FORMULA_START)


@pytest.mark.parametrize("separator", SEPARATORS)
def test_no_cell_starts_a_formula_whatever_the_separator(separator: str) -> None:
    text = csv_text(["reason"], [[value] for value in HOSTILE])
    cells = _cells(text, separator)
    assert cells[0] == "reason"
    assert [cell for cell in cells if _looks_like_a_formula(cell)] == []


def test_the_text_is_kept_and_numbers_stay_numbers() -> None:
    rows = [[7, Decimal("12.50"), "-3.5", "Batik, -tulis", "=1+1", " -cmd", "a; =b", ""]]
    text = csv_text(["a", "b", "c", "d", "e", "f", "g", "h"], rows)
    assert text.splitlines()[1] == (
        '7,12.50,"-3.5","Batik, -tulis","\'=1+1","\' -cmd","a; \'=b",""'
    )
    assert _cells(text, ",")[8:] == [
        "7",
        "12.50",
        "-3.5",
        "Batik, -tulis",
        "'=1+1",
        "' -cmd",
        "a; '=b",
        "",
    ]


def test_the_audit_download_is_safe_with_a_semicolon_spreadsheet(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        me = db.session.get_one(User, officer.id)
        record_audit(
            me, AuditAction.PRODUCT_REJECTED, "product", 9, reason='Blurry; =HYPERLINK("x")'
        )
        record_audit(me, AuditAction.PRODUCT_REJECTED, "product", 10, reason="  @SUM(1)")
        db.session.commit()
    text = login_as(officer).get("/office/audit.csv").get_data(as_text=True)
    for separator in SEPARATORS:
        assert [c for c in _cells(text, separator) if _looks_like_a_formula(c)] == [], separator
