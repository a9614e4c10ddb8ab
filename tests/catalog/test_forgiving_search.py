"""The search page forgives: typos get a "did you mean" link (and its results when nothing
matched), Chinese and Korean words are found inside longer ones, and odd input stays harmless."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.products.models import ProductImage
from tests.api.helpers import get_json
from tests.catalog.helpers import channel, page_statements
from tests.factories import accept, fake_digest, make_business, product

NAME = re.compile(r'<h3[^>]*><a href="/products/[^"]+">(.+?)</a></h3>')
SUGGESTION = re.compile(r'<p class="suggestion">(.*?)<a href="([^"]+)">([^<]+)</a></p>')
TAG = re.compile(r"<[^>]+>")


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _names(html: str) -> list[str]:
    return [TAG.sub("", name) for name in NAME.findall(html)]


def _suggestion(html: str) -> tuple[str, dict[str, list[str]], str] | None:
    """(the sentence before the link, the link's query arguments, the link's text)."""
    found = SUGGESTION.search(html)
    if not found:
        return None
    return (
        unescape(found.group(1)).strip(),
        parse_qs(urlsplit(unescape(found.group(2))).query),
        found.group(3),
    )


def _catalog(app: Flask) -> None:
    with app.app_context():
        angklung = product(
            "Angklung set, 8 notes",
            description="Tuned by ear.",
            business=make_business(name="Saung Udjo"),
            translations={"ko": ("앙클룽세트", "대나무악기")},
        )
        product(
            "Bamboo basket",
            description="Woven from apus bamboo.",
            translations={
                "ko": ("대나무바구니", "손으로 엮은 바구니입니다."),
                "zh": ("手工竹编篮子", "由万隆的工匠编织。"),
            },
        )
        product("Bambu mat", description="Anyaman bambu.")
        accept(angklung, channel("harz-und-heide"))
        db.session.commit()


def test_a_typo_that_finds_nothing_shows_the_corrected_results(
    app: Flask, client: FlaskClient
) -> None:
    _catalog(app)
    html = _page(client, "/search?q=angklng")
    assert _names(html) == ["Angklung set, 8 notes"]
    found = _suggestion(html)
    assert found is not None
    sentence, args, text = found
    assert sentence == "No products match “angklng”. Showing the results for:"
    assert args == {"q": ["angklung"]} and text == "angklung"
    assert "<mark>Angklung</mark>" in html
    assert "1 product found" in html
    # the link keeps the filters
    filtered = _suggestion(_page(client, "/search?q=angklng&channel=harz-und-heide"))
    assert filtered is not None
    assert filtered[1] == {"q": ["angklung"], "channel": ["harz-und-heide"]}


def test_a_typo_that_finds_something_asks_did_you_mean(app: Flask, client: FlaskClient) -> None:
    _catalog(app)
    html = _page(client, "/search?q=bambo")
    assert _names(html) == ["Bamboo basket"]  # "bambo" begins "bamboo"
    assert _suggestion(html) == ("Did you mean:", {"q": ["bamboo"]}, "bamboo")
    # the link leads to the corrected search, which asks nothing more
    corrected = _page(client, "/search?q=bamboo")
    assert _names(corrected) == ["Bamboo basket"] and _suggestion(corrected) is None
    assert _suggestion(_page(client, "/search?q=bambu")) is None  # a word of the catalog


def test_no_suggestion_when_nothing_is_close(app: Flask, client: FlaskClient) -> None:
    _catalog(app)
    html = _page(client, "/search?q=xylophone")
    assert _names(html) == [] and _suggestion(html) is None
    assert "Nothing matches your search" in html


def test_korean_and_chinese_words_inside_longer_ones(app: Flask, client: FlaskClient) -> None:
    _catalog(app)
    html = _page(client, "/search?q=" + quote("바구니"))
    assert _names(html) == ["Bamboo basket"]
    assert "대나무<mark>바구니</mark>" in html
    assert _names(_page(client, "/search?q=" + quote("竹编"))) == ["Bamboo basket"]
    assert _names(_page(client, "/search?q=" + quote("악기"))) == ["Angklung set, 8 notes"]
    assert _names(_page(client, "/search?q=" + quote("竹编") + "&channel=harz-und-heide")) == []


@pytest.mark.parametrize(
    "query",
    [
        '"바구니',
        '바구니"*',
        "竹 OR 篮",
        "NEAR(竹 篮)",
        "{names}: 竹",
        "%竹%",
        "_바_",
        "竹" * 10_000,
        "바구니" * 3_000,
        "바구니\x00竹",
        "\\竹\\",
        "竹'; DROP TABLE search_cjk; --",
        "ａｎｇｋｌｎｇ",  # fullwidth letters fold to the typo, then to its correction
        "angklng" * 30,
        "% _ angklng",
    ],
)
def test_hostile_input_is_harmless(app: Flask, client: FlaskClient, query: str) -> None:
    _catalog(app)
    response = client.get("/search?q=" + quote(query))
    assert response.status_code == 200
    assert get_json(client, "/api/v1/search?q=" + quote(query))["items"] is not None
    assert _names(_page(client, "/search?q=" + quote("바구니"))) == ["Bamboo basket"]


def test_the_api_names_the_suggestion_and_keeps_the_words(app: Flask, client: FlaskClient) -> None:
    _catalog(app)
    body = get_json(client, "/api/v1/search?q=angklng")
    assert body["items"] == [] and body["suggestion"] == "angklung"
    assert get_json(client, "/api/v1/search?q=bambo")["suggestion"] == "bamboo"
    assert get_json(client, "/api/v1/search?q=bamboo")["suggestion"] is None
    korean = get_json(client, "/api/v1/search?q=" + quote("바구니"))
    assert [item["name"] for item in korean["items"]] == ["Bamboo basket"]


def _many(app: Flask, count: int) -> None:
    with app.app_context():
        maker = make_business(name="Saung Angklung")
        for n in range(count):
            item = product(
                f"Angklung {n}", business=maker, translations={"ko": (f"앙클룽세트 {n}", "")}
            )
            item.images.append(
                ProductImage(digest=fake_digest(str(n)), width=1200, height=900, position=0)
            )
        db.session.commit()


def _next(html: str) -> str:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert found
    return unescape(found.group(1))


def test_statements_do_not_grow_with_the_results(app: Flask, client: FlaskClient) -> None:
    _many(app, 30)
    client.get("/search")  # the filters' choices are read once, then kept (catalog/choices.py)
    for query in ("angklng", "angklun", quote("클룽")):
        small, html = page_statements(app, client, f"/search?q={query}&per_page=3")
        large, _ = page_statements(app, client, f"/search?q={query}&per_page=24")
        deep, deep_html = page_statements(app, client, _next(_next_page(client, html)))
        assert len(_names(deep_html)) == 3, query
        assert small == large == deep, query


def _next_page(client: FlaskClient, html: str) -> str:
    return _page(client, _next(html))
