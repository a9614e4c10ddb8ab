"""Registration and e-mail verification through the real pages."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import tokens
from marketplace.accounts.models import BuyerType, Role, User
from marketplace.db import db
from tests.accounts.helpers import link_path, log_in, open_verification_link, outbox, without_csrf
from tests.conftest import post_form
from tests.factories import make_business, make_partner_city, make_product, make_user

GOOD_PASSWORD = "batik and angklung 1960"


def _buyer_form(email: str = "Anna@Example.DE", **fields: str) -> dict[str, str]:
    data = {
        "role": "buyer",
        "name": "Anna Schmidt",
        "email": email,
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
        "company": "Harz Handel GmbH",
        "buyer_type": "retailer",
        "city": "Braunschweig",
        "country": "DE",
        "partner_city": "",
    }
    data.update(fields)
    return data


def _msme_form(email: str = "ani@kriya.co.id") -> dict[str, str]:
    return {
        "role": "msme",
        "name": "Ani Rahmawati",
        "email": email,
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
    }


def _user(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_register_page_offers_both_roles_and_partner_cities(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        make_partner_city("Braunschweig", "DE")
        db.session.commit()
    html = client.get("/auth/register").get_data(as_text=True)
    assert "Bandung MSME owner" in html and "Buyer abroad" in html
    assert "Braunschweig (Germany)" in html
    assert "None / not a partner city" in html
    for code in ("DE", "US", "KR", "CN", "BE", "MY", "AU", "ID", "NL", "FR", "GB", "JP", "SG"):
        assert f'value="{code}"' in html


def test_buyer_registers_with_partner_city(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        city_id = make_partner_city("Braunschweig", "DE").id
        db.session.commit()

    response = post_form(client, "/auth/register", _buyer_form(partner_city=str(city_id)))

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/check-inbox?purpose=register"
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "anna@example.de"))
        assert user is not None
        assert user.role == Role.BUYER
        assert user.email_verified_at is None
        assert user.password_hash != GOOD_PASSWORD
        profile = user.buyer_profile
        assert profile is not None
        assert (profile.company, profile.buyer_type, profile.city, profile.country_code) == (
            "Harz Handel GmbH",
            BuyerType.RETAILER,
            "Braunschweig",
            "DE",
        )
        assert profile.partner_city_id == city_id
        assert user.timezone is None  # the partner city's zone applies until they choose one
    [(to, subject, body)] = outbox(app)
    assert to == "anna@example.de"
    assert subject == "Please verify your e-mail address"
    assert "http://127.0.0.1:8000/auth/verify/" in body
    # Registration does not log the person in.
    assert client.get("/auth/settings").status_code == 302


def test_msme_owner_registers_without_buyer_fields(app: Flask, client: FlaskClient) -> None:
    response = post_form(client, "/auth/register", _msme_form())
    assert response.status_code == 302
    user = _user(app, "ani@kriya.co.id")
    assert user is not None and user.role == Role.MSME
    with app.app_context():
        assert db.session.get(User, user.id).buyer_profile is None  # type: ignore[union-attr]


def test_buyer_fields_are_required_for_buyers(app: Flask, client: FlaskClient) -> None:
    """Every buyer gives the type and the country; the company waits for the type."""
    response = post_form(
        client, "/auth/register", _buyer_form(company="", buyer_type="", city="", country="")
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count("Buyers need to fill in this field.") == 2
    assert _user(app, "anna@example.de") is None
    assert outbox(app) == []


def test_a_business_buyer_names_its_company_but_not_its_city(
    app: Flask, client: FlaskClient
) -> None:
    response = post_form(client, "/auth/register", _buyer_form(company="", city=""))
    assert response.status_code == 400
    assert response.get_data(as_text=True).count("Buyers need to fill in this field.") == 1
    assert _user(app, "anna@example.de") is None

    response = post_form(client, "/auth/register", _buyer_form(city=""))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "anna@example.de"))
        assert user is not None and user.buyer_profile is not None
        assert (user.buyer_profile.company, user.buyer_profile.city) == ("Harz Handel GmbH", "")


def test_a_private_buyer_gives_only_the_country(app: Flask, client: FlaskClient) -> None:
    """A private buyer is asked no company, city or partner city; any sent are not kept."""
    form = _buyer_form(buyer_type="individual", company="", city="")
    del form["partner_city"]
    response = post_form(client, "/auth/register", form)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "anna@example.de"))
        assert user is not None and user.buyer_profile is not None
        profile = user.buyer_profile
        assert (profile.buyer_type, profile.company, profile.city, profile.country_code) == (
            BuyerType.INDIVIDUAL,
            "",
            "",
            "DE",
        )

    response = post_form(
        client,
        "/auth/register",
        _buyer_form(email="ben@example.de", buyer_type="individual", company="Typed Anyway"),
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "ben@example.de"))
        assert user is not None and user.buyer_profile is not None
        assert (user.buyer_profile.company, user.buyer_profile.partner_city_id) == ("", None)


def test_the_register_page_marks_what_only_buyers_and_businesses_need(
    client: FlaskClient,
) -> None:
    """The fields fold away by CSS as the role and type are chosen; the markup says for whom."""
    html = client.get("/auth/register?role=buyer").get_data(as_text=True)
    buyer_part = html[html.index('class="buyer-fields buyer-only"') :]
    business_part = buyer_part[buyer_part.index('class="business-only"') :]
    assert 'name="buyer_type"' in buyer_part and 'name="country"' in buyer_part
    assert 'name="buyer_type"' not in business_part and 'name="country"' not in business_part
    for name in ("company", "city", "partner_city"):
        assert f'name="{name}"' in business_part
    assert html.index('name="password"') < html.index('class="buyer-fields buyer-only"')


def test_bad_input_is_refused_field_by_field(app: Flask, client: FlaskClient) -> None:
    data = _msme_form(email="not-an-address")
    data.update(password="aaaaaaaaaaaa", confirm="something else")
    html = post_form(client, "/auth/register", data).get_data(as_text=True)
    assert "Enter a valid e-mail address." in html
    assert "Use more than one different character." in html
    assert "The two passwords are not the same." in html
    data = _msme_form()
    data.update(password="short", confirm="short")
    assert "Use at least 10 characters." in post_form(client, "/auth/register", data).get_data(
        as_text=True
    )
    data = _msme_form()
    data.update(password="ani@kriya.co.id", confirm="ani@kriya.co.id")
    html = post_form(client, "/auth/register", data).get_data(as_text=True)
    assert "must not be your e-mail address" in html
    data = _msme_form()
    data["role"] = "officer"
    assert post_form(client, "/auth/register", data).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_duplicate_registration_looks_the_same_and_creates_nothing(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        make_user(Role.BUYER, email="taken@example.org", name="Existing Person")
        db.session.commit()

    new = post_form(client, "/auth/register", _msme_form(email="fresh@example.org"))
    again = post_form(client, "/auth/register", _msme_form(email="  Taken@Example.org "))

    assert new.status_code == again.status_code == 302
    assert new.headers["Location"] == again.headers["Location"]
    page_new = without_csrf(client.get(new.headers["Location"]).get_data(as_text=True))
    page_again = without_csrf(client.get(again.headers["Location"]).get_data(as_text=True))
    assert page_new == page_again
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.email == "taken@example.org")
        )
        assert count == 1
        existing = db.session.scalar(sa.select(User).where(User.email == "taken@example.org"))
        assert existing is not None and existing.name == "Existing Person"
    [(_, subject, body)] = outbox(app, "taken@example.org")
    assert subject == "Someone tried to register with your e-mail address"
    assert "http://127.0.0.1:8000/auth/reset" in body


def test_verification_link_works_once(app: Flask, client: FlaskClient) -> None:
    post_form(client, "/auth/register", _msme_form())
    [(_, _, body)] = outbox(app)
    path = link_path(body, "/auth/verify/")

    first = open_verification_link(client, path)
    assert first.status_code == 200
    assert "Your e-mail address is verified" in first.get_data(as_text=True)
    user = _user(app, "ani@kriya.co.id")
    assert user is not None and user.email_verified_at is not None

    second = client.get(path)
    assert second.status_code == 400
    assert "This link has already been used." in second.get_data(as_text=True)


def test_tampered_verification_link_is_refused(app: Flask, client: FlaskClient) -> None:
    post_form(client, "/auth/register", _msme_form())
    path = link_path(outbox(app)[0][2], "/auth/verify/")
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "This link is not valid." in response.get_data(as_text=True)
    assert client.get("/auth/verify/garbage").status_code == 400
    user = _user(app, "ani@kriya.co.id")
    assert user is not None and user.email_verified_at is None


def test_expired_verification_link_is_refused(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        user = make_user(Role.MSME, verified=False)
        token = tokens.make_verify_token(user)
        user_id = user.id
        db.session.commit()
    saved = app.config["TOKEN_MAX_AGE"]
    app.config["TOKEN_MAX_AGE"] = -1
    try:
        response = client.get(f"/auth/verify/{token}")
    finally:
        app.config["TOKEN_MAX_AGE"] = saved
    assert response.status_code == 400
    assert "This link has expired." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).email_verified_at is None  # type: ignore[union-attr]
    # The same link within its lifetime still works: only the age was refused.
    assert open_verification_link(client, f"/auth/verify/{token}").status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id).email_verified_at is not None  # type: ignore[union-attr]


def test_unverified_user_can_ask_for_the_link_again(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user(Role.BUYER, email="late@example.org", verified=False)
        db.session.commit()
    response = log_in(client, "late@example.org")
    assert response.status_code == 302
    settings = client.get("/auth/settings").get_data(as_text=True)
    assert "Please verify your e-mail address" in settings
    assert "Send the link again" in settings

    response = post_form(client, "/auth/resend-verification", page="/auth/settings")
    assert response.status_code == 302
    [(to, _, body)] = outbox(app)
    assert to == "late@example.org"
    assert open_verification_link(client, link_path(body, "/auth/verify/")).status_code == 200
    assert "Send the link again" not in client.get("/auth/settings").get_data(as_text=True)


def test_registration_is_rate_limited_per_network_address(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MAIL_LIMIT_PER_ADDRESS is 30 per hour by default (a fair's visitors share one address);
    5 here keeps the test short."""
    monkeypatch.setitem(app.config, "MAIL_LIMIT_PER_ADDRESS", "5 per hour")
    for n in range(5):
        assert (
            post_form(client, "/auth/register", _msme_form(f"p{n}@example.org")).status_code == 302
        )
    response = post_form(client, "/auth/register", _msme_form("p6@example.org"))
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def _href(page: str, text: str, within: str = "<main") -> str:
    """The address of the first link labelled `text` after `within` (the page's content, not
    its navigation), as a browser would follow it."""
    content = page[page.index(within) :]
    match = re.search(rf'<a [^>]*href="([^"]*)"[^>]*>{re.escape(text)}</a>', content)
    assert match, f"no link {text!r}"
    return html.unescape(match.group(1))


