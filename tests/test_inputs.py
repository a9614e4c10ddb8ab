"""Input the database cannot hold is refused cleanly: ids past the integer columns and NUL in a
URL path are a 404, NUL in a form field is the field's message, a page number past any OFFSET
is the first page. Each of these was a 500 on PostgreSQL (and the ids
on SQLite too).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import NotFound

from marketplace.accounts.models import Role
from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.inputs import DB_INT_MAX, page_number
from marketplace.products.models import Product
from tests.businesses.helpers import commit_and_detach
from tests.conftest import csrf_token, post_form
from tests.factories import make_business, make_channel, make_product, make_user
from tests.fuzz.pages import page_forms

NUL_MESSAGE = "This field contains a NUL character, which is not allowed."
INT_ARGUMENT = re.compile(r"<int:(\w+)>")


def _int_rules(app: Flask) -> list[tuple[str, str]]:
    """(method, rule) of every route with an id in its URL."""
    return [
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if "<int:" in rule.rule
        for method in sorted((rule.methods or set()) & {"GET", "POST"})
    ]


def _send(client: FlaskClient, method: str, path: str, token: str) -> Any:
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": token})


@pytest.mark.parametrize("number", [str(DB_INT_MAX + 1), str(2**63), str(2**64), "9" * 5000])
def test_an_id_past_the_integer_columns_is_a_404_on_every_route(
    app: Flask, login_as: Any, number: str
) -> None:
    with app.app_context():
        officer = make_user(Role.OFFICER)
        commit_and_detach(officer)
    client = login_as(officer)
    token = csrf_token(client, "/")
    rules = _int_rules(app)
    assert len(rules) >= 50
    for method, rule in rules:
        path = INT_ARGUMENT.sub(number, rule)
        response = _send(client, method, path, token)
        # 405 where another rule has the same path for another method (Werkzeug checks the
        # method before the converter): the upload beside the photos page.
        assert response.status_code in (404, 405), f"{method} {path[:80]}: {response.status_code}"


def test_ids_the_columns_hold_are_routed_and_built(app: Flask) -> None:
    urls = app.url_map.bind("localhost")
    assert urls.match(f"/buyers/{DB_INT_MAX}") == (
        "interests.buyer_profile",
        {"buyer_id": DB_INT_MAX},
    )
    assert urls.match("/buyers/007") == ("interests.buyer_profile", {"buyer_id": 7})
    assert urls.build("interests.buyer_profile", {"buyer_id": 42}) == "/buyers/42"
    for refused in (str(DB_INT_MAX + 1), "-1", "１２", "١٢٣", "12x"):
        with pytest.raises(NotFound):
            urls.match(f"/buyers/{refused}")


@pytest.mark.parametrize(
    "path", ["/t/a%00b", "/products/a%00b", "/msmes/a%00b", "/channels/%00", "/media/img/%00.webp"]
)
def test_nul_in_the_path_is_a_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_nul_in_the_login_email_is_the_fields_message(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user(Role.BUYER, email="sari@example.com")
        db.session.commit()
    response = post_form(
        client, "/auth/login", {"email": "sari\x00@example.com", "password": "whatever"}
    )
    assert response.status_code in (200, 400)
    assert NUL_MESSAGE in response.get_data(as_text=True)


def _owner_and_product(app: Flask) -> tuple[Any, int]:
    with app.app_context():
        owner = make_user(Role.MSME)
        product_id = make_product(make_business(owner)).id
        commit_and_detach(owner)
    return owner, product_id


def _edit_product(client: FlaskClient, product_id: int, **changes: str) -> Any:
    """Post the product's edit form as the page shows it, with `changes`."""
    page = f"/my/products/{product_id}/edit"
    forms = page_forms(client.get(page).get_data(as_text=True))
    (form,) = [f for f in forms if f.method == "POST" and f.action in ("", page)]
    values = {name: field.value for name, field in form.fields.items() if name != "csrf_token"}
    return post_form(client, page, {**values, **changes})


def _saved(app: Flask, product_id: int) -> tuple[Any, ...]:
    with app.app_context():
        row = db.session.execute(
            sa.select(Product.name, Product.description, Product.moq).where(
                Product.id == product_id
            )
        ).one()
    return tuple(row)


SAVED = ("Batik silk scarf", "Silk scarf, hand-drawn batik, 180 x 50 cm.", 20)


def test_nul_in_a_product_field_changes_nothing(
    app: Flask,
    login_as: Any,
    storefront: None,
) -> None:
    owner, product_id = _owner_and_product(app)
    response = _edit_product(
        login_as(owner), product_id, name="Batik\x00 scarf", description="Silk scarf\x00"
    )
    assert response.status_code in (200, 400)
    assert NUL_MESSAGE in response.get_data(as_text=True)
    assert _saved(app, product_id) == SAVED


@pytest.mark.parametrize(
    ("moq", "message"),
    [
        ("1" * 400, "Number must be at most 9223372036854775807."),
        ("-" + "1" * 400, "Number must be at least -9223372036854775807."),
    ],
)
def test_a_number_past_every_column_is_the_fields_message(
    app: Flask,
    login_as: Any,
    storefront: None,
    moq: str,
    message: str,
) -> None:
    # WTForms' NumberRange turns the number into a float to compare it: past 10**308 it raised.
    owner, product_id = _owner_and_product(app)
    response = _edit_product(login_as(owner), product_id, moq=moq)
    assert response.status_code in (200, 400)
    assert message in response.get_data(as_text=True)
    assert _saved(app, product_id) == SAVED


def test_a_signalling_nan_is_not_a_decimal(
    app: Flask,
    login_as: Any,
    storefront: None,
) -> None:
    with app.app_context():
        officer = make_user(Role.OFFICER)
        commit_and_detach(officer)
    client = login_as(officer)
    data = {"currency": "EUR", "idr_per_unit": "sNaN", "effective_on": "2026-05-01"}
    response = post_form(client, "/office/rates", data)
    assert response.status_code == 400
    assert "Not a valid decimal value." in response.get_data(as_text=True)


def test_a_capacity_past_the_integer_column_is_the_fields_message(
    app: Flask,
    login_as: Any,
    storefront: None,
) -> None:
    with app.app_context():
        officer = make_user(Role.OFFICER)
        channel_id = make_channel(capacity=3).id
        commit_and_detach(officer)
    client = login_as(officer)
    page = f"/office/channels/{channel_id}/edit"
    forms = page_forms(client.get(page).get_data(as_text=True))
    (form,) = [f for f in forms if f.method == "POST" and f.action in ("", page)]
    values = {name: field.value for name, field in form.fields.items() if name != "csrf_token"}

    response = post_form(client, page, {**values, "capacity": str(2**40)})

    assert response.status_code in (200, 400)
    assert "Number must be at most 2147483647." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Channel, channel_id).capacity == 3


@pytest.mark.parametrize(
    ("raw", "page"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        ("0", 1),
        ("-2", 1),
        ("１２", 1),
        ("100000", 100_000),
        ("100001", 1),
        (str(2**63), 1),
        ("9" * 5000, 1),
    ],
)
def test_page_number(raw: str | None, page: int) -> None:
    assert page_number(raw) == page


def test_a_page_number_past_any_offset_is_the_first_page(app: Flask, login_as: Any) -> None:
    with app.app_context():
        officer = make_user(Role.OFFICER)
        commit_and_detach(officer)
    client = login_as(officer)
    for page in (str(2**63), str(2**64), "9" * 5000):
        response = client.get(f"/office/accounts?page={page}")
        assert response.status_code == 200
        assert officer.email in response.get_data(as_text=True)
