"""An admin opens a coordinator's account from the office and assigns its channels; the new
coordinator chooses a password through the mailed link and lands on the stand pages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.channels.coordinators import coordinated_channels
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from tests.accounts.helpers import link_path, log_in, outbox
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import harz_und_heide, little_bandung, make_officer, make_user

NEW = "a long stand password 2026"


def _channels(app: Flask) -> tuple[int, int]:
    with app.app_context():
        ids = (little_bandung().id, harz_und_heide().id)
        db.session.commit()
    return ids


def test_an_admin_opens_a_coordinators_account(app: Flask, login_as: Any) -> None:
    seoul, fair = _channels(app)
    with app.app_context():
        admin = make_user(Role.ADMIN)
        commit_and_detach(admin)
    client = login_as(admin)
    page = "/office/coordinators"
    form = client.get(page).get_data(as_text=True)
    assert "New coordinator" in form and "Little Bandung" in form

    no_channel = post_form(
        client, page, {"name": "Kim Min-ji", "email": "minji@lb.example", "locale": "ko"}
    )
    assert no_channel.status_code == 400
    assert "Choose at least one channel." in no_channel.get_data(as_text=True)

    created = post_form(
        client,
        page,
        {"name": "Kim Min-ji", "email": "minji@lb.example", "locale": "ko", "channel_ids": seoul},
    )
    assert created.status_code == 302
    listing = client.get(page).get_data(as_text=True)
    assert "Kim Min-ji" in listing and "minji@lb.example" in listing
    again = post_form(
        client,
        page,
        {"name": "Kim", "email": "MINJI@lb.example", "locale": "en", "channel_ids": seoul},
    )
    assert again.status_code == 400
    assert "already exists" in again.get_data(as_text=True)

    ((_to, subject, body),) = outbox(app, "minji@lb.example")
    assert "Bandung" in subject and "Kim Min-ji" in body
    with app.app_context():
        minji = db.session.scalars(sa.select(User).where(User.email == "minji@lb.example")).one()
        assert (minji.role, minji.locale, minji.has_password) == (Role.COORDINATOR, "ko", False)
        assert [c.id for c in coordinated_channels(minji)] == [seoul]
        audited = db.session.scalars(
            sa.select(AuditEntry.after).where(AuditEntry.action == "channel.coordinators")
        ).all()
        assert audited == [{"channels": ["little-bandung"]}]

    # She chooses a password through the link, logs in, and reaches her stand.
    visitor = app.test_client()
    reset = link_path(body, "/auth/reset/")
    chosen = post_form(visitor, reset, {"password": NEW, "confirm": NEW})
    assert chosen.status_code == 302
    assert log_in(visitor, "minji@lb.example", NEW).status_code == 302
    assert "Little Bandung" in visitor.get("/stand/").get_data(as_text=True)
    assert visitor.get(f"/stand/{fair}").status_code == 404
    assert visitor.get("/office/").status_code == 403


def test_an_admin_changes_the_channels_and_an_officer_only_reads(app: Flask, login_as: Any) -> None:
    seoul, fair = _channels(app)
    with app.app_context():
        admin, officer = make_user(Role.ADMIN), make_officer()
        minji = make_user(Role.COORDINATOR, name="Kim Min-ji")
        commit_and_detach(admin, officer, minji)
    page = f"/office/coordinators/{minji.id}"

    assert post_form(login_as(officer), page, {"channel_ids": fair}).status_code == 403
    assert "Save the channels" not in login_as(officer).get(page).get_data(as_text=True)
    saved = post_form(login_as(admin), page, {"channel_ids": [seoul, fair]})
    assert saved.status_code == 302
    with app.app_context():
        user = db.session.get_one(User, minji.id)
        assert {c.id for c in coordinated_channels(user)} == {seoul, fair}
    assert login_as(minji).get(f"/stand/{fair}").status_code == 200

    nobody = post_form(login_as(admin), page, {})
    assert nobody.status_code == 302
    assert login_as(minji).get(f"/stand/{fair}").status_code == 404
    # Another account is not a coordinator's page.
    assert login_as(admin).get(f"/office/coordinators/{officer.id}").status_code == 404
