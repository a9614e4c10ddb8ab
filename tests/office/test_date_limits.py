"""Dates at the edges of the calendar in the office's filters and forms get the form's message,
not a 500: a period is computed from its dates (the start of the first day in UTC, the day after
the last), and 0001-01-01 or 9999-12-31 have neither."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.db import db
from marketplace.ledger.models import ExchangeRate
from marketplace.reference.models import PartnerCity
from tests.conftest import post_form
from tests.office.helpers import submit

MESSAGE = "Date must be between 1900-01-01 and 2100-12-31."
EDGES = ["from=0001-01-01", "to=9999-12-31", "from=0001-01-01&to=9999-12-31", "from=1899-12-31"]


def _city_id(app: Flask) -> int:
    with app.app_context():
        city_id = db.session.scalar(sa.select(PartnerCity.id).limit(1))
    assert city_id is not None, "the reference data has partner cities"
    return city_id


@pytest.mark.parametrize("dates", EDGES)
def test_dates_past_the_calendar_in_filters_get_the_message(
    app: Flask, login_as: Any, officer: User, dates: str
) -> None:
    client = login_as(officer)
    city = _city_id(app)
    for page in (
        "/office/audit",
        "/office/audit.csv",
        "/office/reports",
        "/office/reports.csv",
        "/office/reports/months.csv",
        f"/office/reports/partners/{city}/summary",
        f"/office/reports/partners/{city}/summary.csv",
    ):
        response = client.get(f"{page}?{dates}")
        assert response.status_code == 400, f"{page}?{dates}: {response.status_code}"
        assert MESSAGE in response.get_data(as_text=True), f"{page}?{dates}"


def test_the_first_and_last_dates_allowed_still_report(
    app: Flask, login_as: Any, officer: User
) -> None:
    client = login_as(officer)
    for dates in ("from=1900-01-01&to=1909-12-31", "from=2091-01-01&to=2100-12-31"):
        assert client.get(f"/office/reports?{dates}").status_code == 200
        assert client.get(f"/office/audit?{dates}").status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2101-01-01"])
def test_a_rate_in_force_from_the_edge_of_the_calendar_is_refused(
    app: Flask, login_as: Any, officer: User, day: str
) -> None:
    client = login_as(officer)
    response = submit(
        client,
        "/office/rates",
        "/office/rates",
        {"currency": "EUR", "idr_per_unit": "17500", "effective_on": day},
    )
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate)) == 0


def test_the_message_is_in_the_readers_language(app: Flask, login_as: Any, officer: User) -> None:
    client = login_as(officer)
    assert post_form(client, "/language", {"locale": "id", "next": "/office/"}).status_code == 302
    response = client.get("/office/audit?from=0001-01-01")
    assert response.status_code == 400
    assert "Tanggal harus antara 1900-01-01 dan 2100-12-31." in response.get_data(as_text=True)