def _verify_link(body: str) -> str:
    """The verification link of a mail, path and query string."""
    match = re.search(r"https?://\S*/auth/verify/\S+", body)
    assert match, body
    parts = urlsplit(match.group(0))
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def product_page(app: Flask, storefront: None) -> str:
    """A published product's page as a scanned tag opens it: in German."""
    with app.app_context():
        slug = make_product(make_business()).slug
        db.session.commit()
    return f"/products/{slug}?lang=de"


def test_a_visitor_who_registers_from_a_product_page_comes_back_to_it(
    app: Flask, client: FlaskClient, product_page: str
) -> None:
    # An English-reading visitor (the tag's ?lang=de gives way to the browser's language).
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en"
    page = client.get(product_page).get_data(as_text=True)
    call = 'id="interest"'
    assert _href(page, "Log in", call) == f"/auth/login?next={product_page.replace('=', '%3D')}"
    register = _href(page, "Register as a buyer", call)
    assert register == f"/auth/register?role=buyer&next={product_page.replace('=', '%3D')}"

    form_page = client.get(register).get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="buyer"|value="buyer"[^>]*checked', form_page)
    action = html.unescape(re.findall(r'<form method="post" action="([^"]*)"', form_page)[-1])
    assert action == f"/auth/register?next={product_page.replace('=', '%3D')}"
    assert "next=" in _href(form_page, "Log in")
    response = post_form(client, action, _buyer_form(), page=register)
    assert response.status_code == 302
    inbox_page = client.get(response.headers["Location"]).get_data(as_text=True)
    login = _href(inbox_page, "Go to the log-in page")
    assert login == f"/auth/login?next={product_page.replace('=', '%3D')}"

    # The link in the mail leads on too: verified, then logged in, then back on the product.
    verify = _verify_link(outbox(app)[0][2])
    verified = open_verification_link(client, verify)
    assert verified.status_code == 200
    assert "Your e-mail address is verified" in verified.get_data(as_text=True)
    login = _href(verified.get_data(as_text=True), "Log in")
    response = post_form(
        client, login, {"email": "anna@example.de", "password": GOOD_PASSWORD}, page=login
    )
    assert response.status_code == 302 and response.headers["Location"] == product_page
    back = client.get(product_page).get_data(as_text=True)
    assert "Express interest" in back


