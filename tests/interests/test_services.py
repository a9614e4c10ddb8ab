"""Expressing interest and conversing: idempotent submission, joining an open conversation,
the buyer's and the product's checks, length limits, messages and read markers."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessStatus
from marketplace.db import db, utcnow
from marketplace.interests import queries
from marketplace.interests.models import Interest, InterestStatus, Message
from marketplace.interests.services import (
    InterestData,
    InterestError,
    InterestStateError,
    clean_text,
    express_interest,
    mark_read,
    post_message,
)
from marketplace.interests.transitions import withdraw
from marketplace.ledger.models import AuditEntry
from marketplace.products.models import ProductStatus
from tests.catalog.helpers import channel
from tests.factories import make_buyer, make_listing, make_user
from tests.interests.helpers import count, express, new_key


def test_an_interest_opens_a_conversation_with_its_terms(ctx: Flask) -> None:
    buyer, product = make_buyer(), make_listing()
    result = express_interest(
        product,
        buyer,
        InterestData(
            message="  50 scarves, please.\r\nBy May.  ",
            quantity=50,
            unit="piece",
            target_price=Decimal("12.50"),
            currency="EUR",
            incoterm="FOB",
            destination="  Hamburg   port ",
        ),
        submission_key="k-1",
    )
    assert (result.created, result.joined, result.repeated) == (True, False, False)
    interest = result.interest
    assert interest.status == InterestStatus.NEW
    assert interest.message == "50 scarves, please.\nBy May."
    assert (interest.quantity, interest.unit, interest.incoterm) == (50, "piece", "FOB")
    assert (interest.target_price, interest.currency) == (Decimal("12.50"), "EUR")
    assert interest.destination == "Hamburg port"
    assert interest.channel_id is None  # direct
    assert interest.first_reply_at is None and interest.buyer_read_at is not None


def test_the_same_form_twice_makes_one_interest(ctx: Flask) -> None:
    buyer, product = make_buyer(), make_listing()
    data = InterestData(message="Hello")
    first = express_interest(product, buyer, data, submission_key="same")
    second = express_interest(product, buyer, data, submission_key="same")
    assert second.interest.id == first.interest.id
    assert (second.created, second.repeated) == (False, True)
    assert count(Interest) == 1 and count(Message) == 0


def test_a_second_interest_joins_the_open_conversation(ctx: Flask) -> None:
    buyer, product = make_buyer(), make_listing()
    first = express(buyer, product, "First")
    joined = express_interest(
        product,
        buyer,
        InterestData(message="Also 20 in blue.", quantity=20, unit="piece", incoterm="CIF"),
        submission_key="join-1",
    )
    assert (joined.created, joined.joined) == (False, True)
    assert joined.interest.id == first.id
    assert count(Interest) == 1
    (message,) = first.messages
    assert message.body == "20 piece · CIF\n\nAlso 20 in blue."
    assert message.sender_id == buyer.id
    # The joining form sent again adds nothing.
    again = express_interest(product, buyer, InterestData(message="x"), submission_key="join-1")
    assert again.repeated and again.joined and count(Message) == 1


def test_after_a_closed_conversation_a_new_interest_opens_another(ctx: Flask) -> None:
    buyer, product = make_buyer(), make_listing()
    first = express(buyer, product)
    withdraw(first, buyer)
    second = express(buyer, product)
    assert second.id != first.id and count(Interest) == 2


def test_another_buyers_form_key_is_refused(ctx: Flask) -> None:
    product = make_listing()
    express(make_buyer(), product, key="shared")
    with pytest.raises(InterestError, match="expired"):
        express(make_buyer("Other GmbH"), product, key="shared")


@pytest.mark.parametrize("key", ["", "   ", "x" * 65, "schlüssel"])
def test_a_missing_or_odd_form_key_is_refused(ctx: Flask, key: str) -> None:
    with pytest.raises(InterestError, match="expired"):
        express(make_buyer(), make_listing(), key=key or " ")


def test_only_verified_buyers_express_interest(ctx: Flask) -> None:
    product = make_listing()
    with pytest.raises(InterestError, match="Only buyers"):
        express(make_user(Role.MSME), product)
    with pytest.raises(InterestError, match="verify your e-mail"):
        express(make_buyer(verified=False), product)
    assert count(Interest) == 0


def test_only_public_products_take_interest(ctx: Flask) -> None:
    buyer = make_buyer()
    draft = make_listing("Draft lamp")
    draft.status = ProductStatus.DRAFT
    suspended = make_listing("Suspended lamp")
    suspended.business.status = BusinessStatus.SUSPENDED
    for product in (draft, suspended):
        with pytest.raises(InterestError, match="not available"):
            express(buyer, product)


@pytest.mark.parametrize(
    ("terms", "error"),
    [
        ({"message": "   "}, "write a message"),
        ({"message": "x" * 4001}, "4000 characters"),
        ({"destination": "y" * 121}, "120 characters"),
        ({"quantity": 0}, "above zero"),
        ({"quantity": 3_000_000_000}, "above zero"),
        ({"unit": "bushel", "quantity": 3}, "unit"),
        ({"incoterm": "XYZ"}, "Incoterm"),
        ({"target_price": Decimal("0")}, "above zero"),
        ({"target_price": Decimal("1.234"), "currency": "EUR"}, "2 decimals"),
        ({"target_price": Decimal("10"), "currency": "XXX"}, "currency"),
        ({"target_price": Decimal("10")}, "currency"),
    ],
)
def test_terms_are_checked(ctx: Flask, terms: dict[str, object], error: str) -> None:
    data = {"message": "Hello", **terms}
    with pytest.raises(InterestError, match=error):
        express_interest(
            make_listing(), make_buyer(), InterestData(**data), submission_key=new_key()
        )  # type: ignore[arg-type]
    assert count(Interest) == 0


def test_text_keeps_line_breaks_and_loses_control_characters() -> None:
    assert clean_text("a\x00b\r\nc\x07", 10) == "ab\nc"
    assert clean_text(" one \n two ", 20, multiline=False) == "one two"
    assert clean_text("x" * 4000, 4000) == "x" * 4000
    with pytest.raises(InterestError):
        clean_text("x" * 4001, 4000)


def test_the_visits_channel_is_recorded_if_it_exists(ctx: Flask) -> None:
    buyer, fair = make_buyer(), channel("harz-und-heide")
    via_fair = express(buyer, make_listing("Lamp"), channel_id=fair.id)
    assert via_fair.channel_id == fair.id
    gone = express(buyer, make_listing("Vase"), channel_id=987654)
    assert gone.channel_id is None


def test_the_owners_first_message_answers_the_interest(ctx: Flask) -> None:
    buyer, product = make_buyer(), make_listing()
    owner = product.business.owner
    interest = express(buyer, product)
    post_message(interest, buyer, "Any news?")
    assert interest.status == InterestStatus.NEW and interest.first_reply_at is None
    reply = post_message(interest, owner, "Yes, we can make 50.")
    assert interest.status == InterestStatus.REPLIED
    assert interest.first_reply_at == reply.created_at
    first = interest.first_reply_at
    post_message(interest, owner, "Photos follow.")
    assert interest.first_reply_at == first
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.subject_type == "interest")
    ).all()
    assert [(a.action, a.actor_id, a.before, a.after) for a in audit] == [
        ("interest.replied", owner.id, {"status": "new"}, {"status": "replied"})
    ]


def test_only_the_two_parties_write_and_not_after_withdrawal(ctx: Flask) -> None:
    buyer, product = make_buyer(), make_listing()
    interest = express(buyer, product)
    for outsider in (make_buyer("Other"), make_user(Role.MSME), make_user(Role.OFFICER)):
        with pytest.raises(InterestError, match="Only the buyer and the business"):
            post_message(interest, outsider, "Hello")
    with pytest.raises(InterestError, match="write a message"):
        post_message(interest, buyer, " \n ")
    with pytest.raises(InterestError, match="4000"):
        post_message(interest, buyer, "x" * 4001)
    withdraw(interest, buyer)
    with pytest.raises(InterestStateError, match="closed"):
        post_message(interest, product.business.owner, "Too late?")
    assert count(Message) == 0


def test_read_markers_drive_the_unread_flags(ctx: Flask) -> None:
    buyer, product = make_buyer(), make_listing()
    owner = product.business.owner
    interest = express(buyer, product)
    business_id = product.business_id

    def owner_unread() -> bool:
        return {row: row.unread for row in db.session.scalars(queries.business_inbox(business_id))}[
            interest
        ]

    def buyer_unread() -> bool:
        return {row: row.unread for row in db.session.scalars(queries.buyer_interests(buyer.id))}[
            interest
        ]

    assert owner_unread() and not buyer_unread()
    mark_read(interest, owner)
    assert not owner_unread()
    post_message(interest, owner, "Thanks!")
    assert buyer_unread() and not owner_unread()
    mark_read(interest, buyer)
    assert not buyer_unread()
    post_message(interest, buyer, "Great.")
    assert owner_unread() and not buyer_unread()
    before = (interest.buyer_read_at, interest.owner_read_at)
    mark_read(interest, make_user(Role.OFFICER))
    assert (interest.buyer_read_at, interest.owner_read_at) == before
    assert utcnow() >= interest.owner_read_at  # type: ignore[operator]
