"""The quick interest form and its mailed link through HTTP: what a visitor is asked, errors in
their language, CSRF, limits, one answer for known and unknown addresses, and the link's page
(a button; confirming logs in an account without a password; expired, forged, used links)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import tokens
from marketplace.accounts.models import Role, User
from marketplace.db import db, utcnow
from marketplace.interests.models import Interest, PendingInterest
from marketplace.interests.pending import CONFIRM_INTEREST
from marketplace.notifications.models import Notification
from marketplace.products.models import Product
from tests.accounts.helpers import is_logged_in, link_path, log_in, outbox, without_csrf
from tests.catalog.helpers import channel
from tests.channels.helpers import accept, nominate_all
from tests.conftest import post_form
from tests.factories import make_buyer, make_listing, make_officer, make_user
from tests.interests.helpers import count

EMAIL = "jonas.becker@example.de"


@pytest.fixture
def slug(app: Flask) -> str:
    with app.app_context():
        product = make_listing("Angklung set")
        db.session.commit()
        return product.slug


def form(**fields: str) -> dict[str, str]:
    data = {
        "quantity": "12",
        "message": "Für die Musikschule in Braunschweig.",
        "name": "Jonas Becker",
        "email": EMAIL,
        "country": "DE",
        "buyer_type": "individual",
        "company": "",
    }
    data.update(fields)
    return data


def send(client: FlaskClient, slug: str, **fields: str) -> Any:
    """Submit the quick form as the page shows it (its own submission key and CSRF token)."""
    page = f"/products/{slug}/interest"
    html = client.get(page).get_data(as_text=True)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', html)
    assert key, html
    return post_form(client, page, {**form(**fields), "submission_key": key.group(1)}, page=page)


def confirm_path(app: Flask, to: str = EMAIL) -> str:
    [(_to, _subject, body)] = outbox(app, to)
    return link_path(body, "/interests/confirm/")


def test_a_visitor_is_asked_only_what_the_business_needs(client: FlaskClient, slug: str) -> None:
    html = client.get(f"/products/{slug}/interest").get_data(as_text=True)
    quick_form = html[html.index('class="stack buyer-fields quick-form"') :].split("</form>")[0]
    fields = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', quick_form))
    assert fields == {
        "csrf_token",
        "submission_key",
        "quantity",
        "message",
        "name",
        "email",
        "country",
        "buyer_type",
        "company",
        "submit",
    }
    # A private buyer by default; the company is for businesses (folded away by CSS).
    assert '<option selected value="individual">' in html
    business_only = html[html.index('class="business-only"') :]
    assert 'name="company"' in business_only and 'name="email"' not in business_only
    assert 'type="password"' not in quick_form


def test_the_country_comes_from_the_channel_else_from_the_browser(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    page = f"/products/{slug}/interest"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ms-MY,ms;q=0.9"
    assert '<option selected value="MY">' in client.get(page).get_data(as_text=True)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert '<option selected value="">' in client.get(page).get_data(as_text=True)
    with app.app_context():
        seoul = channel("little-bandung")
        seoul.capacity = 5
        product = db.session.scalars(sa.select(Product).where(Product.slug == slug)).one()
        (nomination,) = nominate_all([product], seoul)
        accept(make_officer(), nomination)
        db.session.commit()
        token = nomination.qr_token
    client.get(f"/t/{token}")  # a tag scanned at Little Bandung in Seoul
    assert '<option selected value="KR">' in client.get(page).get_data(as_text=True)


def test_sending_mails_a_link_and_nothing_reaches_the_business(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    response = send(client, slug)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/products/{slug}/interest/sent"
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your inbox" in sent and EMAIL in sent
    # Shown once: the address is not kept in the session.
    assert EMAIL not in client.get(f"/products/{slug}/interest/sent").get_data(as_text=True)
    with app.app_context():
        assert count(PendingInterest) == 1
        assert count(Interest) == 0 and count(Notification) == 0
    assert [to for to, _, _ in outbox(app)] == [EMAIL]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    known = "known.buyer@example.de"
    with app.app_context():
        make_buyer(email=known)
        make_user(Role.MSME, email="owner.of.kriya@example.id")
        db.session.commit()

    def answer(email: str) -> tuple[int, str, str, str]:
        response = send(client, slug, email=email)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        [(_to, subject, body)] = outbox(app, email)
        return (
            response.status_code,
            without_csrf(page).replace(email, "ADDRESS"),  # a CSRF token carries the time
            subject,
            re.sub(r"/interests/confirm/\S+", "LINK", body),
        )

    unknown = answer("nobody.yet@example.de")
    assert answer(known) == unknown
    assert answer("owner.of.kriya@example.id") == unknown


def test_errors_are_in_the_visitors_language_and_nothing_is_kept(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ko-KR"
    response = send(client, slug, name="", email="kein-adresse", message="", quantity="0")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="ko">' in html
    assert html.count("이 항목을 입력해 주십시오.") == 2  # name and message
    assert "올바른 이메일 주소를 입력해 주십시오." in html
    with app.app_context():
        assert count(PendingInterest) == 0
    assert outbox(app) == []


def test_a_business_must_name_its_company(app: Flask, client: FlaskClient, slug: str) -> None:
    response = send(client, slug, buyer_type="retailer", company=" ")
    assert response.status_code == 400
    assert "Businesses need to fill in this field." in response.get_data(as_text=True)
    assert send(client, slug, buyer_type="nonsense").status_code == 400
    assert send(client, slug, buyer_type="retailer", company="Harz Handel").status_code == 302
    with app.app_context():
        pending = db.session.scalars(sa.select(PendingInterest)).one()
        assert pending.company == "Harz Handel"


def test_a_post_without_a_csrf_token_is_refused(app: Flask, client: FlaskClient, slug: str) -> None:
    response = client.post(f"/products/{slug}/interest", data={**form(), "submission_key": "k"})
    assert response.status_code == 400
    with app.app_context():
        assert count(PendingInterest) == 0


def test_mails_are_limited_per_address_and_per_network(
    app: Flask, client: FlaskClient, slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three mails an hour to one address; MAIL_LIMIT_PER_ADDRESS from one network address
    (30 by default, 4 here). A form returned with errors costs nothing."""
    monkeypatch.setitem(app.config, "MAIL_LIMIT_PER_ADDRESS", "4 per hour")
    for _ in range(5):
        assert send(client, slug, email="").status_code == 400
    for _ in range(3):
        assert send(client, slug).status_code == 302
    refused = send(client, slug)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Many interests were sent from here" in refused.get_data(as_text=True)

    assert send(client, slug, email="other@example.de").status_code == 302
    assert send(client, slug, email="third@example.de").status_code == 429
    assert len(outbox(app)) == 4