def test_someone_already_logged_in_goes_from_the_mail_link_straight_back(
    app: Flask, client: FlaskClient, product_page: str
) -> None:
    register = f"/auth/register?role=buyer&next={product_page.replace('=', '%3D')}"
    post_form(client, register, _buyer_form(), page=register)
    assert (
        log_in(client, "anna@example.de", GOOD_PASSWORD, next_url=product_page).headers["Location"]
        == product_page
    )
    verify = _verify_link(outbox(app)[0][2])
    client.get(verify)
    response = post_form(client, verify, {}, page=verify, follow_redirects=True)
    assert response.request.path + "?" + response.request.query_string.decode() == product_page
    assert "Your e-mail address is verified." in response.get_data(as_text=True)
    user = _user(app, "anna@example.de")
    assert user is not None and user.email_verified_at is not None


def test_registration_drops_a_next_that_leaves_the_site(app: Flask, client: FlaskClient) -> None:
    register = "/auth/register?next=https://evil.example/phish"
    page = client.get(register).get_data(as_text=True)
    action = re.findall(r'<form method="post" action="([^"]*)"', page)[-1]
    assert action == "/auth/register" and _href(page, "Log in") == "/auth/login"
    response = post_form(client, register, _msme_form(), page=register)
    assert response.headers["Location"] == "/auth/check-inbox?purpose=register"
    body = outbox(app)[0][2]
    assert "evil.example" not in body and "next=" not in _verify_link(body)
    verified = open_verification_link(client, _verify_link(body) + "?next=//evil.example")
    assert verified.status_code == 200 and _href(verified.get_data(as_text=True), "Log in") == (
        "/auth/login"
    )


def test_opening_the_link_alone_verifies_nothing(app: Flask, client: FlaskClient) -> None:
    """Mail scanners and link previews open links by themselves: only the button verifies."""
    post_form(client, "/auth/register", _msme_form())
    path = link_path(outbox(app)[0][2], "/auth/verify/")
    scanner = app.test_client()
    for _ in range(3):
        page = scanner.get(path)
        assert page.status_code == 200
        assert "Verify my e-mail address" in page.get_data(as_text=True)
    user = _user(app, "ani@kriya.co.id")
    assert user is not None and user.email_verified_at is None
    assert scanner.post(path).status_code == 400  # no CSRF token: not a press of the button
    user = _user(app, "ani@kriya.co.id")
    assert user is not None and user.email_verified_at is None
