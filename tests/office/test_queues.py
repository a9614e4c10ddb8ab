"""The office's queues: oldest first, counted in the navigation, paused nominations apart, and
the bulk approval that asks for confirmation and leaves alone what changed meanwhile."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.businesses.models import BusinessStatus
from marketplace.db import db, utcnow
from marketplace.ledger.models import AuditEntry, ReportStatus
from marketplace.products.models import Product, ProductStatus
from tests.factories import (
    make_abuse_report,
    make_business,
    make_buyer,
    make_channel,
    make_listing,
    make_product,
)
from tests.interests.helpers import express
from tests.office.helpers import flashes, form_fields


def positions(html: str, names: list[str]) -> list[int]:
    found = [html.find(name) for name in names]
    assert all(p >= 0 for p in found), (names, found)
    return found


def nav_counts(html: str) -> dict[str, int]:
    nav = re.search(r'<nav class="office-nav".*?</nav>', html, re.S)
    assert nav
    return {
        label: int(count)
        for label, count in re.findall(r'>([^<>]+?) <span class="count">(\d+)</span>', nav.group(0))
    }


def _waiting_world() -> dict[str, Any]:
    now = utcnow()
    names = {}
    for name, hours in (("Middle Batik", 5), ("Newest Batik", 1), ("Oldest Batik", 9)):
        business = make_business(name=name, status=BusinessStatus.PENDING)
        business.submitted_at = now - timedelta(hours=hours)
        names[name] = business
    maker = make_business(name="Kriya Maker")
    for name, hours in (("Lamp B", 2), ("Lamp C", 7), ("Lamp A", 3)):
        product = make_product(maker, name=name, status=ProductStatus.PENDING_REVIEW)
        product.submitted_at = now - timedelta(hours=hours)
    paris = make_channel("Little Bandung Paris")
    seoul = make_channel("Little Bandung Seoul", city="Seoul", country_code="KR")
    from marketplace.channels.curation import nominate

    for channel, name, hours in (
        (paris, "Paris lamp", 4),
        (seoul, "Seoul lamp", 8),
        (paris, "Paris basket", 6),
    ):
        product = make_product(maker, name=name)
        nomination = nominate(product, maker.owner, channel, "")
        nomination.created_at = now - timedelta(hours=hours)
    suspended = make_business(name="Suspended Studio")
    paused = make_product(suspended, name="Paused vase")
    nominate(paused, suspended.owner, paris, "")
    suspended.status = BusinessStatus.SUSPENDED
    buyer = make_buyer()
    interest = express(buyer, make_listing("Reported scarf"))
    for reason, hours, status in (
        ("Second report", 2, ReportStatus.OPEN),
        ("First report", 6, ReportStatus.OPEN),
        ("Handled report", 9, ReportStatus.RESOLVED),
    ):
        make_abuse_report(
            buyer,
            "interest",
            interest.id,
            reason,
            status=status,
            created_at=now - timedelta(hours=hours),
        )
    db.session.commit()
    return names


def test_queues_list_the_oldest_first_with_their_counts(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        _waiting_world()
    client = login_as(officer)
    html = client.get("/office/queues/businesses").get_data(as_text=True)
    assert positions(html, ["Oldest Batik", "Middle Batik", "Newest Batik"]) == sorted(
        positions(html, ["Oldest Batik", "Middle Batik", "Newest Batik"])
    )
    html = client.get("/office/queues/products").get_data(as_text=True)
    found = positions(html, ["Lamp C", "Lamp A", "Lamp B"])
    assert found == sorted(found)
    html = client.get("/office/queues/nominations").get_data(as_text=True)
    found = positions(html, ["Little Bandung Seoul", "Little Bandung Paris"])
    assert found == sorted(found)  # the channel with the oldest waiting nomination first
    found = positions(html, ["Paris basket", "Paris lamp"])
    assert found == sorted(found)
    paused_at = html.find("Paused (1)")
    assert paused_at > 0 and html.find("Paused vase") > paused_at
    html = client.get("/office/queues/reports").get_data(as_text=True)
    found = positions(html, ["First report", "Second report"])
    assert found == sorted(found) and "Handled report" not in html
    assert nav_counts(html) == {
        "Queues": 3 + 3 + 3 + 2,
        "Businesses": 3,
        "Products": 3,
        "Nominations": 3,
        "Reports of abuse": 2,
        "Unanswered interests": 0,
    }
    assert 'aria-label="Office, 11 waiting"' in html


def test_the_overview_names_the_oldest_of_each_queue(
    app: Flask, login_as: Any, officer: User
) -> None:
    with app.app_context():
        _waiting_world()
    html = login_as(officer).get("/office/").get_data(as_text=True)
    for text in (
        "Businesses waiting for verification (3)",
        "Products waiting for review (3)",
        "Nominations waiting for a decision (3)",
        "Reports of spam or abuse (2)",
        "Oldest Batik",
        "Lamp C",
        "Little Bandung Seoul",
        "First report",
    ):
        assert text in html, text


def test_people_outside_the_office_see_no_queue_counts(app: Flask, login_as: Any) -> None:
    with app.app_context():
        names = _waiting_world()
        owner = names["Oldest Batik"].owner
        db.session.expunge(owner)
    html = login_as(owner).get("/").get_data(as_text=True)
    assert "waiting" not in html and "/office/" not in html


def _pending(app: Flask, *names: str) -> dict[str, int]:
    with app.app_context():
        maker = make_business(name="Rotan Kita")
        ids = {
            name: make_product(maker, name=name, status=ProductStatus.PENDING_REVIEW).id
            for name in names
        }
        db.session.commit()
    return ids


def test_bulk_approval_asks_first_then_publishes_the_selection(
    app: Flask, login_as: Any, officer: User
) -> None:
    ids = _pending(app, "Rattan tray", "Rattan bowl", "Rattan lamp")
    client = login_as(officer)
    queue = client.get("/office/queues/products").get_data(as_text=True)
    items = re.findall(r'name="items" value="([^"]+)"', queue)
    chosen = [item for item in items if int(item.split("@")[0]) != ids["Rattan lamp"]]
    fields = form_fields(queue, "/office/queues/products/approve")
    confirm = client.post("/office/queues/products/approve", data={**fields, "items": chosen})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Confirm the approval" in page
    assert "Rattan tray" in page and "Rattan bowl" in page and "Rattan lamp" not in page
    with app.app_context():  # nothing is published before the confirmation
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(Product.status == ProductStatus.PUBLISHED)
            )
            == 0
        )
    fields = form_fields(page, "/office/queues/products/approve/confirm")
    hidden = re.findall(r'name="items" value="([^"]+)"', page)
    done = client.post(
        "/office/queues/products/approve/confirm",
        data={"csrf_token": fields["csrf_token"], "items": hidden},
        follow_redirects=True,
    )
    assert "2 products are published." in flashes(done)
    with app.app_context():
        statuses = {n: s for n, s in db.session.execute(sa.select(Product.name, Product.status))}
        assert statuses == {
            "Rattan tray": ProductStatus.PUBLISHED,
            "Rattan bowl": ProductStatus.PUBLISHED,
            "Rattan lamp": ProductStatus.PENDING_REVIEW,
        }
        approvals = db.session.scalars(
            sa.select(AuditEntry.actor_id).where(AuditEntry.action == "product.approved")
        ).all()
        assert approvals == [officer.id, officer.id]


def test_bulk_approval_leaves_alone_what_changed_and_says_so(
    app: Flask, login_as: Any, officer: User
) -> None:
    ids = _pending(app, "Rattan tray", "Rattan bowl")
    client = login_as(officer)
    queue = client.get("/office/queues/products").get_data(as_text=True)
    items = re.findall(r'name="items" value="([^"]+)"', queue)
    fields = form_fields(queue, "/office/queues/products/approve")
    page = client.post("/office/queues/products/approve", data={**fields, "items": items}).get_data(
        as_text=True
    )
    with app.app_context():  # the owner edits the bowl while the officer reads the list
        db.session.get_one(Product, ids["Rattan bowl"]).description = "Now with a lid."
        db.session.commit()
    hidden = re.findall(r'name="items" value="([^"]+)"', page)
    token = form_fields(page, "/office/queues/products/approve/confirm")["csrf_token"]
    done = client.post(
        "/office/queues/products/approve/confirm",
        data={"csrf_token": token, "items": hidden},
        follow_redirects=True,
    )
    messages = flashes(done)
    assert "1 product is published." in messages
    assert "Not approved: Rattan bowl. This item changed after you opened it" in messages
    with app.app_context():
        assert db.session.get_one(Product, ids["Rattan tray"]).status == ProductStatus.PUBLISHED
        assert (
            db.session.get_one(Product, ids["Rattan bowl"]).status == ProductStatus.PENDING_REVIEW
        )


def test_bulk_approval_needs_a_selection(app: Flask, login_as: Any, officer: User) -> None:
    _pending(app, "Rattan tray")
    client = login_as(officer)
    queue = client.get("/office/queues/products").get_data(as_text=True)
    fields = form_fields(queue, "/office/queues/products/approve")
    response = client.post("/office/queues/products/approve", data=fields)
    assert response.status_code == 400
    assert "Select at least one product." in response.get_data(as_text=True)
    response = client.post(
        "/office/queues/products/approve", data={**fields, "items": ["1; DROP TABLE"]}
    )
    assert response.status_code == 400
    assert "The selection could not be read." in response.get_data(as_text=True)
