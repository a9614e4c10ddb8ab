"""What phones far away may keep and how they receive it: compressed text, static files under
hashed addresses, long-lived photos, and `304 Not Modified` for unchanged public pages."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path
from typing import Any

import brotli
import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessStatus
from marketplace.caching import validate_page
from marketplace.db import db
from marketplace.media.backend import current_storage
from marketplace.media.images import store_image
from marketplace.products.models import Product
from tests.businesses.helpers import commit_and_detach, fetch
from tests.factories import make_business, make_certification, make_product, make_user
from tests.products.images import jpeg

pytestmark = pytest.mark.usefixtures("storefront")

STYLESHEET = re.compile(r'href="(/static/css/site\.css\?v=([0-9a-f]+))"')


def cache_directives(headers: Any) -> set[str]:
    return {part.strip() for part in headers.get("Cache-Control", "").split(",") if part.strip()}


def vary(headers: Any) -> set[str]:
    return {part.strip().lower() for part in headers.get("Vary", "").split(",") if part.strip()}


def published(app: Flask, name: str = "Batik silk scarf") -> tuple[int, str]:
    with app.app_context():
        item = make_product(make_business(), name=name)
        db.session.commit()
        return item.id, item.slug


def warmed(client: FlaskClient, path: str) -> Any:
    """The second visit: the first one gave the visitor a session (and its CSRF secret)."""
    client.get(path)
    return client.get(path)


# --- compression -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "encoding", "decompress"),
    [
        ("gzip", "gzip", gzip.decompress),
        ("gzip, deflate, br", "br", brotli.decompress),
        ("br;q=0.5, gzip;q=1.0", "gzip", gzip.decompress),
    ],
)
def test_pages_are_compressed_as_the_client_asks(
    app: Flask, client: FlaskClient, accepted: str, encoding: str, decompress: Any
) -> None:
    _, slug = published(app)
    plain = warmed(client, f"/products/{slug}")
    assert "Content-Encoding" not in plain.headers
    packed = client.get(f"/products/{slug}", headers={"Accept-Encoding": accepted})
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == encoding
    assert "accept-encoding" in vary(packed.headers)
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    # The same page; its CSRF token is signed anew with the time on every request.
    assert _unsigned(decompress(packed.data)) == _unsigned(plain.data)


def _unsigned(page: bytes) -> bytes:
    return re.sub(rb'(name="csrf_token"[^>]*value=")[^"]+"', rb'\1"', page)


def test_json_and_css_are_compressed_images_are_not(app: Flask, client: FlaskClient) -> None:
    published(app)
    api = client.get("/api/v1/products?q=batik", headers={"Accept-Encoding": "br"})
    assert api.headers["Content-Encoding"] == "br"
    assert brotli.decompress(api.data).startswith(b"{")
    with client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"}) as css:
        assert css.headers["Content-Encoding"] == "gzip"
        css_bytes = gzip.decompress(css.get_data())
    assert css_bytes == Path(app.static_folder or "", "css", "site.css").read_bytes()
    with app.app_context():
        key = store_image(current_storage(), jpeg(seed=3)).key_for(800)
    with client.get(f"/media/{key}", headers={"Accept-Encoding": "gzip, br"}) as photo:
        assert photo.status_code == 200
        assert "Content-Encoding" not in photo.headers


def test_no_compression_when_the_client_does_not_ask(app: Flask, client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data.lstrip().startswith(b"<!doctype html>")


# --- static files ----------------------------------------------------------------------------


def test_static_address_carries_the_content_hash_and_is_immutable(
    app: Flask, client: FlaskClient
) -> None:
    page = client.get("/").get_data(as_text=True)
    match = STYLESHEET.search(page)
    assert match, "the stylesheet is linked by its hashed address"
    content = Path(app.static_folder or "", "css", "site.css").read_bytes()
    assert match.group(2) == hashlib.sha256(content).hexdigest()[:12]
    with client.get(match.group(1)) as response:
        assert response.status_code == 200
        assert {"public", "max-age=31536000", "immutable"} <= cache_directives(response.headers)
        assert "no-cache" not in cache_directives(response.headers)


@pytest.mark.parametrize("query", ["", "?v=000000000000"])
def test_static_address_without_the_current_hash_is_kept_briefly(
    client: FlaskClient, query: str
) -> None:
    with client.get(f"/static/css/site.css{query}") as response:
        assert response.status_code == 200
        cache = cache_directives(response.headers)
    assert "immutable" not in cache
    assert "max-age=300" in cache


# --- media -----------------------------------------------------------------------------------


def test_photos_are_cached_for_a_year_private_scans_never(
    app: Flask, client: FlaskClient, login_as: Any
) -> None:
    with app.app_context():
        key = store_image(current_storage(), jpeg(seed=4)).key_for(800)
        owner = make_user(Role.MSME)
        business = make_business(owner, status=BusinessStatus.VERIFIED)
        scan_key = "scans/ab/" + "b" * 64 + ".pdf"
        current_storage().save(scan_key, b"%PDF-1.4 private %%EOF")
        certification = make_certification(
            business, scan_key=scan_key, scan_content_type="application/pdf"
        )
        cert_id = certification.id
        commit_and_detach(owner)
    status, headers, _ = fetch(client, f"/media/{key}")
    assert status == 200
    assert {"public", "max-age=31536000", "immutable"} <= cache_directives(headers)
    assert "no-cache" not in cache_directives(headers)
    status, headers, _ = fetch(login_as(owner), f"/my/business/certifications/{cert_id}/scan")
    assert status == 200
    cache = cache_directives(headers)
    assert {"private", "no-store"} <= cache
    assert "public" not in cache and "immutable" not in cache


# --- validators for public pages -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/catalog", "/search?q=batik", "/channels", "/partners"])
def test_public_pages_answer_304_to_a_repeated_request(client: FlaskClient, path: str) -> None:
    first = warmed(client, path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert {"accept-language", "cookie", "accept-encoding"} <= vary(first.headers)
    assert {"private", "no-cache"} <= cache_directives(first.headers)
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_a_changed_product_gets_a_new_etag(app: Flask, client: FlaskClient) -> None:
    product_id, slug = published(app)
    first = warmed(client, f"/products/{slug}")
    etag = first.headers["ETag"]
    assert client.get(f"/products/{slug}", headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        db.session.get_one(Product, product_id).price_idr = 975_000
        db.session.commit()
    changed = client.get(f"/products/{slug}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.data


def test_the_validated_copy_still_works(client: FlaskClient) -> None:
    """The page validated by a 304 is the browser's earlier copy: its forms must still do.
    A visitor's page holds no token of their session (its language switch is a GET form)."""
    first = warmed(client, "/catalog")
    assert "csrf_token" not in first.get_data(as_text=True)
    validated = client.get("/catalog", headers={"If-None-Match": first.headers["ETag"]})
    assert validated.status_code == 304
    switched = client.get("/language", query_string={"locale": "id", "next": "/catalog"})
    assert switched.status_code == 302
    assert '<html lang="id"' in client.get("/catalog").get_data(as_text=True)


