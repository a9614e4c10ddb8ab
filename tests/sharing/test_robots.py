"""/robots.txt: crawlers read the public pages and keep out of everything that needs a login,
and are told where the sitemap is."""

from __future__ import annotations

import re
from urllib.robotparser import RobotFileParser

from flask import Flask
from flask.testing import FlaskClient

from tests.test_route_guards import PUBLIC, allowed_roles, concrete_path, walked_rules


def _robots(client: FlaskClient) -> tuple[str, RobotFileParser]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "max-age" in response.headers["Cache-Control"]
    text = response.get_data(as_text=True)
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return text, parser


def google_allows(text: str, path: str) -> bool:
    """Google's reading (RFC 9309): `*` matches anything, `$` ends the path, the longest matching
    rule wins and Allow wins a tie."""
    best: tuple[int, bool] = (-1, True)
    for line in text.splitlines():
        field, _colon, value = line.partition(":")
        kind, pattern = field.strip().lower(), value.strip()
        if kind not in ("allow", "disallow") or not pattern:
            continue
        regex = re.escape(pattern).replace(r"\*", ".*")
        regex = regex[:-2] + "$" if regex.endswith(r"\$") else regex
        if re.match(regex, path):
            candidate = (len(pattern), kind == "allow")
            if candidate[0] > best[0] or (candidate[0] == best[0] and candidate[1]):
                best = candidate
    return best[1]


def test_robots_names_the_sitemap_by_its_absolute_address(app: Flask, client: FlaskClient) -> None:
    _text, parser = _robots(client)

    assert parser.site_maps() == [f"{app.config['BASE_URL']}/sitemap.xml"]


def test_public_pages_are_open_and_private_ones_closed(client: FlaskClient) -> None:
    text, parser = _robots(client)

    for path in (
        "/",
        "/catalog?subsector=kriya",
        "/search?q=bambu",
        "/products/bamboo-lamp?lang=ko",
        "/msmes/awi-kriya",
        "/channels",
        "/channels/little-bandung",
        "/partners",
        "/media/img/00/x.webp",
        "/api/v1/openapi.json",
        "/sitemap.xml",
    ):
        assert parser.can_fetch("*", path), path
        assert google_allows(text, path), path
    for path in (
        "/my/business",
        "/office/",
        "/auth/login",
        "/interests",
        "/interests/3",
        "/shortlist/",
        "/notifications/",
        "/buyer/profile",
        "/buyers/4",
        "/api/v1/products",
        "/metrics",
    ):
        assert not parser.can_fetch("*", path), path
        assert not google_allows(text, path), path
    # The interest form: a wildcard rule, which Python's parser reads literally.
    assert not google_allows(text, "/products/bamboo-lamp/interest")


def test_every_page_that_needs_a_login_is_closed_to_crawlers(
    app: Flask, client: FlaskClient
) -> None:
    text, _parser = _robots(client)

    open_doors = [
        rule.rule
        for rule, method in walked_rules(app)
        if method == "GET"
        and allowed_roles(rule.endpoint) != PUBLIC
        and google_allows(text, concrete_path(rule))
    ]

    assert open_doors == []
