"""The office's channel management and curation pages, through HTTP as an officer would."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User
from marketplace.channels.models import (
    Channel,
    ChannelKind,
    ChannelStatus,
    Nomination,
    NominationScore,
    NominationStatus,
)
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.reference.models import PartnerCity
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.conftest import post_form
from tests.factories import (
    harz_und_heide,
    make_channel,
    make_officer,
    make_user,
    owner_with_products,
)

CHANNEL_FORM = {
    "name": "Harz und Heide 2027",
    "series": "Harz und Heide",
    "kind": "trade_fair",
    "city": "Braunschweig",
    "country_code": "DE",
    "venue": "Messegelände Braunschweig",
    "description": "The 2027 edition.",
    "starts_on": "2027-05-20",
    "ends_on": "2027-05-24",
    "applications_open_on": "2027-01-04",
    "applications_close_on": "2027-03-31",
    "capacity": "25",
    "locale": "de",
    "currency": "EUR",
    "status": "draft",
}


def _officer(app: Flask, role: Role = Role.OFFICER) -> User:
    with app.app_context():
        user = make_user(role)
        commit_and_detach(user)
    return user


def _curation(app: Flask, capacity: int = 3, count: int = 4) -> tuple[User, int, list[int]]:
    with app.app_context():
        channel = harz_und_heide(capacity=capacity)
        nominations = nominate_all(owner_with_products(count), channel)
        officer = make_officer("Asep Hidayat")
        ids = [n.id for n in nominations]
        channel_id = channel.id
        commit_and_detach(officer)
    return officer, channel_id, ids


@pytest.mark.parametrize(
    "path",
    ["/office/channels/", "/office/channels/new", "/office/channels/partners/new"],
)
def test_only_officers_and_admins_may_enter(
    app: Flask, client: FlaskClient, login_as: Any, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    with app.app_context():
        msme, buyer = make_user(Role.MSME), make_user(Role.BUYER)
        commit_and_detach(msme, buyer)
    assert login_as(msme).get(path).status_code == 403
    assert login_as(buyer).get(path).status_code == 403
    assert login_as(_officer(app)).get(path).status_code == 200
    assert login_as(_officer(app, Role.ADMIN)).get(path).status_code == 200


def test_curation_pages_and_tags_are_guarded(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    _officer_user, channel_id, ids = _curation(app)
    with app.app_context():
        msme = make_user(Role.MSME)
        commit_and_detach(msme)
    for path in (
        f"/office/channels/{channel_id}",
        f"/office/channels/{channel_id}/lineup",
        f"/office/channels/{channel_id}/tags.pdf",
        f"/office/channels/{channel_id}/edit",
    ):
        assert client.get(path).status_code == 302
        assert login_as(msme).get(path).status_code == 403
    response = login_as(msme).post(f"/office/channels/{channel_id}/nominations/{ids[0]}/decide")
    assert response.status_code in (400, 403)
    with app.app_context():
        assert db.session.get_one(Nomination, ids[0]).status == NominationStatus.NOMINATED


def test_officer_creates_an_edition_and_edits_it(app: Flask, login_as: Any) -> None:
    client = login_as(_officer(app))
    with app.app_context():
        braunschweig = db.session.scalar(
            sa.select(PartnerCity.id).where(PartnerCity.name == "Braunschweig")
        )
    response = post_form(
        client, "/office/channels/new", {**CHANNEL_FORM, "partner_city_id": str(braunschweig)}
    )
    assert response.status_code == 302
    with app.app_context():
        channel = db.session.scalar(sa.select(Channel).where(Channel.slug == "harz-und-heide-2027"))
        assert channel is not None
        assert (channel.partner_city_id, channel.capacity, channel.kind) == (
            braunschweig,
            25,
            ChannelKind.TRADE_FAIR,
        )
        channel_id = channel.id
    assert response.headers["Location"] == f"/office/channels/{channel_id}"

    form = client.get(f"/office/channels/{channel_id}/edit").get_data(as_text=True)
    assert 'value="Harz und Heide 2027"' in form
    assert f'<option selected value="{braunschweig}">' in form

    edited = post_form(
        client,
        f"/office/channels/{channel_id}/edit",
        {**CHANNEL_FORM, "status": "open", "capacity": "30", "partner_city_id": ""},
    )
    assert edited.status_code == 302
    with app.app_context():
        channel = db.session.get_one(Channel, channel_id)
        assert (channel.status, channel.capacity, channel.partner_city_id) == (
            ChannelStatus.OPEN,
            30,
            None,
        )
        assert channel.slug == "harz-und-heide-2027"
    assert client.get("/channels/harz-und-heide-2027").status_code == 200


def test_channel_form_refuses_dates_out_of_order(app: Flask, login_as: Any) -> None:
    client = login_as(_officer(app))
    response = post_form(
        client,
        "/office/channels/new",
        {**CHANNEL_FORM, "ends_on": "2027-05-01", "applications_close_on": "2026-12-01"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="ends_on-error"' in html and "cannot end before it starts" in html
    assert 'id="applications_close_on-error"' in html
    assert "Applications cannot close before they open" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Channel.id))) == 4


def test_capacity_cannot_go_below_the_accepted_products(app: Flask, login_as: Any) -> None:
    officer, channel_id, ids = _curation(app, capacity=5, count=3)
    with app.app_context():
        for nomination_id in ids:
            accept(
                db.session.get_one(User, officer.id), db.session.get_one(Nomination, nomination_id)
            )
        db.session.commit()
    client = login_as(officer)
    data = {**CHANNEL_FORM, "name": "Harz und Heide", "status": "open", "capacity": "2"}
    response = post_form(client, f"/office/channels/{channel_id}/edit", data)
    assert response.status_code == 400
    assert "3 products are already accepted" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Channel, channel_id).capacity == 5


def test_officer_adds_and_edits_a_partner_city(app: Flask, login_as: Any) -> None:
    client = login_as(_officer(app))
    data = {
        "name": "Cuenca",
        "country_code": "EC",
        "country": "Ecuador",
        "since_year": "",
        "currency": "USD",
        "locale": "en",
        "notes": "",
    }
    assert post_form(client, "/office/channels/partners/new", data).status_code == 302
    duplicate = post_form(client, "/office/channels/partners/new", data)
    assert duplicate.status_code == 400
    assert "already a partner city" in duplicate.get_data(as_text=True)
    with app.app_context():
        city = db.session.scalar(sa.select(PartnerCity).where(PartnerCity.name == "Cuenca"))
        assert city is not None and city.since_year is None
        city_id = city.id
    response = post_form(
        client, f"/office/channels/partners/{city_id}/edit", {**data, "since_year": "2019"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(PartnerCity, city_id).since_year == 2019
    assert "Cuenca" in client.get("/office/channels/").get_data(as_text=True)


def test_a_partner_citys_time_zone_is_one_from_the_list(app: Flask, login_as: Any) -> None:
    client = login_as(_officer(app))
    data = {
        "name": "Cuenca",
        "country_code": "EC",
        "country": "Ecuador",
        "currency": "USD",
        "locale": "en",
        "timezone": "America/Cuenca",
    }
    refused = post_form(client, "/office/channels/partners/new", data)
    assert refused.status_code == 400
    assert "Choose a time zone from the list." in refused.get_data(as_text=True)
    cuenca = sa.select(PartnerCity).where(PartnerCity.name == "Cuenca")
    with app.app_context():
        assert db.session.scalar(cuenca) is None

    saved = post_form(
        client, "/office/channels/partners/new", {**data, "timezone": "America/Guayaquil"}
    )
    assert saved.status_code == 302
    with app.app_context():
        city = db.session.scalars(cuenca).one()
        assert city.timezone == "America/Guayaquil"
        city_id = city.id
    page = client.get(f"/office/channels/partners/{city_id}/edit").get_data(as_text=True)
    assert '<option selected value="America/Guayaquil">' in page


def test_nominations_side_by_side_scores_and_decisions(app: Flask, login_as: Any) -> None:
    officer, channel_id, ids = _curation(app, capacity=3, count=4)
    client = login_as(officer)
    page = client.get(f"/office/channels/{channel_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for nomination_id in ids:
        assert f'id="n{nomination_id}"' in html
    assert "For the fair." in html  # the MSME's note
    assert "Reply record" in html and "no interest received yet" in html
    assert "0 of 3 places taken" in html

    review = f"/office/channels/{channel_id}"
    first = ids[0]
    scored = post_form(
        client,
        f"/office/channels/{channel_id}/nominations/{first}/score",
        {f"n{first}-score-score": "4", f"n{first}-score-comment": "Sells at fairs."},
        page=review,
    )
    assert scored.status_code == 302
    refused = post_form(
        client,
        f"/office/channels/{channel_id}/nominations/{first}/decide",
        {f"n{first}-decision-decision": "decline", f"n{first}-decision-reason": ""},
        page=review,
    )
    assert refused.status_code == 400
    assert "Give a reason: the MSME sees it." in refused.get_data(as_text=True)

    for nomination_id in ids[:3]:
        response = post_form(
            client,
            f"/office/channels/{channel_id}/nominations/{nomination_id}/decide",
            {
                f"n{nomination_id}-decision-decision": "accept",
                f"n{nomination_id}-decision-reason": "A good fit for the fair.",
            },
            page=review,
        )
        assert response.status_code == 302
    full = post_form(
        client,
        f"/office/channels/{channel_id}/nominations/{ids[3]}/decide",
        {
            f"n{ids[3]}-decision-decision": "accept",
            f"n{ids[3]}-decision-reason": "Also good.",
        },
        page=review,
        follow_redirects=True,
    )
    assert "Every place in this channel is taken (3 of 3)" in full.get_data(as_text=True)
    with app.app_context():
        statuses = [db.session.get_one(Nomination, i).status for i in ids]
        assert statuses == [NominationStatus.ACCEPTED] * 3 + [NominationStatus.NOMINATED]
        score = db.session.scalar(sa.select(NominationScore))
        assert score is not None and (score.score, score.comment) == (4, "Sells at fairs.")
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.actor_id == officer.id)
        ).all()
        assert actions.count("nomination.accept") == 3
    assert "3 of 3 places taken" in client.get(review).get_data(as_text=True)


def test_a_nomination_of_another_channel_answers_404(app: Flask, login_as: Any) -> None:
    officer, _channel_id, ids = _curation(app, count=1)
    with app.app_context():
        other = make_channel("Other fair").id
        db.session.commit()
    response = post_form(
        login_as(officer),
        f"/office/channels/{other}/nominations/{ids[0]}/decide",
        {f"n{ids[0]}-decision-decision": "accept", f"n{ids[0]}-decision-reason": "Yes."},
        page=f"/office/channels/{other}",
    )
    assert response.status_code == 404
