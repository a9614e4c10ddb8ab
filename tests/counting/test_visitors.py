"""Figures cannot be inflated: scans and views count once per visitor and day, bots never, and
counting never fails a page. Through the real HTTP stack, on the real database."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.office import rollups
from marketplace.office.models import Grouping
from marketplace.products.models import Product
from tests.businesses.helpers import commit_and_detach
from tests.counting.helpers import (
    FAIR_WIFI,
    HOME,
    LAPTOP,
    PHONE,
    figures,
    make_fair,
    visit,
)
from tests.factories import make_officer

ONE_EACH = dict.fromkeys(Grouping, 1)


def test_three_hundred_openings_by_one_visitor_count_once(app: Flask, client: FlaskClient) -> None:
    fair = make_fair(app)
    for _ in range(300):
        assert visit(client, f"/t/{fair.token}").status_code == 302
        assert visit(client, f"/products/{fair.product_slug}").status_code == 200
    for _ in range(5):
        assert visit(client, f"/channels/{fair.channel_slug}").status_code == 200
        assert (
            visit(client, f"/channels/{fair.channel_slug}/products/{fair.product_slug}").status_code
            == 302
        )
    assert visit(client, f"/channels/{fair.channel_slug}/catalog.pdf").status_code == 200
    assert visit(client, f"/channels/{fair.channel_slug}/catalog.pdf").status_code == 200

    found = figures(app)
    assert found.scans == 1
    # One view of the product, credited to the channel the tag brought the visitor through:
    # the running total, the dated views and every grouping of the reports' daily sums agree.
    assert (found.product_views, found.dated_views, found.report_views) == (1, 1, ONE_EACH)
    assert found.channel_views == 3  # its page, its catalog, the product from it: once each


def test_other_visitors_count_and_so_does_the_same_one_through_another_channel(
    app: Flask, client: FlaskClient
) -> None:
    fair = make_fair(app)
    path = f"/products/{fair.product_slug}"
    visit(client, path)
    visit(client, path, address=FAIR_WIFI)  # the same phone on another network
    visit(client, path, agent=LAPTOP)  # another browser at the same address
    visit(client, path, agent=LAPTOP)
    assert figures(app).product_views == 3
    # The first visitor scans the tag: now visiting through the channel, a view for it counts.
    visit(client, f"/t/{fair.token}")
    visit(client, path)
    visit(client, path)
    found = figures(app)
    assert (found.scans, found.product_views, found.dated_views) == (1, 4, 4)
    assert found.report_views[Grouping.CHANNEL] == 4


BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0 A",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.0.0 Safari/537.36",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Go-http-client/1.1",
    "",  # no agent named at all
]


@pytest.mark.parametrize("agent", BOTS)
def test_known_bots_and_link_previewers_are_not_counted(
    app: Flask, client: FlaskClient, agent: str
) -> None:
    fair = make_fair(app)
    assert visit(client, f"/t/{fair.token}", agent=agent).status_code == 302
    assert visit(client, f"/products/{fair.product_slug}", agent=agent).status_code == 200
    assert visit(client, f"/channels/{fair.channel_slug}", agent=agent).status_code == 200
    found = figures(app)
    assert (found.scans, found.product_views, found.channel_views) == (0, 0, 0)


def test_a_head_request_is_not_counted(app: Flask, client: FlaskClient) -> None:
    fair = make_fair(app)
    assert visit(client, f"/t/{fair.token}", method="HEAD").status_code == 302
    assert visit(client, f"/products/{fair.product_slug}", method="HEAD").status_code == 200
    assert (figures(app).scans, figures(app).product_views) == (0, 0)


@pytest.mark.committing  # the recount runs on a connection of its own
def test_the_daily_sums_recounted_from_scratch_match_what_was_counted(
    app: Flask, client: FlaskClient
) -> None:
    fair = make_fair(app)
    for agent in (PHONE, LAPTOP, PHONE, LAPTOP, PHONE):
        visit(client, f"/products/{fair.product_slug}", agent=agent)
    before = figures(app)
    assert before.report_views == dict.fromkeys(Grouping, 2)
    with app.app_context(), db.engine.begin() as connection:
        rollups.rebuild(connection)
    assert figures(app) == before


def _renamed(app: Flask, table: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {table} RENAME TO {table}_away")


def _restored(app: Flask, table: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {table}_away RENAME TO {table}")


@pytest.mark.committing  # the table is renamed on a connection of its own
@pytest.mark.parametrize("table", ["product_view_days", "scans", "channel_views"])
def test_a_count_that_fails_never_fails_the_page(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture, table: str
) -> None:
    """The database refuses the count (here: its table is gone): the reader still gets the page,
    the failure is logged, and nothing is half-counted, so the visit counts once it works."""
    fair = make_fair(app)
    _renamed(app, table)
    try:
        with caplog.at_level(logging.ERROR):
            assert visit(client, f"/t/{fair.token}").status_code == 302
            assert visit(client, f"/products/{fair.product_slug}").status_code == 200
            assert visit(client, f"/channels/{fair.channel_slug}").status_code == 200
    finally:
        _restored(app, table)
    assert "Could not record" in caplog.text
    missed = figures(app)
    visit(client, f"/t/{fair.token}")
    visit(client, f"/products/{fair.product_slug}")
    visit(client, f"/channels/{fair.channel_slug}")
    again = figures(app)
    if table == "product_view_days":
        assert (missed.product_views, again.product_views) == (0, 1)
    elif table == "scans":
        assert (missed.scans, again.scans) == (0, 1)
    else:
        assert (missed.channel_views, again.channel_views) == (0, 1)


@pytest.mark.committing  # threads, each on its own connection
def test_one_visitor_in_many_workers_at_once_counts_once(app: Flask) -> None:
    """Eight requests of one tag by one visitor at the same moment, each with its own
    application context, session and connection, as eight workers would have."""
    fair = make_fair(app)
    barrier = threading.Barrier(8)
    answers: list[int] = []

    def scan() -> None:
        client = app.test_client()
        barrier.wait(timeout=30)
        answers.append(visit(client, f"/t/{fair.token}").status_code)

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [302] * 8
    assert figures(app).scans == 1


def test_nothing_about_the_visitor_is_stored(app: Flask, client: FlaskClient) -> None:
    fair = make_fair(app)
    visit(client, f"/t/{fair.token}")
    visit(client, f"/products/{fair.product_slug}")
    with app.app_context():
        stored = " ".join(
            str(row)
            for table in db.metadata.sorted_tables
            for row in db.session.execute(sa.select(table))
        )
    assert HOME not in stored and "Pixel 8" not in stored and "Android" not in stored


def test_the_reports_and_the_dashboard_say_what_is_counted(
    app: Flask, login_as: Any, client: FlaskClient
) -> None:
    fair = make_fair(app)
    with app.app_context():
        channel = db.session.get_one(Channel, fair.channel_id)
        product = db.session.get_one(Product, fair.product_id)
        city_id, owner, officer = channel.partner_city_id, product.business.owner, make_officer()
        commit_and_detach(owner, officer)
    note = "Scans and views are counted once per visitor per day; known bots are not counted."
    office = login_as(officer)
    for page in ("/office/reports", f"/office/reports/partners/{city_id}/summary"):
        assert note in office.get(page).get_data(as_text=True), page
    visit(client, f"/products/{fair.product_slug}")
    dashboard = login_as(owner).get("/my/business").get_data(as_text=True)
    assert "1 view ·" in dashboard
    assert "Views are counted once per visitor per day; known bots, you and the trade office" in (
        dashboard
    )