def test_another_language_never_matches(app: Flask, client: FlaskClient) -> None:
    etag = warmed(client, "/catalog").headers["ETag"]
    stranger = app.test_client()
    german = {"Accept-Language": "de", "If-None-Match": etag}
    assert stranger.get("/catalog", headers=german).status_code == 200


def test_signed_in_people_get_no_etag_and_no_304(app: Flask, login_as: Any) -> None:
    with app.app_context():
        buyer = make_user()
        commit_and_detach(buyer)
    client = login_as(buyer)
    first = warmed(client, "/catalog")
    assert first.status_code == 200
    assert "ETag" not in first.headers
    assert "cookie" in vary(first.headers)
    again = client.get("/catalog", headers={"If-None-Match": '*, W/"x"'})
    assert again.status_code == 200 and again.data


def test_an_etag_on_a_first_visit_none_on_a_page_showing_a_flash(client: FlaskClient) -> None:
    # Nothing of the visit's session is in a visitor's page (no CSRF token): the first visit
    # gets its validator as well.
    assert "ETag" in client.get("/catalog").headers
    response = client.get("/catalog")
    assert "ETag" in response.headers
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved.")]
    flashed = client.get("/catalog", headers={"If-None-Match": response.headers["ETag"]})
    assert flashed.status_code == 200
    assert "Saved." in flashed.get_data(as_text=True)
    assert "ETag" not in flashed.headers


def test_pages_marked_no_store_or_private_keep_it(app: Flask) -> None:
    for mark in ("no_store", "private"):
        with app.test_request_context("/catalog"):
            page = Response("<!doctype html><p>Yours</p>", mimetype="text/html")
            setattr(page.cache_control, mark, True)
            answered = validate_page(page)
            assert "ETag" not in answered.headers
            assert answered.status_code == 200
            assert getattr(answered.cache_control, mark)


def test_error_pages_get_no_etag(client: FlaskClient) -> None:
    client.get("/products/no-such-product")
    missing = client.get("/products/no-such-product")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers
