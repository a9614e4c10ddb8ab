"""The private API's test world: two MSME owners, two buyers and the office, each with tokens,
and one of everything the private operations name, made through the services.

Owner A and owner B are in different subsectors, so a buying request goes to one of them only;
buyer X talks to A and buyer Y to B. Every record of the one side has a counterpart on the other:
a test of A's token walks every operation with B's ids (and X's with Y's).

Also: the operations of the three token blueprints, read from the URL map (a route added later
is walked too), a valid body for each, and a snapshot of the whole database to prove that a
refused request changed nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.routing import Rule
from werkzeug.test import encode_multipart

from marketplace.accounts.models import Role, User
from marketplace.db import db
from marketplace.products.models import ProductStatus
from marketplace.tokens.models import TokenScope
from marketplace.tokens.services import create_token
from tests.channels.helpers import nominate_all
from tests.factories import (
    harz_und_heide,
    make_business,
    make_buyer,
    make_product,
    make_user,
    post_buying_request,
    send_quote,
)
from tests.interests.helpers import express
from tests.products.images import jpeg

TOKEN_BLUEPRINTS = ("api_owner", "api_buyer", "api_office")
ROLE_OF = {"api_owner": {Role.MSME}, "api_buyer": {Role.BUYER}}
STAFF = {Role.OFFICER, Role.ADMIN}
UNSAFE = {"POST", "PATCH", "PUT", "DELETE"}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def make_token(user: User, scope: TokenScope = TokenScope.WRITE, days: int = 30) -> str:
    made = create_token(user, "Test", scope, days)
    assert made.secret is not None
    return made.secret


@dataclass
class Side:
    """One owner or buyer: who, their tokens, and the ids of their records by route argument."""

    user: User
    token: str
    read_token: str
    ids: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class TokenWorld:
    a: Side
    b: Side
    x: Side
    y: Side
    officer: Side
    admin: Side
    coordinator: User

    def side(self, role: Role) -> Side:
        return {
            Role.MSME: self.a,
            Role.BUYER: self.x,
            Role.OFFICER: self.officer,
            Role.ADMIN: self.admin,
        }[role]


def _side(user: User) -> Side:
    return Side(user, make_token(user), make_token(user, TokenScope.READ))


def _owner(name: str, subsector: str, buyer: User) -> Side:
    side = _side(make_user(Role.MSME, name=f"Owner of {name}"))
    business = make_business(side.user, name=name, subsector_code=subsector)
    draft = make_product(
        business, name=f"{name} draft", status=ProductStatus.DRAFT, subsector_code=subsector
    )
    published = make_product(business, name=f"{name} piece", subsector_code=subsector)
    nomination = nominate_all([published], harz_und_heide(capacity=10))[0]
    interest = express(buyer, published)
    request = post_buying_request(
        buyer, title=f"Wanted from {name}", subsector_code=subsector, hs_code=None
    )
    quote = send_quote(request, published)
    side.ids = {
        "business_id": business.id,
        "product_id": draft.id,
        "image_id": draft.images[0].id,
        "nomination_id": nomination.id,
        "interest_id": interest.id,
        "request_id": request.id,
    }
    side.values = {
        "published_id": published.id,
        "published_slug": published.slug,
        "quote_id": quote.id,
        "buyer_request_id": request.id,
        "buyer_interest_id": interest.id,
    }
    return side


def build_token_world() -> TokenWorld:
    """Reference data must be loaded. Commits, and detaches the people."""
    x = _side(make_buyer(company="Harz Handel GmbH"))
    y = _side(make_buyer(company="Seoul Living Co."))
    a = _owner("Batik Sekar", "fesyen", x.user)
    b = _owner("Rotan Kriya", "kriya", y.user)
    # The buyers' own records are the requests and interests made above.
    x.ids = {
        "interest_id": a.values["buyer_interest_id"],
        "request_id": a.values["buyer_request_id"],
        "slug": a.values["published_slug"],
    }
    x.values = {"quote_id": a.values["quote_id"]}
    y.ids = {
        "interest_id": b.values["buyer_interest_id"],
        "request_id": b.values["buyer_request_id"],
        "slug": b.values["published_slug"],
    }
    y.values = {"quote_id": b.values["quote_id"]}
    from marketplace.interests.shortlist import add_to_shortlist
    from marketplace.products.models import Product

    add_to_shortlist(db.session.get_one(Product, b.values["published_id"]), y.user)
    officer = _side(make_user(Role.OFFICER, name="Dewi Officer"))
    admin = _side(make_user(Role.ADMIN, name="Adi Admin"))
    officer.ids = admin.ids = {
        "business_id": a.ids["business_id"],
        "product_id": a.ids["product_id"],
        "nomination_id": a.ids["nomination_id"],
    }
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    people = [s.user for s in (a, b, x, y, officer, admin)] + [coordinator]
    for user in people:
        db.session.refresh(user)
        db.session.expunge(user)
    return TokenWorld(a, b, x, y, officer, admin, coordinator)


# ---------------------------------------------------------------------------------------------
# The operations


def token_rules(app: Flask, *blueprints: str) -> list[tuple[Rule, str]]:
    """(rule, method) of every operation of the token blueprints."""
    wanted = blueprints or TOKEN_BLUEPRINTS
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint.split(".")[0] in wanted:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((rule, method))
    return found


def path(rule: Rule, ids: dict[str, Any]) -> str:
    return rule.build(ids, append_unknown=False)[1]  # type: ignore[index]


def body(endpoint: str, me: Side, other: Side) -> dict[str, Any] | None:
    """A body the operation accepts, naming `me`'s own records where it names any but the one
    the path names (so a refusal comes from the path's record, not from the body)."""
    ids = {**me.values, **other.values}
    public = ids.get("published_slug") or me.ids.get("slug", "none")
    bodies: dict[str, dict[str, Any]] = {
        "api_owner.edit_business": {"description": "Changed through the API."},
        "api_owner.create": {"name": "Bamboo lamp"},
        "api_owner.edit_product": {"name": "Renamed through the API"},
        "api_owner.nominate": {
            "product_id": other.values.get("published_id", 1),
            "channel": "harz-und-heide",
        },
        "api_owner.post_message": {"body": "Thank you, we can make them."},
        "api_owner.change_status": {"status": "negotiating"},
        "api_owner.quote": {
            "product_id": me.values.get("published_id", 1),
            "unit_price_idr": 400_000,
            "lead_time_days": 20,
        },
        "api_buyer.express_interest": {
            "product": public,
            "message": "We would like 20.",
        },
        "api_buyer.post_message": {"body": "Could you send a sample?"},
        "api_buyer.shortlist_add": {"product": public},
        "api_buyer.post_request": {
            "title": "Rattan chairs",
            "subsector": "kriya",
            "quantity": 50,
            "unit": "piece",
            "currency": "EUR",
            "destination": "Braunschweig",
            "deadline": (date.today() + timedelta(days=10)).isoformat(),
        },
        "api_buyer.pick": {"quote_id": other.values.get("quote_id", 1)},
        "api_office.decide_business": {"decision": "verify", "seen": "x"},
        "api_office.decide_product": {"decision": "approve", "seen": "x"},
        "api_office.decide_nomination": {"decision": "accept", "reason": "Fits.", "seen": "x"},
    }
    return bodies.get(endpoint)


def photo_upload(*files: tuple[bytes, str]) -> dict[str, Any]:
    """Keyword arguments of a multipart request with the files in `photos`, encoded up front
    (the test client keeps no temporary file open)."""
    values: MultiDict[str, Any] = MultiDict()
    for data, filename in files:
        values.add("photos", FileStorage(io.BytesIO(data), filename=filename))
    boundary, encoded = encode_multipart(values)
    return {"data": encoded, "content_type": f"multipart/form-data; boundary={boundary}"}


def send(
    client: FlaskClient, method: str, url: str, secret: str | None, endpoint: str, json: Any
) -> Any:
    headers = bearer(secret) if secret else {}
    if endpoint == "api_owner.upload":
        upload = photo_upload((jpeg((800, 600), seed=3), "lamp.jpg"))
        return client.open(url, method=method, headers=headers, **upload)
    if json is None:
        return client.open(url, method=method, headers=headers)
    return client.open(url, method=method, headers=headers, json=json)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the tokens' (whose last use a request marks)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for table in db.metadata.sorted_tables:
        if table.name == "api_tokens":
            continue
        found = db.session.execute(sa.select(table)).all()
        rows[table.name] = sorted((tuple(row) for row in found), key=repr)
    return rows
