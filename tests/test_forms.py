"""The base form: WTForms' own validation messages in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import force_locale

from marketplace.accounts.models import Role
from marketplace.forms import translations
from tests.businesses.helpers import commit_and_detach
from tests.conftest import post_form
from tests.factories import make_user

TOO_LONG = "Field cannot be longer than %(max)d character."
TOO_LONG_PLURAL = "Field cannot be longer than %(max)d characters."

# What WTForms' default validators and fields say about the profile below, in each language.
ENGLISH = [
    "This field is required.",
    "Field cannot be longer than 120 characters.",
    "Not a valid integer value.",
    "Number must be at least 1800.",
]
INDONESIAN = [
    "Kolom ini wajib diisi.",
    "Kolom tidak boleh lebih dari 120 karakter.",
    "Bukan bilangan bulat yang valid.",
    "Angka tidak boleh kurang dari 1800.",
]


def test_wtforms_messages_are_indonesian_after_the_language_switch(
    app: Flask,
    login_as: Any,
    storefront: None,
) -> None:
    with app.app_context():
        owner = make_user(Role.MSME)
        commit_and_detach(owner)
    client = login_as(owner)
    profile = {
        "name": "",  # DataRequired()
        "instagram": "x" * 121,  # Length(max=120)
        "year_founded": "1700",  # NumberRange(min=1800)
        "employees": "belasan",  # IntegerField
        "export_experience": "none",
    }

    english = post_form(client, "/my/business/edit", profile).get_data(as_text=True)
    for message in ENGLISH:
        assert message in english

    switched = post_form(client, "/language", {"locale": "id", "next": "/my/business/edit"})
    assert switched.status_code == 302

    response = post_form(client, "/my/business/edit", profile)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for message in INDONESIAN:
        assert message in page
    for message in ENGLISH:
        assert message not in page


def test_placeholders_are_left_for_wtforms_to_fill(app: Flask) -> None:
    # WTForms formats the message itself, with its own keys: a pre-formatted string would break.
    with app.test_request_context(), force_locale("id"):
        assert translations.ngettext(TOO_LONG, TOO_LONG_PLURAL, 120) == (
            "Kolom tidak boleh lebih dari %(max)d karakter."
        )
        assert translations.ngettext(TOO_LONG, TOO_LONG_PLURAL, 1) == (
            "Kolom tidak boleh lebih dari %(max)d karakter."
        )


def test_other_languages_come_from_wtforms_own_catalogs(app: Flask) -> None:
    with app.test_request_context(), force_locale("de"):
        assert translations.gettext("This field is required.") == "Dieses Feld wird benötigt."
    with app.test_request_context(), force_locale("en"):
        assert translations.gettext("This field is required.") == "This field is required."


def test_outside_a_request_the_messages_stay_english(app: Flask) -> None:
    with app.app_context():
        assert translations.gettext("This field is required.") == "This field is required."
        assert translations.ngettext(TOO_LONG, TOO_LONG_PLURAL, 1) == TOO_LONG
        assert translations.ngettext(TOO_LONG, TOO_LONG_PLURAL, 2) == TOO_LONG_PLURAL
