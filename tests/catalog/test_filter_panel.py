"""The folded filter panel of the catalog and search pages: one "Filters" control (details and
summary, no script) holds every filter; the filters in force stay listed outside it, each with a
link that removes it, and a link that clears them all."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from tests.catalog.helpers import channel
from tests.factories import accept, product

PANEL = re.compile(r'<details class="filter-panel">(.*?)</details>', re.S)
SUMMARY = re.compile(r'<summary class="filter-toggle">(.*?)</summary>', re.S)
ACTIVE = re.compile(r'<div class="active-filters">(.*?)</div>', re.S)
CHIP = re.compile(r'<a class="chip" href="([^"]+)">(.*?)</a>', re.S)
TAGS = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return " ".join(unescape(TAGS.sub(" ", html)).split())


def _chips(html: str) -> list[tuple[str, str]]:
    """(removal link, words read out) of each filter in force."""
    active = ACTIVE.search(html)
    assert active, "no list of the filters in force"
    return [(unescape(href), _text(words)) for href, words in CHIP.findall(active.group(1))]


def _two_products(app: Flask) -> None:
    with app.app_context():
        lamp = product("Bamboo lamp", subsector_code="kriya", price_idr=300_000)
        product("Batik scarf", subsector_code="fesyen", price_idr=450_000)
        accept(lamp, channel("harz-und-heide"))
        db.session.commit()


def test_the_filters_fold_behind_one_control(app: Flask, client: FlaskClient) -> None:
    _two_products(app)
    html = client.get("/catalog").get_data(as_text=True)

    panel = PANEL.search(html)
    assert panel, "the filters sit in a details element, closed"
    summary = SUMMARY.search(panel.group(1))
    assert summary and _text(summary.group(1)) == "Filters"  # nothing in force: no count
    inside = panel.group(1)
    for label in ("Subsector", "Channel", "Partner city", "Sort by", "Apply filters"):
        assert label in inside, label
    # The panel comes before the results, the search box before the panel.
    assert html.index('role="search"') < html.index("filter-panel") < html.index("results-heading")
    assert 'class="active-filters"' not in html  # nothing to list or clear


def test_filters_in_force_stay_visible_and_removable_when_folded(
    app: Flask, client: FlaskClient
) -> None:
    _two_products(app)
    url = "/catalog?subsector=kriya&channel=harz-und-heide&min_price=1000&sort=price_asc"
    html = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)

    summary = SUMMARY.search(html)
    assert summary and _text(summary.group(1)) == "Filters 3"  # the sort order is not a filter
    chips = _chips(html)
    assert [words for _href, words in chips] == [
        "Remove filter Subsector: Crafts ×",
        "Remove filter Channel: Harz und Heide ×",
        "Remove filter Lowest price (IDR): Rp 1,000 ×",
        "Remove filter Sort by: Price: low to high ×",
    ]
    assert [href for href, _words in chips] == [
        "/catalog?channel=harz-und-heide&min_price=1000&sort=price_asc",
        "/catalog?subsector=kriya&min_price=1000&sort=price_asc",
        "/catalog?subsector=kriya&channel=harz-und-heide&sort=price_asc",
        "/catalog?subsector=kriya&channel=harz-und-heide&min_price=1000",
    ]
    active = ACTIVE.search(html)
    assert active and '<a href="/catalog">Clear filters</a>' in active.group(1)
    # The list sits outside the folded panel, before the results.
    assert html.index("</details>") < html.index('class="active-filters"')
    assert html.index('class="active-filters"') < html.index("results-heading")

    # Following a removal link drops that filter only.
    html = client.get(chips[1][0]).get_data(as_text=True)
    assert [words for _href, words in _chips(html)][0] == "Remove filter Subsector: Crafts ×"
    assert "Channel: Harz und Heide" not in html.split("</details>", 1)[1]


def test_values_not_understood_are_not_listed_as_in_force(app: Flask, client: FlaskClient) -> None:
    _two_products(app)
    html = client.get("/catalog?channel=nowhere&max_moq=abc&subsector=kriya").get_data(as_text=True)
    assert [words for _href, words in _chips(html)] == ["Remove filter Subsector: Crafts ×"]
    assert "These filters were not understood" in html
    # The note stays outside the folded panel, where it is seen.
    assert html.index("not understood") < html.index("<details")


def test_search_keeps_its_words_when_a_filter_is_removed_or_all_are_cleared(
    app: Flask, client: FlaskClient
) -> None:
    _two_products(app)
    html = client.get("/search?q=bamboo&subsector=kriya").get_data(as_text=True)

    assert _chips(html) == [("/search?q=bamboo", "Remove filter Subsector: Crafts ×")]
    active = ACTIVE.search(html)
    assert active and '<a href="/search?q=bamboo">Clear filters</a>' in active.group(1)
    # The search box stays outside the folded panel; its hint is tied to it.
    assert html.index('name="q"') < html.index("<details")
    assert re.search(r'<input[^>]*aria-describedby="q-hint"[^>]*name="q"', html)
    assert 'id="q-hint"' in html
    assert "Bamboo lamp" in html and "Batik scarf" not in html


def test_the_search_page_without_filters_lists_none(client: FlaskClient) -> None:
    html = client.get("/search?q=bamboo").get_data(as_text=True)
    assert 'class="active-filters"' not in html
    assert ">Clear filters<" not in html
