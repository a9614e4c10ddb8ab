"""No GET changes data: every GET route, with real objects in its address, opened as each role,
writes only to the side tables that record a page being read (see `marketplace.page_writes`):
the counting of views and scans, and a reader's own read markers and notifications.

Every statement the application sends to the database during the walk is watched; a new route
that writes on GET fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from marketplace.accounts.models import Role
from marketplace.announcements.services import (
    AnnouncementData,
    create_announcement,
    send_announcement,
)
from marketplace.db import db
from marketplace.interests.services import post_message
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.counting.helpers import PHONE
from tests.factories import harz_und_heide, make_buyer, make_certification, make_officer, make_user
from tests.factories import owner_with_products as products_of_one_owner
from tests.interests.helpers import express

# Written by design when a page is read; products only for their running view total.
SIDE_TABLES = frozenset(
    {
        "counted_visits",
        "scans",
        "channel_views",
        "product_view_days",
        "report_days",
        "conversation_reads",
        "announcement_recipients",
        "notifications",
        "products",
    }
)
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
ARGUMENT = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")


@pytest.fixture
def world(app: Flask, storefront: None) -> dict[str, Any]:
    """A fair showing one product, a conversation about it with a reply, and every role."""
    with app.app_context():
        channel = harz_und_heide(capacity=3)
        (product,) = products_of_one_owner(1)
        business = product.business
        officer = make_officer()
        (nomination,) = nominate_all([product], channel)
        accept(officer, nomination)
        buyer = make_buyer()
        interest = express(buyer, product, "Do you ship to Hamburg?")
        post_message(interest, business.owner, "Yes, by sea.")
        certification = make_certification(business)
        admin = make_user(Role.ADMIN)
        announcement = create_announcement(
            officer, AnnouncementData("Pameran", "Daftar.", "Fair", "Nominate.")
        )
        send_announcement(announcement, officer)
        values = {
            "channel": channel.slug,
            "product": product.slug,
            "business": business.slug,
            "token": str(nomination.qr_token),
            "buyer_id": buyer.id,
            "user_id": buyer.id,
            "interest_id": interest.id,
            "certification_id": certification.id,
            "nomination_id": nomination.id,
            "product_id": product.id,
            "business_id": business.id,
            "channel_id": channel.id,
            "city_id": channel.partner_city_id,
            "announcement_id": announcement.id,
        }
        owner = business.owner
        commit_and_detach(buyer, owner, officer, admin)
    return {"values": values, "people": [buyer, owner, officer, admin]}


def _path(rule: Rule, values: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "slug":
            for prefix, key in (("/api/v1/channels", "channel"), ("/channels", "channel")):
                if rule.rule.startswith(prefix):
                    return str(values[key])
            return str(values["business" if rule.rule.startswith("/msmes") else "product"])
        if name == "product_slug":
            return str(values["product"])
        if name == "token":
            return str(values["token"]) if rule.rule.startswith("/t/") else "no-such-token"
        return str(values.get(name, 999_999))

    return ARGUMENT.sub(fill, rule.rule)


def _get_rules(app: Flask) -> Iterator[Rule]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in (rule.methods or set()) and rule.endpoint != "static":
            yield rule


def test_no_get_writes_anything_but_the_side_tables_of_reading(
    app: Flask, client: FlaskClient, login_as: Any, world: dict[str, Any]
) -> None:
    written: list[tuple[str, str]] = []
    current = {"path": ""}

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found = WRITE.match(statement)
        if found:
            written.append((current["path"], found.group(1).lower() + " " + statement[:120]))

    clients = [client, *(login_as(person) for person in world["people"])]
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", watch)
    try:
        for rule in _get_rules(app):
            path = _path(rule, world["values"])
            current["path"] = path
            for reader in clients:
                response = reader.get(path, headers={"User-Agent": PHONE})
                assert response.status_code < 500, path
    finally:
        sa.event.remove(engine, "before_cursor_execute", watch)

    outside = [
        (path, what)
        for path, what in written
        if what.split(" ", 1)[0] not in SIDE_TABLES
        or (what.startswith("products ") and "view_count" not in what)
    ]
    assert outside == []
    # The walk did reach the pages that record their reading.
    assert {what.split(" ", 1)[0] for _path, what in written} >= {
        "counted_visits",
        "scans",
        "conversation_reads",
        "announcement_recipients",
    }
