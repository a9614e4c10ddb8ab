"""The stand pages through the HTTP stack: a coordinator reaches the assigned channels only,
records movements and shipments with clear refusals, and prints a shipment's packing list."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

from marketplace.accounts.models import Role, User
from marketplace.channels import coordinators
from marketplace.channels.models import ChannelKind, Nomination
from marketplace.db import db
from marketplace.stock.models import StockMovement
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.concurrency import form_post, run_together
from tests.conftest import post_form
from tests.factories import (
    harz_und_heide,
    make_channel,
    make_officer,
    make_user,
    owner_with_products,
    set_rate,
)


def _two_channels(app: Flask) -> dict[str, Any]:
    """A showroom whose coordinator is Min-ji, with two accepted products of one MSME; a fair
    with one accepted product she does not work at."""
    with app.app_context():
        showroom = make_channel("Little Bandung Seoul", kind=ChannelKind.SHOWROOM)
        fair = harz_und_heide()
        officer = make_officer()
        ours = [accept(officer, n) for n in nominate_all(owner_with_products(2), showroom)]
        (theirs,) = [accept(officer, n) for n in nominate_all(owner_with_products(1), fair)]
        set_rate("EUR", "17500", date(2026, 1, 1))
        admin = make_user(Role.ADMIN)
        minji = make_user(Role.COORDINATOR, name="Kim Min-ji")
        coordinators.assign_channels(admin, minji, [showroom.id])
        db.session.flush()
        data = {
            "showroom": showroom.id,
            "fair": fair.id,
            "ours": [n.id for n in ours],
            "theirs": theirs.id,
            "business": ours[0].product.business_id,
            "their_business": theirs.product.business_id,
            "names": [n.product.name for n in ours],
        }
        commit_and_detach(minji)
    data["minji"] = minji
    return data


def _filled_date(html: str, name: str) -> str:
    """The date a form's field `name` is filled in with (the channel's today)."""
    found = re.search(rf'name="{name}"[^>]*value="([\d-]+)"', html)
    assert found, f"no date filled in for {name}"
    return found.group(1)


def test_a_coordinator_sees_only_the_assigned_channels(app: Flask, login_as: Any) -> None:
    data = _two_channels(app)
    client = login_as(data["minji"])
    index = client.get("/stand/").get_data(as_text=True)
    assert "Little Bandung Seoul" in index and "Harz und Heide" not in index
    page = client.get(f"/stand/{data['showroom']}").get_data(as_text=True)
    assert all(name in page for name in data["names"])
    # Her navigation leads to the stands only, not to the office.
    assert 'href="/stand/"' in page and 'href="/office/"' not in page


def test_recording_movements_with_clear_refusals(app: Flask, login_as: Any) -> None:
    data = _two_channels(app)
    client = login_as(data["minji"])
    page = f"/stand/{data['showroom']}/stock/{data['ours'][0]}"
    today = client.get(page).get_data(as_text=True)
    day = _filled_date(today, "move-moved_on")

    refused = post_form(
        client, page, {"move-kind": "received", "move-quantity": "3", "move-moved_on": day}
    )
    assert refused.status_code == 400
    assert "Only 0 pieces are on their way to the channel." in refused.get_data(as_text=True)
    empty = post_form(
        client, page, {"move-kind": "lost", "move-quantity": "", "move-moved_on": day}
    )
    assert empty.status_code == 400
    assert "Please fill in this field." in empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StockMovement.id))) == 0

    shipment_page = f"/stand/{data['showroom']}/shipments/new/{data['business']}"
    ours = data["ours"]
    shipped = post_form(
        client, shipment_page, {f"q{ours[0]}": "6", f"q{ours[1]}": "", "shipped_on": day}
    )
    assert shipped.status_code == 302
    received = post_form(
        client, page, {"move-kind": "received", "move-quantity": "6", "move-moved_on": day}
    )
    assert received.status_code == 302
    sold = post_form(
        client,
        f"{page}/sales",
        {"sale-quantity": "2", "sale-unit_price": "1.000,50", "sale-sold_on": day},
        page=page,
    )
    assert sold.status_code == 302
    shelved = post_form(
        client,
        page,
        {
            "move-kind": "shelved",
            "move-quantity": "4",
            "move-moved_on": day,
            "move-shelf_code": "a-7",
        },
    )
    assert shelved.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert '<dd id="on-hand">4</dd>' in html and "A-7" in html
    assert "Kim Min-ji" in html  # who recorded each movement
    with app.app_context():
        nomination = db.session.get_one(Nomination, ours[0])
        assert (nomination.quantity_shipped, nomination.on_hand, nomination.shelf_code) == (
            6,
            4,
            "A-7",
        )


def test_a_shipment_and_its_packing_list(app: Flask, login_as: Any) -> None:
    data = _two_channels(app)
    client = login_as(data["minji"])
    ours = data["ours"]
    form_page = f"/stand/{data['showroom']}/shipments/new/{data['business']}"
    html = client.get(form_page).get_data(as_text=True)
    assert all(f'<label for="q{n}">' in html for n in ours)
    day = _filled_date(html, "shipped_on")
    nothing = post_form(client, form_page, {"shipped_on": day})
    assert nothing.status_code == 400
    assert "at least one product" in nothing.get_data(as_text=True)
    done = post_form(
        client,
        form_page,
        {f"q{ours[0]}": "20", f"q{ours[1]}": "5", "shipped_on": day, "note": "Two boxes."},
    )
    assert done.status_code == 302
    shipment_page = done.headers["Location"]
    page = client.get(shipment_page).get_data(as_text=True)
    assert "Packing list (PDF)" in page
    pdf = client.get(f"{shipment_page}/packing-list.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "no-store" in pdf.headers["Cache-Control"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Packing list" in text and "Little Bandung Seoul" in text
    assert all(name in text for name in data["names"])
    assert "Pieces in all: 25" in text and "Two boxes." in text


@pytest.mark.committing
def test_two_sales_of_the_last_pieces_at_once_cannot_oversell(app: Flask, login_as: Any) -> None:
    data = _two_channels(app)
    with app.app_context():
        admin = db.session.scalars(sa.select(User).where(User.role == Role.ADMIN)).one()
        second = make_user(Role.COORDINATOR, name="Lee Seo-yeon")
        coordinators.assign_channels(admin, second, [data["showroom"]])
        commit_and_detach(second)
    page = f"/stand/{data['showroom']}/stock/{data['ours'][0]}"
    first = login_as(data["minji"])
    shipment = f"/stand/{data['showroom']}/shipments/new/{data['business']}"
    day = _filled_date(first.get(page).get_data(as_text=True), "move-moved_on")
    post_form(first, shipment, {f"q{data['ours'][0]}": "3", "shipped_on": day})
    post_form(first, page, {"move-kind": "received", "move-quantity": "3", "move-moved_on": day})

    sale = {"sale-quantity": "2", "sale-unit_price": "15000", "sale-sold_on": day}
    selling = f"{page}/sales"
    results = run_together(
        [form_post(first, selling, sale, page), form_post(login_as(second), selling, sale, page)]
    )
    assert sorted(results) == [302, 400]
    with app.app_context():
        nomination = db.session.get_one(Nomination, data["ours"][0])
        assert (nomination.quantity_sold, nomination.on_hand) == (2, 1)
