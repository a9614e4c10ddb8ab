"""Notifications in the app and by e-mail for a new interest, a new message and a change of
status, each in the recipient's language; the navigation's unread count; the notifications
page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from marketplace.db import db
from marketplace.interests.models import Interest
from marketplace.interests.services import post_message
from marketplace.interests.transitions import mark_spam, start_negotiating, withdraw
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import make_buyer, make_listing, make_notification
from tests.interests.helpers import express

pytestmark = pytest.mark.usefixtures("storefront")


def _notes(user_id: int) -> list[tuple[str, str, str | None]]:
    rows = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    )
    return [(n.kind, n.text, n.link) for n in rows]


def _mails(address: str) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)
        )
    )


def _conversation(owner_locale: str = "en") -> tuple[Interest, Any, Any]:
    buyer, product = make_buyer(), make_listing(owner_locale=owner_locale)
    interest = express(
        buyer,
        product,
        "Fifty scarves, please.",
        quantity=1500,
        unit="piece",
        target_price=Decimal("1250.50"),
        currency="EUR",
        incoterm="FOB",
        destination="Hamburg",
    )
    return interest, buyer, product.business.owner


def test_a_new_interest_tells_the_owner_in_the_owners_language(ctx: Flask) -> None:
    """The product is named in the owner's language too (its Indonesian name)."""
    interest, buyer, owner = _conversation(owner_locale="id")
    link = f"/interests/{interest.id}"
    assert _notes(owner.id) == [
        ("interest_new", "Minat baru pada Selendang sutra batik dari Harz Handel GmbH", link)
    ]
    assert _notes(buyer.id) == []  # nobody hears of their own action
    (mail,) = _mails(owner.email)
    assert mail.subject == "Minat baru pada Selendang sutra batik"
    # Numbers and units are written the Indonesian way for an Indonesian reader.
    assert "Harga target: €1.250,50" in mail.body and "Jumlah: 1.500 buah" in mail.body
    assert "Fifty scarves, please." in mail.body and "Harz Handel GmbH" in mail.body
    assert f"{ctx.config['BASE_URL']}{link}" in mail.body
    assert _mails(buyer.email) == []


def test_an_english_reader_gets_english_numbers(ctx: Flask) -> None:
    _interest, _buyer, owner = _conversation(owner_locale="en")
    (mail,) = _mails(owner.email)
    assert "Target price: €1,250.50" in mail.body and "Quantity: 1,500 pieces" in mail.body


def test_messages_tell_the_other_party(ctx: Flask) -> None:
    interest, buyer, owner = _conversation()
    post_message(interest, owner, "Yes, we can.\nPrice follows.")
    post_message(interest, buyer, "Wonderful.")
    assert [kind for kind, _text, _link in _notes(buyer.id)] == ["interest_message"]
    assert _notes(buyer.id)[0][1] == (
        "New message from Maker of Batik silk scarf about Batik silk scarf"
    )
    assert [kind for kind, _t, _l in _notes(owner.id)] == ["interest_new", "interest_message"]
    to_buyer = _mails(buyer.email)[-1]
    assert to_buyer.subject == "New message about Batik silk scarf"
    assert "Yes, we can.\nPrice follows." in to_buyer.body
    assert "Wonderful." in _mails(owner.email)[-1].body


def test_status_changes_tell_the_other_party_but_not_a_spammer(ctx: Flask) -> None:
    interest, buyer, owner = _conversation()
    post_message(interest, owner, "Hello")
    start_negotiating(interest, owner)
    assert _notes(buyer.id)[-1][:2] == (
        "interest_status",
        "Maker of Batik silk scarf changed the status of the interest in Batik silk scarf to: "
        "Negotiating",
    )
    assert _mails(buyer.email)[-1].subject == "Interest in Batik silk scarf: Negotiating"
    withdraw(interest, buyer)
    assert _notes(owner.id)[-1][1].startswith("Harz Handel GmbH changed the status")
    assert "Withdrawn" in _mails(owner.email)[-1].body

    spam, spammer, spam_owner = _conversation()
    before = len(_notes(spammer.id))
    mark_spam(spam, spam_owner, "Advert")
    assert len(_notes(spammer.id)) == before


def test_user_text_cannot_break_a_subject_line(ctx: Flask) -> None:
    interest, _buyer, owner = _conversation()
    interest.product.name = "Scarf\r\nBcc: everyone@example.com"
    post_message(interest, interest.buyer, "Hi")
    mail = _mails(owner.email)[-1]
    assert "\n" not in mail.subject and "\r" not in mail.subject


def test_the_navigation_counts_unread_notifications(app: Flask, login_as: Any) -> None:
    with app.app_context():
        interest, buyer, owner = _conversation()
        post_message(interest, buyer, "Any news?")
        interest_id = interest.id
        commit_and_detach(owner, buyer)
    client = login_as(owner)
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="Notifications, 2 unread"' in home
    assert '<span class="count">2</span>' in home
    page = client.get("/notifications/").get_data(as_text=True)
    assert "New interest in Batik silk scarf from Harz Handel GmbH" in page
    assert page.count("Unread") == 2
    # Opening the conversation reads the notifications that lead to it.
    client.get(f"/interests/{interest_id}")
    after = client.get("/").get_data(as_text=True)
    assert "unread" not in after and ">Notifications</a>" in after
    buyer_client = login_as(buyer)
    assert ">Notifications</a>" in buyer_client.get("/").get_data(as_text=True)


def test_all_notifications_can_be_marked_read(app: Flask, login_as: Any) -> None:
    with app.app_context():
        _interest, _buyer, owner = _conversation()
        commit_and_detach(owner)
    client = login_as(owner)
    response = post_form(client, "/notifications/read", page="/notifications/")
    assert response.status_code == 302
    page = client.get("/notifications/").get_data(as_text=True)
    assert "All notifications are marked as read." in page
    assert "Unread" not in page and "New interest in Batik silk scarf" in page
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Notification.read_at.is_(None))) == 0
        )


def test_the_count_costs_one_query_and_none_for_visitors(
    app: Flask, client: Any, login_as: Any
) -> None:
    with app.app_context():
        _interest, _buyer, owner = _conversation()
        commit_and_detach(owner)
        engine = db.engine
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/partners")
        anonymous = list(statements)
        statements.clear()
        login_as(owner).get("/partners")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert not [s for s in anonymous if "FROM notifications" in s]
    assert len([s for s in statements if "FROM notifications" in s]) == 1


def test_notifications_are_private(app: Flask, client: Any, login_as: Any) -> None:
    with app.app_context():
        _interest, buyer, owner = _conversation()
        commit_and_detach(buyer, owner)
    assert "New interest" not in login_as(buyer).get("/notifications/").get_data(as_text=True)
    assert client.get("/notifications/").status_code == 302


def test_notifications_come_thirty_to_a_page(app: Flask, login_as: Any) -> None:
    with app.app_context():
        buyer = make_buyer()
        for n in range(31):
            make_notification(buyer, f"Note {n:02d}")
        commit_and_detach(buyer)
    client = login_as(buyer)
    first = client.get("/notifications/").get_data(as_text=True)
    assert first.count('<li class="notification') == 30
    assert 'href="/notifications/?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert second.count('<li class="notification') == 1
    assert 'href="/notifications/?page=1" rel="prev"' in second and 'rel="next"' not in second
    assert "Nothing new" in client.get("/notifications/?page=3").get_data(as_text=True)
