"""A visitor's interest without an account: kept aside, mailed a link, confirmed into a real
interest; nothing reaches the business before. Accounts found or opened on confirmation, links
that expire, are forged or used, and what is purged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts import tokens
from marketplace.accounts.models import BuyerType, Role, User, UserStatus
from marketplace.accounts.passwords import verify_password
from marketplace.accounts.services import AccountError
from marketplace.db import db, utcnow
from marketplace.interests.models import Interest, PendingInterest
from marketplace.interests.pending import (
    CONFIRM_INTEREST,
    REPEAT_GRACE,
    PendingInterestError,
    VisitorInterest,
    confirm_pending_interest,
    make_confirm_token,
    purge_expired,
    read_confirm_token,
    submit_pending_interest,
)
from marketplace.interests.services import InterestError
from marketplace.mail.models import OutboxEmail
from marketplace.notifications.models import Notification
from marketplace.products.models import Product, ProductStatus
from tests.catalog.helpers import channel
from tests.factories import PASSWORD, add_translation, make_buyer, make_listing, make_user
from tests.interests.helpers import count, express, new_key

EMAIL = "minjun.kim@example.kr"


def visitor(**fields: Any) -> VisitorInterest:
    values: dict[str, Any] = {
        "name": "Kim Min-jun",
        "email": "  MinJun.Kim@Example.KR ",
        "buyer_type": BuyerType.INDIVIDUAL,
        "country_code": "KR",
        "message": "Do you ship to Seoul?\r\nTwo sets, please.",
        "quantity": 2,
    }
    values.update(fields)
    return VisitorInterest(**values)


def submit(
    product: Product, data: VisitorInterest | None = None, **options: Any
) -> PendingInterest:
    values: dict[str, Any] = {"locale": "ko", "submission_key": new_key()}
    values.update(options)
    return submit_pending_interest(product, data or visitor(), **values)


def mails() -> list[OutboxEmail]:
    return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def test_the_form_is_kept_aside_and_only_the_visitor_gets_a_mail(ctx: Flask) -> None:
    product = make_listing()
    add_translation(product, "ko", "바틱 실크 스카프")
    seoul = channel("little-bandung")

    pending = submit(product, channel_id=seoul.id)

    assert (pending.email, pending.name, pending.country_code) == (EMAIL, "Kim Min-jun", "KR")
    assert (pending.quantity, pending.unit, pending.channel_id) == (2, "piece", seoul.id)
    assert pending.message == "Do you ship to Seoul?\nTwo sets, please."
    assert (pending.buyer_type, pending.company, pending.locale) == (
        BuyerType.INDIVIDUAL,
        None,
        "ko",
    )
    # Nothing reaches the business: no interest, no notification, no mail but the visitor's.
    assert (
        count(Interest) == 0 and count(Notification) == 0 and count(User, User.email == EMAIL) == 0
    )
    [mail] = mails()
    assert mail.to_address == EMAIL
    # In the visitor's language, the product's name too.
    assert "바틱 실크 스카프" in mail.subject
    assert "바틱 실크 스카프" in mail.body and product.business.name in mail.body
    assert f"http://127.0.0.1:8000/interests/confirm/{make_confirm_token(pending)}" in mail.body


def test_the_same_form_twice_keeps_one_and_mails_once(ctx: Flask) -> None:
    product = make_listing()
    first = submit(product, submission_key="same-form")
    again = submit(product, visitor(message="Changed my mind"), submission_key="same-form")
    assert again.id == first.id and again.message == first.message
    assert count(PendingInterest) == 1 and len(mails()) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not an address"}, "Enter a valid e-mail address."),
        ({"name": "   "}, "Enter your name (at most 120 characters)."),
        ({"country_code": "XX"}, "Choose your country."),
        ({"buyer_type": BuyerType.RETAILER}, "Enter your company's name (at most 160 characters)."),
        ({"message": " \n "}, "Please write a message to the business."),
        ({"quantity": 0}, "The quantity must be a whole number above zero."),
        ({"message": "x" * 4001}, "Please keep the text to 4000 characters or fewer."),
    ],
)
def test_what_the_form_cannot_take_is_refused_and_nothing_is_kept(
    ctx: Flask, change: dict[str, Any], message: str
) -> None:
    with pytest.raises((AccountError, InterestError)) as refused:
        submit(make_listing(), visitor(**change))
    assert refused.value.message == message
    assert count(PendingInterest) == 0 and mails() == []


def test_a_business_names_its_company_and_a_private_buyer_none(ctx: Flask) -> None:
    product = make_listing()
    shop = submit(product, visitor(buyer_type=BuyerType.RETAILER, company="  Seoul  Select "))
    person = submit(product, visitor(company="Typed anyway"))
    assert (shop.buyer_type, shop.company) == (BuyerType.RETAILER, "Seoul Select")
    assert (person.buyer_type, person.company) == (BuyerType.INDIVIDUAL, None)


def test_a_product_that_is_not_public_takes_no_interest(ctx: Flask) -> None:
    product = make_listing()
    product.status = ProductStatus.ARCHIVED
    with pytest.raises(InterestError, match="not available any more"):
        submit(product)
    assert count(PendingInterest) == 0


def test_confirming_opens_a_verified_buyer_account_without_a_password(ctx: Flask) -> None:
    product = make_listing()
    seoul = channel("little-bandung")
    token = make_confirm_token(submit(product, channel_id=seoul.id))

    done = confirm_pending_interest(token)

    buyer = done.buyer
    assert done.new_account and done.log_in and done.submission.created
    assert (buyer.email, buyer.name, buyer.role, buyer.locale) == (
        EMAIL,
        "Kim Min-jun",
        Role.BUYER,
        "ko",
    )
    assert buyer.email_verified_at is not None and not buyer.has_password
    assert not verify_password(buyer.password_hash, "")
    profile = buyer.buyer_profile
    assert profile is not None
    assert (profile.buyer_type, profile.company, profile.country_code) == (
        BuyerType.INDIVIDUAL,
        "",
        "KR",
    )
    interest = done.submission.interest
    assert (interest.buyer_id, interest.product_id, interest.channel_id) == (
        buyer.id,
        product.id,
        seoul.id,
    )
    assert (interest.quantity, interest.unit, interest.message) == (
        2,
        "piece",
        "Do you ship to Seoul?\nTwo sets, please.",
    )
    # Now, and only now, the business hears of it.
    owner = product.business.owner
    assert count(Notification, Notification.user_id == owner.id) == 1
    assert [m.to_address for m in mails()] == [EMAIL, owner.email]
    assert db.session.get_one(PendingInterest, read_pending_id(token)).confirmed_at is not None


def read_pending_id(token: str) -> int:
    payload = tokens.read_signed(CONFIRM_INTEREST, token, 3600)
    return int(payload["p"])


def test_a_buyer_with_an_account_gets_the_interest_and_logs_in_with_the_password(
    ctx: Flask,
) -> None:
    buyer = make_buyer(email=EMAIL)
    token = make_confirm_token(submit(make_listing()))

    done = confirm_pending_interest(token)

    assert done.buyer.id == buyer.id and not done.new_account
    # A link that lives 48 hours is no key to an account someone protects with a password.
    assert not done.log_in and buyer.has_password
    assert verify_password(buyer.password_hash, PASSWORD)
    assert done.submission.interest.buyer_id == buyer.id
    assert buyer.buyer_profile is not None and buyer.buyer_profile.company == "Harz Handel GmbH"
    assert count(User) == 2  # the buyer and the owner: no account was added


def test_an_account_opened_by_a_link_comes_back_by_the_next_link(ctx: Flask) -> None:
    product = make_listing()
    first = confirm_pending_interest(make_confirm_token(submit(product)))
    second = confirm_pending_interest(
        make_confirm_token(submit(make_listing("Bamboo lamp"), visitor(message="And a lamp?")))
    )
    assert second.buyer.id == first.buyer.id and second.log_in and not second.new_account
    assert count(Interest, Interest.buyer_id == first.buyer.id) == 2


def test_a_second_interest_in_the_same_product_joins_the_open_conversation(ctx: Flask) -> None:
    buyer = make_buyer(email=EMAIL)
    product = make_listing()
    interest = express(buyer, product)
    done = confirm_pending_interest(make_confirm_token(submit(product)))
    assert done.submission.joined and done.submission.interest.id == interest.id
    assert count(Interest) == 1


def test_an_unproved_account_loses_its_password_to_the_owner_of_the_address(
    ctx: Flask,
) -> None:
    """Someone registered the address without ever proving it: whoever follows the link does
    prove it, and the password set by the registrant stops working, with every session."""
    squatter = make_buyer(email=EMAIL, verified=False, company="Not Yours Ltd")
    old_session = squatter.session_token

    done = confirm_pending_interest(make_confirm_token(submit(make_listing())))

    assert done.buyer.id == squatter.id and done.log_in
    assert not squatter.has_password and not verify_password(squatter.password_hash, PASSWORD)
    assert squatter.session_token != old_session
    assert squatter.email_verified_at is not None
    assert squatter.buyer_profile is not None
    assert (squatter.buyer_profile.company, squatter.buyer_profile.country_code) == ("", "KR")


@pytest.mark.parametrize("role", [Role.MSME, Role.OFFICER, Role.ADMIN])
def test_an_address_of_another_kind_of_account_cannot_confirm(ctx: Flask, role: Role) -> None:
    make_user(role, email=EMAIL)
    token = make_confirm_token(submit(make_listing()))
    with pytest.raises(PendingInterestError, match="belongs to an account of an MSME owner"):
        confirm_pending_interest(token)
    assert count(Interest) == 0 and count(User, User.role == Role.BUYER) == 0


def test_a_suspended_buyer_cannot_confirm(ctx: Flask) -> None:
    make_buyer(email=EMAIL, status=UserStatus.SUSPENDED)
    token = make_confirm_token(submit(make_listing()))
    with pytest.raises(PendingInterestError, match="suspended"):
        confirm_pending_interest(token)
    assert count(Interest) == 0


def test_a_link_works_once_and_a_double_press_adds_nothing(ctx: Flask) -> None:
    pending = submit(make_listing())
    token = make_confirm_token(pending)
    first = confirm_pending_interest(token)
    # The link's page now says it was used.
    with pytest.raises(tokens.TokenUsedError):
        read_confirm_token(token)
    # A second press moments later (a double click) gets the same answer and adds nothing.
    again = confirm_pending_interest(token)
    assert (
        again.submission.repeated and again.submission.interest.id == first.submission.interest.id
    )
    assert again.buyer.id == first.buyer.id and not again.new_account and again.log_in
    assert count(Interest) == 1 and count(User, User.role == Role.BUYER) == 1
    owner = first.submission.interest.product.business.owner
    assert count(Notification, Notification.user_id == owner.id) == 1
    # Later, the link is used up for good.
    pending.confirmed_at = utcnow() - REPEAT_GRACE - timedelta(seconds=1)
    db.session.flush()
    with pytest.raises(tokens.TokenUsedError):
        confirm_pending_interest(token)


def test_forged_and_foreign_links_are_refused(ctx: Flask) -> None:
    pending = submit(make_listing())
    token = make_confirm_token(pending)
    for forged in (
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        tokens.sign(CONFIRM_INTEREST, {"p": pending.id, "f": "0" * 16}),
        tokens.sign(CONFIRM_INTEREST, {"p": pending.id + 1, "f": tokens.digest("x")}),
        tokens.sign(CONFIRM_INTEREST, {"p": "1", "f": None}),
        tokens.sign(tokens.VERIFY_EMAIL, {"p": pending.id, "f": "x"}),
    ):
        with pytest.raises(tokens.TokenInvalidError):
            confirm_pending_interest(forged)
    assert count(Interest) == 0 and count(User, User.role == Role.BUYER) == 0


def test_a_link_expires_with_the_verification_links(ctx: Flask, monkeypatch: Any) -> None:
    token = make_confirm_token(submit(make_listing()))
    monkeypatch.setitem(ctx.config, "TOKEN_MAX_AGE", -1)
    with pytest.raises(tokens.TokenExpiredError):
        confirm_pending_interest(token)
    assert count(Interest) == 0


def test_what_nobody_confirmed_in_time_is_deleted(ctx: Flask) -> None:
    product = make_listing()
    old, confirmed_old, fresh = (submit(product) for _ in range(3))
    confirmed_old.confirmed_at = utcnow()
    for pending in (old, confirmed_old):
        pending.created_at = utcnow() - timedelta(hours=48, minutes=1)
    fresh.created_at = utcnow() - timedelta(hours=47)
    db.session.flush()

    assert purge_expired() == 2
    assert list(db.session.scalars(sa.select(PendingInterest.id))) == [fresh.id]

    # The next submission purges too.
    fresh.created_at = utcnow() - timedelta(days=3)
    db.session.flush()
    newest = submit(product)
    assert list(db.session.scalars(sa.select(PendingInterest.id))) == [newest.id]


def test_the_purge_command_deletes_what_expired(app: Flask) -> None:
    with app.app_context():
        pending = submit(make_listing())
        pending.created_at = utcnow() - timedelta(days=2, seconds=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-pending-interests"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 pending interest(s) older than 48 hours." in result.output
    with app.app_context():
        assert count(PendingInterest) == 0


def test_a_channel_that_is_gone_is_not_credited(ctx: Flask) -> None:
    """The visit's cookie may outlive its channel: the interest is then direct."""
    assert submit(make_listing(), channel_id=999_999).channel_id is None