def test_opening_the_link_shows_a_button_and_changes_nothing(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    send(client, slug)
    path = confirm_path(app)
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Confirm your interest" in html and "Für die Musikschule in Braunschweig." in html
    assert f'action="{path}"' in html
    with app.app_context():
        assert count(User, User.email == EMAIL) == 0 and count(Interest) == 0


def test_confirming_opens_the_account_logs_in_and_offers_a_password(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    send(client, slug)
    path = confirm_path(app)
    visitor = app.test_client()  # the link is often opened elsewhere (the phone's mail app)

    response = post_form(visitor, path, {}, page=path)

    with app.app_context():
        interest = db.session.scalars(sa.select(Interest)).one()
        buyer = db.session.get_one(User, interest.buyer_id)
        assert (buyer.email, buyer.role, buyer.has_password) == (EMAIL, Role.BUYER, False)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/interests/{interest.id}"
    thread = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your interest is sent to" in thread
    assert "Choose a password (optional)" in thread and 'name="new_password"' in thread

    # The password, chosen on the conversation's page, brings them back there.
    chosen = post_form(
        visitor,
        "/auth/settings/password",
        {
            "new_password": "angklung in braunschweig",
            "confirm_password": "angklung in braunschweig",
            "next": f"/interests/{interest.id}",
        },
        page=f"/interests/{interest.id}",
    )
    assert chosen.status_code == 302 and chosen.headers["Location"] == f"/interests/{interest.id}"
    assert "Choose a password" not in visitor.get(chosen.headers["Location"]).get_data(as_text=True)
    other = app.test_client()
    assert log_in(other, EMAIL, "angklung in braunschweig").status_code == 302
    assert is_logged_in(other)


def test_an_account_without_a_password_cannot_log_in_with_any(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    send(client, slug)
    path = confirm_path(app)
    post_form(app.test_client(), path, {}, page=path)
    for guess in ("", "!", "angklung in braunschweig"):
        response = log_in(client, EMAIL, guess)
        assert response.status_code in (200, 400)
        assert not is_logged_in(client)


def test_a_buyer_with_a_password_is_asked_to_log_in_after_confirming(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    with app.app_context():
        make_buyer(email=EMAIL)
        db.session.commit()
    send(client, slug)
    path = confirm_path(app)

    response = post_form(client, path, {}, page=path)

    with app.app_context():
        interest = db.session.scalars(sa.select(Interest)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=/interests/{interest.id}"
    assert not is_logged_in(client)


def test_an_msme_address_is_told_kindly_and_nothing_changes(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    with app.app_context():
        make_user(Role.MSME, email=EMAIL)
        db.session.commit()
    send(client, slug)
    path = confirm_path(app)
    for response in (client.get(path), post_form(client, path, {}, page="/")):
        assert response.status_code == 400
        assert "belongs to an account of an MSME owner" in response.get_data(as_text=True)
    with app.app_context():
        assert count(Interest) == 0


def test_used_forged_and_expired_links_are_refused(
    app: Flask, client: FlaskClient, slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    send(client, slug)
    path = confirm_path(app)
    first = post_form(client, path, {}, page=path)
    assert first.status_code == 302

    used = client.get(path)
    assert used.status_code == 400
    assert "This link has already been used." in used.get_data(as_text=True)
    # A double click is answered like the first press; later, the link is used up.
    stranger = app.test_client()
    again = post_form(stranger, path, {}, page="/")
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    with app.app_context():
        pending = db.session.scalars(sa.select(PendingInterest)).one()
        pending.confirmed_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
    assert post_form(stranger, path, {}, page="/").status_code == 400

    with app.app_context():
        pending_id = db.session.scalars(sa.select(PendingInterest.id)).one()
        forged = tokens.sign(CONFIRM_INTEREST, {"p": pending_id, "f": "0" * 16})
    for bad in (forged, path.rsplit("/", 1)[1][:-3], "x" * 300):
        refused = client.get(f"/interests/confirm/{bad}")
        assert refused.status_code == 400
        assert "This link is not valid." in refused.get_data(as_text=True)

    send(app.test_client(), slug, email="late@example.de")
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE", -1)
    expired = client.get(confirm_path(app, "late@example.de"))
    assert expired.status_code == 400
    assert "This link has expired." in expired.get_data(as_text=True)
    with app.app_context():
        assert count(Interest) == 1


def test_a_product_gone_before_confirmation_is_said_so(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    send(client, slug)
    path = confirm_path(app)
    with app.app_context():
        pending = db.session.scalars(sa.select(PendingInterest)).one()
        pending.product.status = "archived"
        pending.created_at = utcnow()
        db.session.commit()
    response = post_form(client, path, {}, page=path)
    assert response.status_code == 400
    assert "This product is not available any more." in response.get_data(as_text=True)
    with app.app_context():
        assert count(Interest) == 0 and count(User, User.email == EMAIL) == 0
