"""Only published products of verified businesses are public (`Product.is_public`), on every
page and in every answer that shows products to visitors and programs.

A product of a verified business, accepted in a channel's line-up, is followed through each
public list and page: the home page, the catalog, search, the channel's page and its printed
catalog (PDF), the MSME's storefront, the sitemap and the JSON API. Once the product is taken
off (archived by its owner, or rejected by the office) or its business is suspended, it is gone
from all of them and its pages answer 404; a product of another business stays, so each list
is still working and merely without it. Brought back (restored, reinstated), it is back.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from marketplace.accounts.models import User
from marketplace.businesses.models import Business
from marketplace.businesses.services import reinstate_business, suspend_business
from marketplace.db import db
from marketplace.products.models import Product
from marketplace.products.services import archive_product, reject_product, restore_product
from tests.channels.helpers import ENGLISH, accept, nominate_all
from tests.factories import harz_und_heide, make_business, make_officer, make_product

CHANNEL = "harz-und-heide"
WORD = "Kelomangu"  # in both products' names, and nowhere in the seeded data
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class World:
    slug: str  # the product that goes and comes back
    name: str
    business: str  # its business's slug
    other: str  # a product of another business that always stays
    other_name: str
    token: str  # the shelf tag printed for the product


def _world(app: Flask) -> World:
    with app.app_context():
        channel = harz_und_heide(capacity=None)
        officer = make_officer()
        product = make_product(make_business(name="Saung Kriya"), name=f"{WORD} wind chime")
        other = make_product(make_business(name="Awi Rumah"), name=f"{WORD} table lamp")
        nominations = nominate_all([product, other], channel)
        for nomination in nominations:
            accept(officer, nomination)
        world = World(
            slug=product.slug,
            name=product.name,
            business=product.business.slug,
            other=other.slug,
            other_name=other.name,
            token=str(nominations[0].qr_token),
        )
        db.session.commit()
    return world


def _text(client: FlaskClient, url: str) -> str:
    """A page or a JSON answer, as text."""
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _pdf_text(client: FlaskClient) -> str:
    response = client.get(f"/channels/{CHANNEL}/catalog.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    # Lines may wrap anywhere: compare words, not the layout.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _sitemap_text(client: FlaskClient, base: str) -> str:
    """Every file the sitemap index names, one after the other."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    root = ET.fromstring(index.data)
    files = [loc.text or "" for loc in root.iter(f"{{{SITEMAP}}}loc")]
    assert files
    bodies = []
    for address in files:
        response = client.get(address.removeprefix(base))
        assert response.status_code == 200, address
        bodies.append(response.get_data(as_text=True))
    return "".join(bodies)


def _lists(app: Flask, client: FlaskClient) -> dict[str, str]:
    """What each public list shows, as text (the storefront is looked at separately: a suspended
    business has none)."""
    base = app.config["BASE_URL"]
    return {
        "home": _text(client, "/"),
        "catalog": _text(client, "/catalog"),
        "search": _text(client, f"/search?q={WORD}"),
        "channel page": _text(client, f"/channels/{CHANNEL}"),
        "channel catalog PDF": _pdf_text(client),
        "sitemap": _sitemap_text(client, base),
        "API catalog": _text(client, "/api/v1/products"),
        "API search": _text(client, f"/api/v1/search?q={WORD}"),
        "API channel": _text(client, f"/api/v1/channels/{CHANNEL}"),
    }


def _marks(world: World, where: str) -> tuple[str, str]:
    """How the product and the other one are recognised in a list: by name in the printed
    catalog (it has no addresses), by slug everywhere else."""
    if where == "channel catalog PDF":
        return world.name, world.other_name
    return world.slug, world.other


