"""Which channel a visit came through (for 24 hours), and the channel's language."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, session

from marketplace.db import utcnow
from marketplace.i18n import CHANNEL_LOCALE_KEY, channel_locale
from marketplace.visits import VISIT_KEY, current_visit_channel_id, start_channel_visit


def test_a_visit_counts_for_24_hours(app: Flask) -> None:
    with app.test_request_context("/"):
        assert current_visit_channel_id() is None
        start_channel_visit(7, "de")
        assert current_visit_channel_id() == 7
        assert current_visit_channel_id(utcnow() + timedelta(hours=23)) == 7
        assert current_visit_channel_id(utcnow() + timedelta(hours=25)) is None
        # A later channel visit takes the credit.
        start_channel_visit(9)
        assert current_visit_channel_id() == 9


def test_malformed_visits_count_as_none(app: Flask) -> None:
    for value in ({"id": "7", "at": utcnow().isoformat()}, {"id": 7, "at": "yesterday"}, 7):
        with app.test_request_context("/"):
            session[VISIT_KEY] = value
            assert current_visit_channel_id() is None
    with app.test_request_context("/"):
        session[VISIT_KEY] = {"id": 7, "at": utcnow().replace(tzinfo=None).isoformat()}
        assert current_visit_channel_id() is None
    with app.app_context():
        assert current_visit_channel_id() is None


def test_channel_locale_from_the_address_then_the_visit(app: Flask) -> None:
    with app.test_request_context("/products/x?lang=fr"):
        assert channel_locale() == "fr"
    with app.test_request_context("/products/x?lang=xx"):
        assert channel_locale() is None
    with app.test_request_context("/products/x"):
        start_channel_visit(3, "ko")
        assert channel_locale() == "ko"
        session[VISIT_KEY] = {"id": 3, "at": (utcnow() - timedelta(days=2)).isoformat()}
        assert session[CHANNEL_LOCALE_KEY] == "ko"
        assert channel_locale() is None  # the language lasts as long as the visit
