"""Which language a page is served in: the person's saved choice, the switch, the browser's
languages, the channel's language (a tag's `?lang=`, a visit through a channel), then English;
`<html lang>`, the switch's seven languages in their own names, hreflang alternates."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import Role
from marketplace.db import db
from tests.conftest import post_form
from tests.factories import make_user

HTML_LANG = re.compile(r'<html lang="([^"]+)"')
OWN_NAMES = ["English", "Bahasa Indonesia", "Deutsch", "Français", "한국어", "Bahasa Melayu"]


def lang_of(client: FlaskClient, path: str = "/", **headers: str) -> str:
    page = client.get(path, headers=headers).get_data(as_text=True)
    match = HTML_LANG.search(page)
    assert match, page[:200]
    return match.group(1)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de"),
        ("ko-KR,ko;q=0.9", "ko"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("fr-BE,fr;q=0.8", "fr"),
        ("ms-MY", "ms"),
        ("th-TH,ja;q=0.5", "en"),  # none of ours: English
    ],
)
def test_the_browsers_languages_choose_when_nobody_chose(
    client: FlaskClient, accept: str, expected: str
) -> None:
    assert lang_of(client, "/", **{"Accept-Language": accept}) == expected


def test_a_language_in_the_address_counts_below_the_browsers(client: FlaskClient) -> None:
    """A tag printed for Seoul carries ?lang=ko: a Korean-less browser reads Korean, a German
    browser reads German."""
    assert lang_of(client, "/?lang=ko") == "ko"
    assert lang_of(client, "/?lang=ko", **{"Accept-Language": "th"}) == "ko"
    assert lang_of(client, "/?lang=ko", **{"Accept-Language": "de-DE"}) == "de"
    assert lang_of(client, "/?lang=xx") == "en"


def test_the_switch_beats_the_browser_and_the_address(client: FlaskClient) -> None:
    response = post_form(client, "/language", {"locale": "fr", "next": "/catalog"}, page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/catalog"
    assert lang_of(client, "/?lang=ko", **{"Accept-Language": "de"}) == "fr"


def test_a_saved_choice_beats_everything(app: Flask, login_as: Any) -> None:
    with app.app_context():
        user = make_user(Role.BUYER, locale="ms")
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    client = login_as(user)
    assert lang_of(client, "/?lang=ko", **{"Accept-Language": "de"}) == "ms"
    post_form(client, "/language", {"locale": "zh", "next": "/"}, page="/")
    assert lang_of(client, "/", **{"Accept-Language": "de"}) == "zh-Hans"


def test_the_switch_lists_every_language_in_its_own_name(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    switch = page[page.index('id="lang-select"') :]
    switch = switch[: switch.index("</select>")]
    for name in [*OWN_NAMES, "中文（简体）"]:
        assert f">{name}</option>" in switch
    assert 'lang="zh-Hans"' in switch and 'lang="ko"' in switch


def test_public_pages_link_their_other_languages(app: Flask, client: FlaskClient) -> None:
    page = client.get("/catalog?subsector=kriya&lang=de").get_data(as_text=True)
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    base = app.config["BASE_URL"]
    assert links["ko"] == f"{base}/catalog?subsector=kriya&amp;lang=ko"
    assert links["zh-Hans"] == f"{base}/catalog?subsector=kriya&amp;lang=zh"
    assert links["x-default"] == f"{base}/catalog?subsector=kriya"
    assert len(links) == 8


def test_private_pages_have_no_alternates(app: Flask, login_as: Any) -> None:
    with app.app_context():
        user = make_user(Role.BUYER)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    page = login_as(user).get("/auth/settings").get_data(as_text=True)
    assert 'rel="alternate"' not in page
