"""The home page, the language switch and the health check."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.channels.models import Channel, ChannelStatus
from marketplace.channels.seed import load_reference_data
from marketplace.db import db
from marketplace.periods import bandung_today
from tests.conftest import post_form


def test_home_page_renders(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Bandung Export Marketplace" in response.get_data(as_text=True)


def test_healthz_reports_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_database_is_unreachable(tmp_path: Path) -> None:
    unreachable = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "TESTING": True,
        }
    )
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "degraded", "database": "unreachable"}


def test_language_switch_changes_page_language(client: FlaskClient) -> None:
    response = post_form(client, "/language", {"locale": "id", "next": "/"}, page="/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_home_page_links_every_public_channel(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        load_reference_data()
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    for slug in (
        "little-bandung",
        "harz-und-heide",
        "europalia",
        "petaling-jaya-creative-exchange",
    ):
        assert f'href="/channels/{slug}"' in html
    assert 'href="/partners"' in html


def test_home_page_marks_a_channel_whose_dates_have_passed_and_lists_it_last(
    app: Flask, client: FlaskClient
) -> None:
    today = bandung_today()
    with app.app_context():
        load_reference_data()
        harz = db.session.scalars(sa.select(Channel).where(Channel.slug == "harz-und-heide")).one()
        harz.status = ChannelStatus.OPEN  # the office has not archived it yet
        harz.starts_on, harz.ends_on = today - timedelta(days=12), today - timedelta(days=8)
        db.session.commit()
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    channels = html.split('id="channels-heading"', 1)[1].split("</section>", 1)[0]
    cards = channels.split('<li class="card">')[1:]
    assert len(cards) == 4
    assert 'href="/channels/harz-und-heide"' in cards[-1] and "Past edition" in cards[-1]
    assert all("Past edition" not in card for card in cards[:-1])

    with app.app_context():  # its last day is today: not past yet
        harz = db.session.scalars(sa.select(Channel).where(Channel.slug == "harz-und-heide")).one()
        harz.ends_on = today
        db.session.commit()
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Past edition" not in html