def assert_public(app: Flask, client: FlaskClient, world: World) -> None:
    for where, text in _lists(app, client).items():
        mark, other = _marks(world, where)
        assert mark in text, f"missing from the {where}"
        assert other in text, f"the other product is missing from the {where}"
    storefront = _text(client, f"/msmes/{world.business}")
    assert world.slug in storefront
    assert client.get(f"/products/{world.slug}").status_code == 200
    assert client.get(f"/api/v1/products/{world.slug}").status_code == 200
    assert client.get(f"/channels/{CHANNEL}/products/{world.slug}").status_code == 302
    tag = client.get(f"/t/{world.token}")
    assert tag.status_code == 302
    assert tag.headers["Location"].startswith(f"/products/{world.slug}")


def assert_hidden(app: Flask, client: FlaskClient, world: World, business_public: bool) -> None:
    for where, text in _lists(app, client).items():
        mark, other = _marks(world, where)
        assert mark not in text, f"still in the {where}"
        assert other in text, f"the other product went missing from the {where}"
    storefront = client.get(f"/msmes/{world.business}", headers=ENGLISH)
    if business_public:
        assert storefront.status_code == 200
        assert world.slug not in storefront.get_data(as_text=True)
    else:
        assert storefront.status_code == 404
    assert client.get(f"/products/{world.slug}").status_code == 404
    assert client.get(f"/api/v1/products/{world.slug}").status_code == 404
    assert client.get(f"/channels/{CHANNEL}/products/{world.slug}").status_code == 404
    # A printed tag still works: it leads to the channel's page instead of the product.
    tag = client.get(f"/t/{world.token}")
    assert tag.status_code == 302
    assert tag.headers["Location"] == f"/channels/{CHANNEL}"


def _product(slug: str) -> Product:
    return db.session.scalars(sa.select(Product).where(Product.slug == slug)).one()


def _officer() -> User:
    return make_officer("Another officer")


def _archive(product: Product) -> None:
    archive_product(product, product.business.owner)


def _restore(product: Product) -> None:
    restore_product(product, product.business.owner)


def _reject(product: Product) -> None:
    reject_product(product, _officer(), "The photos show another product.")


def _suspend(product: Product) -> None:
    suspend_business(product.business, _officer(), "Complaints about deliveries.")


def _reinstate(product: Product) -> None:
    reinstate_business(product.business, _officer())


Change = Callable[[Product], None]


@pytest.mark.parametrize(
    ("take_off", "bring_back", "business_public"),
    [
        pytest.param(_archive, _restore, True, id="product archived by its owner"),
        pytest.param(_reject, None, True, id="product rejected by the office"),
        pytest.param(_suspend, _reinstate, False, id="business suspended"),
    ],
)
def test_a_product_leaves_every_public_list_and_page_when_it_stops_being_public(
    app: Flask,
    client: FlaskClient,
    take_off: Change,
    bring_back: Change | None,
    business_public: bool,
) -> None:
    world = _world(app)
    assert_public(app, client, world)

    with app.app_context():
        take_off(_product(world.slug))
        db.session.commit()
        product = _product(world.slug)
        business = db.session.get_one(Business, product.business_id)
        assert not product.is_public
        assert business.is_public == business_public
    assert_hidden(app, client, world, business_public)

    if bring_back is None:
        return
    with app.app_context():
        bring_back(_product(world.slug))
        db.session.commit()
        assert _product(world.slug).is_public
    assert_public(app, client, world)


def test_the_rule_reads_the_same_in_python_and_in_sql(app: Flask) -> None:
    """`Product.is_public` on an instance agrees with the condition the queries use."""
    world = _world(app)
    with app.app_context():
        _suspend(_product(world.other))
        _archive(_product(world.slug))
        extra = make_product(make_business(name="Batik Tiga"), name="Batik scarf")
        db.session.commit()
        products = db.session.scalars(sa.select(Product)).all()
        in_python = {p.slug for p in products if p.is_public}
        in_sql = set(
            db.session.scalars(
                sa.select(Product.slug).join(Product.business).where(Product.is_public)
            )
        )
        assert in_python == in_sql == {extra.slug}
