"""Opening a conversation marks it read through its side table only: the interest itself is not
written by a GET, the lists and the notifications still follow what each party has read, and a
marker that cannot be written never fails the page."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.interests.models import ConversationRead, Interest, Reader
from marketplace.notifications.models import Notification
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import make_buyer, make_listing, make_user
from tests.interests.helpers import express


@pytest.fixture
def conversation(app: Flask) -> dict[str, Any]:
    """A buyer's interest in an owner's product, as the buyer sent it."""
    with app.app_context():
        buyer, product = make_buyer(), make_listing()
        owner = product.business.owner
        interest = express(buyer, product, "Do you ship to Hamburg?")
        interest_id = interest.id
        commit_and_detach(buyer, owner)
    return {"buyer": buyer, "owner": owner, "url": f"/interests/{interest_id}", "id": interest_id}


def _interest_row(app: Flask, interest_id: int) -> tuple[Any, ...]:
    with app.app_context():
        interest = db.session.get_one(Interest, interest_id)
        return (interest.buyer_read_at, interest.owner_read_at, interest.updated_at)


def _unread_notifications(app: Flask, user_id: int) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                sa.select(sa.func.count(Notification.id)).where(
                    Notification.user_id == user_id, Notification.read_at.is_(None)
                )
            )
            or 0
        )


def test_opening_a_conversation_writes_only_its_read_marker(
    app: Flask, login_as: Any, conversation: dict[str, Any]
) -> None:
    owner = login_as(conversation["owner"])
    url, interest_id = conversation["url"], conversation["id"]
    assert "Unread" in owner.get("/interests").get_data(as_text=True)
    assert _unread_notifications(app, conversation["owner"].id) == 1
    before = _interest_row(app, interest_id)

    first = owner.get(url).get_data(as_text=True)
    assert "unread-mark" in first  # what was new when the page opened is shown as new

    assert _interest_row(app, interest_id) == before  # the interest itself is untouched
    with app.app_context():
        marks = db.session.scalars(sa.select(ConversationRead.reader)).all()
    assert marks == [Reader.OWNER]
    assert "Unread" not in owner.get("/interests").get_data(as_text=True)
    assert _unread_notifications(app, conversation["owner"].id) == 0
    assert "unread-mark" not in owner.get(url).get_data(as_text=True)


def test_each_party_reads_up_to_its_own_writes_and_openings(
    app: Flask, login_as: Any, conversation: dict[str, Any]
) -> None:
    buyer, owner = login_as(conversation["buyer"]), login_as(conversation["owner"])
    url = conversation["url"]
    # The owner answers without opening the page first: writing moves their own marker.
    assert post_form(owner, f"{url}/messages", {"body": "Yes, by sea."}, page=url).status_code
    assert "Unread" not in owner.get("/interests").get_data(as_text=True)
    assert "New reply" in buyer.get("/interests").get_data(as_text=True)
    buyer.get(url)
    assert "New reply" not in buyer.get("/interests").get_data(as_text=True)
    post_form(owner, f"{url}/messages", {"body": "And by air."}, page=url)
    assert "New reply" in buyer.get("/interests").get_data(as_text=True)


def test_officers_reading_along_leave_no_marker(
    app: Flask, login_as: Any, conversation: dict[str, Any]
) -> None:
    with app.app_context():
        officer = make_user(Role.OFFICER)
        commit_and_detach(officer)
    assert login_as(officer).get(conversation["url"]).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ConversationRead)) == 0


@contextmanager
def _writes_refused(app: Flask, table: str) -> Iterator[None]:
    """The database refuses every new row of `table` (a trigger), as a failing disk would."""
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused'; END; $$ LANGUAGE plpgsql"
            )
            connection.exec_driver_sql(
                f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        else:
            connection.exec_driver_sql(
                f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    try:
        yield
    finally:
        with app.app_context(), db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"DROP TRIGGER refuse ON {table}")
                connection.exec_driver_sql("DROP FUNCTION refuse()")
            else:
                connection.exec_driver_sql("DROP TRIGGER refuse")


@pytest.mark.committing  # the refusing trigger is made on a connection of its own
def test_a_marker_that_cannot_be_written_never_fails_the_page(
    app: Flask, login_as: Any, conversation: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    owner = login_as(conversation["owner"])
    with _writes_refused(app, "conversation_reads"), caplog.at_level(logging.ERROR):
        response = owner.get(conversation["url"])
    assert response.status_code == 200
    assert "Do you ship to Hamburg?" in response.get_data(as_text=True)
    assert "Could not record a conversation's read marker" in caplog.text
    # Nothing was half-written: the notification that leads here is still unread too.
    assert "Unread" in owner.get("/interests").get_data(as_text=True)
