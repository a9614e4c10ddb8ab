"""The MSME's nominations pages: nominate, follow the decision, withdraw; nobody else's."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User
from marketplace.channels import curation
from marketplace.channels.models import (
    ChannelKind,
    ChannelStatus,
    Nomination,
    NominationStatus,
)
from marketplace.db import db
from marketplace.products.models import Product, ProductStatus
from marketplace.stock.models import MovementKind
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept
from tests.conftest import post_form
from tests.factories import (
    harz_und_heide,
    make_business,
    make_channel,
    make_officer,
    make_product,
    make_user,
    move_stock,
)


def _owner(app: Flask) -> tuple[User, list[int], int]:
    """An MSME owner with two published products and a draft; the fair's id."""
    with app.app_context():
        business = make_business(name="Awi Kriya")
        lamp = make_product(business, name="Bamboo pendant lamp")
        basket = make_product(business, name="Woven basket")
        make_product(business, name="Draft angklung", status=ProductStatus.DRAFT)
        channel_id = harz_und_heide(capacity=3).id
        owner = business.owner
        ids = [lamp.id, basket.id]
        commit_and_detach(owner)
    return owner, ids, channel_id


def test_owner_nominates_a_published_product(app: Flask, login_as: Any) -> None:
    owner, (lamp, _basket), channel_id = _owner(app)
    client = login_as(owner)
    page = client.get("/my/nominations/new?channel=harz-und-heide")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bamboo pendant lamp" in html and "Woven basket" in html
    assert "Draft angklung" not in html
    assert '<option selected value="harz-und-heide">' in html

    response = post_form(
        client,
        "/my/nominations/new",
        {"product": str(lamp), "channel": "harz-und-heide", "note": "Sold 200 in Japan."},
    )
    assert response.status_code == 302
    with app.app_context():
        nomination = db.session.scalar(sa.select(Nomination))
        assert nomination is not None
        assert (nomination.product_id, nomination.channel_id, nomination.note) == (
            lamp,
            channel_id,
            "Sold 200 in Japan.",
        )
    assert response.headers["Location"] == f"/my/nominations/{nomination.id}"

    again = post_form(
        client, "/my/nominations/new", {"product": str(lamp), "channel": "harz-und-heide"}
    )
    assert again.status_code == 400
    assert "already nominated to this channel" in again.get_data(as_text=True)


def test_owner_cannot_nominate_someone_elses_product(app: Flask, login_as: Any) -> None:
    owner, _ids, _channel_id = _owner(app)
    with app.app_context():
        other = make_product(make_business(name="Batik Lain"), name="Someone's scarf")
        other_id = other.id
        db.session.commit()
    response = post_form(
        login_as(owner),
        "/my/nominations/new",
        {"product": str(other_id), "channel": "harz-und-heide"},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Nomination.id))) == 0


def test_a_closed_channel_is_not_offered(app: Flask, login_as: Any) -> None:
    owner, (lamp, _basket), _channel_id = _owner(app)
    with app.app_context():
        make_channel("Closed fair", status=ChannelStatus.CLOSED)
        db.session.commit()
    client = login_as(owner)
    assert "Closed fair" not in client.get("/my/nominations/new").get_data(as_text=True)
    response = post_form(
        client, "/my/nominations/new", {"product": str(lamp), "channel": "closed-fair"}
    )
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_decline_reason_is_shown_to_the_owner(app: Flask, login_as: Any) -> None:
    owner, (lamp, _basket), channel_id = _owner(app)
    with app.app_context():
        nomination = curation.nominate(
            db.session.get_one(Product, lamp),
            db.session.get_one(User, owner.id),
            harz_und_heide(capacity=3),
        )
        curation.decide_nomination(nomination, make_officer(), False, "Lamps need a CE mark.")
        nomination_id = nomination.id
        db.session.commit()
    client = login_as(owner)
    assert "Lamps need a CE mark." in client.get("/my/nominations/").get_data(as_text=True)
    detail = client.get(f"/my/nominations/{nomination_id}").get_data(as_text=True)
    assert "Lamps need a CE mark." in detail and "Declined" in detail
    assert "Withdraw" not in detail


def test_owner_withdraws_until_shipped(app: Flask, login_as: Any) -> None:
    with app.app_context():
        showroom = make_channel("Little Bandung Seoul", kind=ChannelKind.SHOWROOM)
        product = make_product(make_business(name="Awi Kriya"), name="Angklung set")
        owner = product.business.owner
        nomination = curation.nominate(product, owner, showroom)
        officer = make_officer()
        accept(officer, nomination)
        nomination_id = nomination.id
        commit_and_detach(owner)
    client = login_as(owner)
    page = f"/my/nominations/{nomination_id}"
    assert "Withdraw this nomination" in client.get(page).get_data(as_text=True)

    with app.app_context():
        row = db.session.get_one(Nomination, nomination_id)
        move_stock(row, make_officer(), MovementKind.SHIPPED, 8)
        db.session.commit()
    refused = post_form(client, f"{page}/withdraw", page="/my/nominations/", follow_redirects=True)
    assert "can no longer be withdrawn" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Nomination, nomination_id).status == NominationStatus.ACCEPTED


def test_withdrawing_a_waiting_nomination(app: Flask, login_as: Any) -> None:
    owner, (lamp, _basket), _channel_id = _owner(app)
    client = login_as(owner)
    post_form(client, "/my/nominations/new", {"product": str(lamp), "channel": "harz-und-heide"})
    with app.app_context():
        nomination_id = db.session.scalar(sa.select(Nomination.id))
    response = post_form(
        client, f"/my/nominations/{nomination_id}/withdraw", page="/my/nominations/"
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(Nomination, nomination_id).status == NominationStatus.WITHDRAWN


def test_another_owners_nomination_answers_404_everywhere(app: Flask, login_as: Any) -> None:
    owner, (lamp, _basket), _channel_id = _owner(app)
    post_form(
        login_as(owner), "/my/nominations/new", {"product": str(lamp), "channel": "harz-und-heide"}
    )
    with app.app_context():
        nomination_id = db.session.scalar(sa.select(Nomination.id))
        intruder = make_business(name="Kriya Lain").owner
        commit_and_detach(intruder)
    client = login_as(intruder)
    assert client.get(f"/my/nominations/{nomination_id}").status_code == 404
    response = post_form(
        client, f"/my/nominations/{nomination_id}/withdraw", page="/my/nominations/"
    )
    assert response.status_code == 404
    assert client.get("/my/nominations/999999").status_code == 404
    assert "Bamboo pendant lamp" not in client.get("/my/nominations/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Nomination, nomination_id).status == NominationStatus.NOMINATED


@pytest.mark.parametrize("role", [Role.BUYER, Role.OFFICER])
def test_only_msme_owners_have_nominations(
    app: Flask, client: FlaskClient, login_as: Any, role: Role
) -> None:
    assert client.get("/my/nominations/").status_code == 302
    with app.app_context():
        user = make_user(role)
        commit_and_detach(user)
    assert login_as(user).get("/my/nominations/").status_code == 403
    assert login_as(user).get("/my/nominations/new").status_code == 403
