"""The demo's channel line-ups: after `flask seed-demo` every channel shows accepted products with
shelf or booth codes and QR tokens, the catalog's channel and partner-city filters find products,
seeding again changes nothing, and an officer's later work is never undone."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role, User
from marketplace.channels import curation, shelf
from marketplace.channels.models import (
    GONE_STAGES,
    Channel,
    ChannelKind,
    ChannelStatus,
    Nomination,
    NominationStatus,
    ShelfStage,
)
from marketplace.channels.seed import load_reference_data
from marketplace.db import db
from marketplace.main.demo_lineups import demo_lineups
from marketplace.stock.models import MovementKind
from tests.factories import move_stock
from tests.main.test_cli import seed, snapshot
from tests.stock.ledger import ledger_totals

COUNT = re.compile(r'<h2 id="results-heading">\s*(\d+) products?(?: found)?\s*</h2>')


def _accepted(slug: str) -> list[Nomination]:
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .join(Nomination.channel)
            .where(Channel.slug == slug, Nomination.status == NominationStatus.ACCEPTED)
            .order_by(Nomination.shelf_code)
        )
    )


def _officer() -> User:
    return db.session.scalars(sa.select(User).where(User.role == Role.OFFICER)).one()


def _count(client: FlaskClient, url: str) -> int:
    match = COUNT.search(client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert match, url
    return int(match.group(1))


def test_every_channel_has_a_lineup_with_shelf_codes(app: Flask, client: FlaskClient) -> None:
    output = seed(app).output
    assert "Channel line-ups: 23 products placed." in output

    with app.app_context():
        channels = db.session.scalars(sa.select(Channel).order_by(Channel.slug)).all()
        assert len(channels) == 4
        slugs = [channel.slug for channel in channels]
        for channel in channels:
            accepted = _accepted(channel.slug)
            assert len(accepted) >= 4, channel.slug
            codes = [n.shelf_code for n in accepted]
            assert all(codes) and len(set(codes)) == len(codes), channel.slug
            assert all(n.qr_token and n.decided_by and n.decision_reason for n in accepted)
            if channel.kind == ChannelKind.SHOWROOM:
                assert {n.stage for n in accepted} <= {ShelfStage.ON_SHELF, ShelfStage.SOLD_OUT}
                assert all(n.quantity_shipped and n.quantity_sold is not None for n in accepted)
                for n in accepted:  # the totals are the ledger's
                    totals = ledger_totals(n.id)
                    assert totals[MovementKind.SHIPPED] == n.quantity_shipped
                    assert totals.get(MovementKind.SOLD, 0) == n.quantity_sold
            else:
                assert {n.stage for n in accepted} == {None}
        seoul = [n.shelf_code for n in _accepted("little-bandung")]
        assert seoul[:3] == ["A-1", "A-2", "A-3"]

    for slug in slugs:
        html = client.get(f"/channels/{slug}", headers={"Accept-Language": "en"}).get_data(
            as_text=True
        )
        assert "No product has been selected" not in html, slug
        assert "Shelf or booth " in html, slug
        assert client.get(f"/channels/{slug}/catalog.pdf").status_code == 200


def test_the_catalogs_channel_and_partner_city_filters_find_products(
    app: Flask, client: FlaskClient
) -> None:
    seed(app)
    with app.app_context():
        channels = db.session.scalars(sa.select(Channel)).all()
        # A product sold out at the showroom has left its line-up, and the filter.
        by_channel = {
            c.slug: len([n for n in _accepted(c.slug) if n.stage not in GONE_STAGES])
            for c in channels
        }
        cities = {c.partner_city_id for c in channels if c.partner_city_id is not None}
    assert len(cities) == 3  # Braunschweig, Namur, Petaling Jaya; Little Bandung has none

    for slug, accepted in by_channel.items():
        assert _count(client, f"/catalog?channel={slug}") == accepted, slug
    for city in cities:
        assert _count(client, f"/catalog?city={city}") >= 4, city
    assert _count(client, "/search?q=bamboo&channel=little-bandung") >= 1


def test_seeding_twice_changes_nothing(app: Flask) -> None:
    seed(app)
    rows = snapshot(app)

    output = seed(app).output

    assert "Channel line-ups: 0 products placed." in output
    assert snapshot(app)["nominations"] == rows["nominations"]
    assert len(rows["nominations"]) == sum(len(lineup.places) for lineup in demo_lineups())


def test_an_officers_work_on_the_lineups_is_never_undone(app: Flask) -> None:
    seed(app)
    with app.app_context():
        officer = _officer()
        angklung, lamp, *_rest = _accepted("harz-und-heide")
        owner = lamp.product.business.owner
        curation.withdraw(lamp, owner)  # the owner takes the lamp back
        shelf.set_shelf_code(angklung, officer, "HALL 2/7")  # a new booth code
        coffee = _accepted("little-bandung")[0]
        move_stock(coffee, officer, MovementKind.RETURNED, coffee.on_hand)
        europalia = db.session.scalars(sa.select(Channel).where(Channel.slug == "europalia")).one()
        europalia.status = ChannelStatus.ARCHIVED
        db.session.commit()
    rows = snapshot(app)

    output = seed(app).output

    assert "Channel line-ups: 0 products placed." in output
    assert snapshot(app) == rows


def test_a_channel_the_office_keeps_as_a_draft_gets_no_demo_lineup(app: Flask) -> None:
    with app.app_context():
        load_reference_data()
        channel = db.session.scalars(sa.select(Channel).where(Channel.slug == "europalia")).one()
        channel.status = ChannelStatus.DRAFT
        channel.capacity = 2
        harz: Any = db.session.scalars(
            sa.select(Channel).where(Channel.slug == "harz-und-heide")
        ).one()
        harz.capacity = 2
        db.session.commit()

    seed(app)

    with app.app_context():
        assert _accepted("europalia") == []
        assert len(_accepted("harz-und-heide")) == 2  # never beyond the office's capacity
        assert len(_accepted("little-bandung")) == 7
