"""Visitors' and buyers' pages read in each of the seven languages: no English string shows on a
page served in another language when the catalog has a translation for it.

Every piece of text on the page (and every label, placeholder and title a screen reader reads)
is compared with the English strings of the catalog: one that is an English msgid with a
different translation in the page's language means a string escaped translation (a missing
`_()`, a string formatted before the language was known, a template that skips the catalog).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role
from marketplace.db import db
from tests.factories import make_business, make_product, make_user
from tests.i18n_scope import PARTNER_LOCALES, TRANSLATIONS

PUBLIC_PAGES = [
    "/",
    "/catalog",
    "/search?q=scarf",
    "/channels",
    "/partners",
    "/auth/login",
    "/auth/register",
    "/auth/reset",
    "/no-such-page",
]
BUYER_PAGES = ["/interests", "/shortlist/", "/notifications/", "/auth/settings", "/buyer/profile"]
READ_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt", "value")


class _Text(HTMLParser):
    """The text a reader meets: text nodes and the attributes screen readers announce."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        kind = dict(attrs).get("type")
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES and not (name == "value" and kind == "hidden"):
                self.pieces.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.pieces.append(" ".join(data.split()))


def _translated(language: str) -> dict[str, str]:
    """English msgid -> translation, for the strings this language translates differently."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    found = {}
    for message in catalog:
        if isinstance(message.id, str) and message.id and isinstance(message.string, str):
            if message.string and message.string != message.id and "%" not in message.id:
                found[message.id] = message.string
    return found


def _english_left(html: str, translated: dict[str, str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return sorted({piece for piece in parser.pieces if piece in translated})


@pytest.fixture
def product_page(app: Flask, storefront: None) -> str:
    with app.app_context():
        slug = make_product(make_business()).slug
        db.session.commit()
    return f"/products/{slug}"


@pytest.mark.parametrize("language", ["id", *PARTNER_LOCALES])
def test_public_pages_show_no_english_string_that_has_a_translation(
    client: FlaskClient, product_page: str, language: str
) -> None:
    translated = _translated(language)
    # The product, and the quick interest form and its answer a visitor meets from it.
    for path in [
        *PUBLIC_PAGES,
        product_page,
        f"{product_page}/interest",
        f"{product_page}/interest/sent",
    ]:
        response = client.get(path, headers={"Accept-Language": language})
        left = _english_left(response.get_data(as_text=True), translated)
        assert not left, f"English on {path} in {language}: {left}"


@pytest.mark.parametrize("language", ["id", *PARTNER_LOCALES])
def test_a_buyers_pages_show_no_english_string_that_has_a_translation(
    app: Flask, login_as: Any, language: str
) -> None:
    with app.app_context():
        buyer = make_user(Role.BUYER, locale=language)
        db.session.commit()
        db.session.refresh(buyer)
        db.session.expunge(buyer)
    client = login_as(buyer)
    translated = _translated(language)
    for path in BUYER_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        left = _english_left(response.get_data(as_text=True), translated)
        assert not left, f"English on {path} in {language}: {left}"
