"""/embed/channels/<slug>: a channel's line-up that any site may frame, in the language and
currency its address asks for, without the site's header and footer; and the code to copy
from the channel's page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.periods import bandung_today
from tests.api.helpers import make_catalog
from tests.factories import set_rate

TEXTAREA = re.compile(r'<textarea id="embed-code" readonly rows="4">(.*?)</textarea>', re.S)


def _rates(app: Flask) -> None:
    with app.app_context():
        set_rate("EUR", "17500", bandung_today() - timedelta(days=1))
        set_rate("USD", "16000", bandung_today() - timedelta(days=1))
        db.session.commit()


def test_any_site_may_frame_it_and_no_other_page(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    for path in ("/embed/channels/harz-und-heide", "/embed/channels/no-such-channel"):
        response = client.get(path)
        assert "X-Frame-Options" not in response.headers, path
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors *" in csp and "script-src 'self'" in csp, path
        assert "Set-Cookie" not in response.headers, path
    assert client.get("/embed/channels/no-such-channel").status_code == 404
    page = client.get("/channels/harz-und-heide")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_the_line_up_in_the_language_and_currency_asked(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    _rates(app)
    response = client.get("/embed/channels/harz-und-heide?lang=de&currency=EUR")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Bambuslampe" in page  # the product's German name
    assert "≈ 17,14\xa0€" in html.unescape(page) or "≈ 17,14 €" in html.unescape(page)
    assert "Rp" in page and "300.000" in page
    link = 'href="http://127.0.0.1:8000/channels/harz-und-heide/products/bamboo-lamp"'
    assert f'{link} target="_blank" rel="noopener"' in page
    assert '<img src="/media/' in page and 'alt="Bambuslampe, Foto 1"' in page
    # Nothing of the site around it, and no script.
    assert "site-header" not in page and "<nav" not in page and "<form" not in page
    assert "<script" not in page
    english = client.get("/embed/channels/harz-und-heide?lang=en&currency=USD")
    text = english.get_data(as_text=True)
    assert '<html lang="en">' in text and "Bamboo lamp" in text and "$18.75" in text


def test_by_default_the_channels_language_and_currency(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    _rates(app)
    for path in (
        "/embed/channels/harz-und-heide",
        "/embed/channels/harz-und-heide?lang=xx&currency=XYZ",
        "/embed/channels/harz-und-heide?lang=%00&currency=",
    ):
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="de">' in page and "Bambuslampe" in page, path
        assert "17,14" in page, path


def test_an_empty_line_up_says_so(client: FlaskClient) -> None:
    page = client.get("/embed/channels/europalia?lang=en").get_data(as_text=True)
    assert "No product has been selected for this channel yet." in page


def test_the_channel_page_gives_the_code_to_copy(app: Flask, client: FlaskClient) -> None:
    make_catalog(app)
    page = client.get("/channels/harz-und-heide").get_data(as_text=True)
    # The fair's page speaks German to a visitor without a language of their own.
    assert "Diese Produktauswahl auf Ihrer Website zeigen" in page
    assert '<label for="embed-code">' in page
    (code,) = TEXTAREA.findall(page)
    snippet = html.unescape(code)
    src = "http://127.0.0.1:8000/embed/channels/harz-und-heide?lang=de&currency=EUR"
    assert snippet == (
        f'<iframe src="{src}" title="Harz und Heide" width="100%" height="640" '
        'loading="lazy"></iframe>'
    )
    # The address in the code is the page it frames.
    assert client.get(src.removeprefix("http://127.0.0.1:8000")).status_code == 200
