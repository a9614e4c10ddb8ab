"""A verified business's change of name, NIB or district in the office: it waits in the
business queue with its before and after; the officer approves (the public pages show the new
name, the address stays) or rejects with a reason the owner then reads. Both are audited."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.businesses.models import Business, BusinessIdentityChange, BusinessStatus
from marketplace.businesses.services import ProfileData, update_business
from marketplace.db import db
from marketplace.notifications.models import Notification
from tests.businesses.helpers import commit_and_detach
from tests.factories import make_business, make_product
from tests.office.helpers import audit_actions, flashes, submit, submit_from

NEW_NIB = "8120215678904"


def asking_business(app: Flask, **asked: Any) -> tuple[int, User, str]:
    """A verified business with a published product, whose owner asked for `asked`."""
    with app.app_context():
        make_business(name="Tenun Ikat Garut", status=BusinessStatus.PENDING)  # a new business
        business = make_business()
        make_product(business, name="Batik silk scarf")
        values = {
            "name": business.name,
            "nib": business.nib,
            "subsector_code": business.subsector_code,
            "district": business.district,
            "description": business.description,
            "contact_email": business.contact_email,
        }
        update_business(business, business.owner, ProfileData(**{**values, **asked}))
        owner, business_id, slug = business.owner, business.id, business.slug
        commit_and_detach(owner)
    return business_id, owner, slug


def heading(client: FlaskClient, slug: str) -> str:
    html = client.get(f"/msmes/{slug}").get_data(as_text=True)
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_the_queue_shows_the_change_with_before_and_after(
    app: Flask, login_as: Any, officer: User
) -> None:
    business_id, _owner, _slug = asking_business(app, name="Batik Nusantara", nib=NEW_NIB)
    office = login_as(officer)
    queue = office.get("/office/queues/businesses").get_data(as_text=True)
    assert "Tenun Ikat Garut" in queue  # the new business still waits as before
    assert "Change of identity" in queue
    assert "Business name: Batik Sekar Jagad → <strong>Batik Nusantara</strong>" in queue
    assert f"NIB: 9120001234568 → <strong>{NEW_NIB}</strong>" in queue
    overview = office.get("/office/").get_data(as_text=True)
    assert "Businesses waiting for verification (2)" in overview
    page = office.get(f"/office/businesses/{business_id}").get_data(as_text=True)
    assert "Change of identity waiting for review" in page
    assert "<td>Batik Sekar Jagad</td><td>Batik Nusantara</td>" in page
    assert f"<td>9120001234568</td><td>{NEW_NIB}</td>" in page


def test_the_officer_approves_and_the_public_pages_show_the_new_name(
    app: Flask, login_as: Any, officer: User, client: FlaskClient
) -> None:
    business_id, owner, slug = asking_business(app, name="Batik Nusantara", nib=NEW_NIB)
    assert heading(client, slug) == "Batik Sekar Jagad"
    office = login_as(officer)
    page = f"/office/businesses/{business_id}"
    response = submit(office, page, f"{page}/identity/approve", follow_redirects=True)
    assert "The new name, NIB and district are approved" in flashes(response)
    assert "Change of identity" not in response.get_data(as_text=True)  # the queue is empty
    assert heading(client, slug) == "Batik Nusantara"  # at the same address
    assert "Batik Nusantara" in client.get("/search?q=scarf").get_data(as_text=True)
    with app.app_context():
        business = db.session.get_one(Business, business_id)
        assert (business.name, business.nib, business.status) == (
            "Batik Nusantara",
            NEW_NIB,
            BusinessStatus.VERIFIED,
        )
        assert db.session.scalar(sa.select(sa.func.count(BusinessIdentityChange.id))) == 0
        told = db.session.scalars(
            sa.select(Notification.link).where(Notification.user_id == owner.id)
        ).all()
        assert told == ["/my/business"]
    assert audit_actions(app, "business", business_id)[-1] == (
        "business.identity_approved",
        officer.id,
    )
    history = office.get(page).get_data(as_text=True)
    assert "Change of name, NIB or district approved" in history


def test_the_officer_rejects_with_a_reason_the_owner_then_reads(
    app: Flask, login_as: Any, officer: User, client: FlaskClient
) -> None:
    business_id, owner, slug = asking_business(app, name="Kopi Aroma Priangan")
    office = login_as(officer)
    page = f"/office/businesses/{business_id}"
    action = f"{page}/identity/reject"
    response = submit(office, page, action, {"identity_reject-reason": " "})
    assert response.status_code == 400
    assert "Please give the reason." in response.get_data(as_text=True)
    response = submit(
        office,
        page,
        action,
        {"identity_reject-reason": "Not the name in OSS."},
        follow_redirects=True,
    )
    assert "The change is rejected" in flashes(response)
    assert heading(client, slug) == "Batik Sekar Jagad"
    dashboard = login_as(owner).get("/my/business").get_data(as_text=True)
    assert "Not the name in OSS." in dashboard
    assert audit_actions(app, "business", business_id)[-1] == (
        "business.identity_rejected",
        officer.id,
    )


def test_a_decision_on_a_request_changed_since_is_refused(
    app: Flask, login_as: Any, officer: User
) -> None:
    business_id, owner, _slug = asking_business(app, name="Batik A")
    office = login_as(officer)
    page = f"/office/businesses/{business_id}"
    opened = office.get(page).get_data(as_text=True)
    with app.app_context():  # the owner asks for something else meanwhile
        business = db.session.get_one(Business, business_id)
        values = {
            "name": "Batik B",
            "nib": business.nib,
            "subsector_code": business.subsector_code,
            "district": business.district,
            "description": business.description,
            "contact_email": business.contact_email,
        }
        update_business(business, business.owner, ProfileData(**values))
        db.session.commit()
    response = submit_from(office, opened, f"{page}/identity/approve", follow_redirects=True)
    assert "edited or decided after you opened it" in flashes(response)
    assert "<td>Batik B</td>" in response.get_data(as_text=True)  # the page shows it now
    with app.app_context():
        assert db.session.get_one(Business, business_id).name == "Batik Sekar Jagad"
