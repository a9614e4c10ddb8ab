"""Every route of every blueprint is walked as each role: who may open it, who gets 403, and who
is sent to log in. A new route that is not classified here fails the test, so none is forgotten.

The walk also proves the CSRF baseline: a POST to any route without a token gets 400 and changes
nothing in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from marketplace.accounts.models import Role
from marketplace.db import db
from tests.conftest import csrf_token
from tests.factories import make_user

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, Role.BUYER, Role.MSME, Role.OFFICER, Role.ADMIN, Role.COORDINATOR)
PUBLIC = frozenset(ROLES)
SIGNED_IN = frozenset({Role.BUYER, Role.MSME, Role.OFFICER, Role.ADMIN, Role.COORDINATOR})
STAFF = frozenset({Role.OFFICER, Role.ADMIN})

# Who may open each blueprint; `ENDPOINTS` refines single routes.
BLUEPRINTS: dict[str, frozenset[Any]] = {
    "main": PUBLIC,
    "catalog": PUBLIC,
    "channels": PUBLIC,
    "businesses": PUBLIC,
    "products": PUBLIC,
    "media": PUBLIC,
    "accounts": PUBLIC,
    "api": PUBLIC,
    "api-docs": PUBLIC,
    # The API's reference and the pages of its kinds of error.
    "api_reference": PUBLIC,
    # A channel's line-up for other sites' frames.
    "embed": PUBLIC,
    # The notice, and a stand visitor's own page by its signed link (404 without one).
    "privacy": PUBLIC,
    "sharing": PUBLIC,
    # /metrics: a scraper on a private address or with METRICS_TOKEN; the walk comes from
    # loopback (the refusals: tests/test_metrics.py).
    "metrics": PUBLIC,
    "buyer": frozenset({Role.BUYER}),
    "shortlist": frozenset({Role.BUYER}),
    "interests": SIGNED_IN,
    # A visitor's interest: the page that says the link is sent, and the link's own page.
    "quick_interest": PUBLIC,
    "conversations": SIGNED_IN,
    "notifications": SIGNED_IN,
    "my_business": frozenset({Role.MSME}),
    "workspace": frozenset({Role.MSME}),
    "my_products": frozenset({Role.MSME}),
    "product_photos": frozenset({Role.MSME}),
    # Products from and to a spreadsheet; another owner's upload is 404 (tests/sheets).
    "sheets": frozenset({Role.MSME}),
    "nominations": frozenset({Role.MSME}),
    "buying_requests": frozenset({Role.BUYER}),
    "request_answers": frozenset({Role.MSME}),
    "office": STAFF,
    "announcements": STAFF,
    "my_announcements": frozenset({Role.MSME}),
    "channel_admin": STAFF,
    # A coordinator's channels (another channel's pages are 404 for them: test_stand_guards).
    "stand": STAFF | {Role.COORDINATOR},
    # Leads at the stand: an MSME staffing its own stand too (another channel is 404).
    "stand_leads": STAFF | {Role.COORDINATOR, Role.MSME},
    # Business matching: its participants (an event's inner pages send others to register;
    # another's meeting is 404: tests/matching/test_views.py), and the office's pages.
    "matching": frozenset({Role.MSME, Role.BUYER}),
    "matching_office": STAFF,
    # A person's API tokens: the roles the private API has operations for.
    "api_tokens": frozenset({Role.MSME, Role.BUYER, Role.OFFICER, Role.ADMIN}),
}
# The private API: the role of the bearer token decides (walked with tokens in
# tests/api/test_tokens_auth.py); a cookie session, of any role, gets 401 there.
TOKEN_ONLY: dict[str, frozenset[Any]] = {
    "api_owner": frozenset({Role.MSME}),
    "api_buyer": frozenset({Role.BUYER}),
    "api_office": STAFF,
}
BLUEPRINTS.update(TOKEN_ONLY)
ENDPOINTS: dict[str, frozenset[Any]] = {
    "accounts.settings": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.resend_verification": SIGNED_IN,
    # Logging out when not logged in just goes home.
    "accounts.logout": PUBLIC,
    # Buyers get the interest form, visitors without an account the quick one.
    "interests.new": frozenset({ANONYMOUS, Role.BUYER}),
    # Officers read conversations from the office, not from an inbox of their own.
    "interests.index": frozenset({Role.BUYER, Role.MSME}),
    # Officers see the coordinators; only admins open their accounts.
    "office.create_coordinator": frozenset({Role.ADMIN}),
    # Background jobs and their dead-letter list: the office's, like its other queues.
    "office.job_list": STAFF,
    "office.run_job_again": STAFF,
    "office.discard_job": STAFF,
    # A buyer's own data: download, and deleting the account.
    "privacy.my_data": frozenset({Role.BUYER}),
    "privacy.my_data_download": frozenset({Role.BUYER}),
    "privacy.delete_account": frozenset({Role.BUYER}),
}
SKIP = {"static"}
LOGOUT = "accounts.logout"

PLACEHOLDERS = {"int": "999999", "path": "img/00/none.webp", "default": "no-such-thing"}
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def allowed_roles(endpoint: str) -> frozenset[Any]:
    if endpoint in ENDPOINTS:
        return ENDPOINTS[endpoint]
    blueprint = endpoint.split(".", 1)[0]
    assert blueprint in BLUEPRINTS, f"classify blueprint {blueprint!r} in BLUEPRINTS"
    return BLUEPRINTS[blueprint]


def concrete_path(rule: Rule) -> str:
    def fill(match: re.Match[str]) -> str:
        converter = match.group(1) or "default"
        return PLACEHOLDERS.get(converter, PLACEHOLDERS["default"])

    return ARGUMENT.sub(fill, rule.rule)


def is_token_only(endpoint: str) -> bool:
    return endpoint.split(".", 1)[0] in TOKEN_ONLY


def walked_rules(app: Flask) -> Iterator[tuple[Rule, str]]:
    # Logging out ends every session of the user: walk it last.
    order = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == LOGOUT, r.rule))
    for rule in order:
        if rule.endpoint in SKIP:
            continue
        methods = rule.methods or set()
        if "GET" in methods:
            method = "GET"
        elif "POST" in methods:
            method = "POST"
        else:  # the private API's PATCH and DELETE
            method = sorted(methods - {"HEAD", "OPTIONS"})[0]
        yield rule, method


@pytest.fixture
def clients(app: Flask) -> dict[Any, FlaskClient]:
    with app.app_context():
        users = {role: make_user(role) for role in ROLES if role != ANONYMOUS}
        db.session.commit()
        result: dict[Any, FlaskClient] = {ANONYMOUS: app.test_client()}
        for role, user in users.items():
            result[role] = app.test_client(user=user)
    return result


def _request(client: FlaskClient, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    return client.open(path, method=method, data={"csrf_token": csrf_token(client, "/")})


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers.get("Location", "")


def test_every_blueprint_is_classified(app: Flask) -> None:
    unknown = {
        rule.endpoint.split(".", 1)[0]
        for rule, _ in walked_rules(app)
        if rule.endpoint not in ENDPOINTS
    } - set(BLUEPRINTS)
    assert unknown == set()


def test_every_route_answers_each_role_as_its_guard_says(
    app: Flask, clients: dict[Any, FlaskClient]
) -> None:
    failures: list[str] = []
    for rule, method in walked_rules(app):
        path = concrete_path(rule)
        allowed = allowed_roles(rule.endpoint)
        for role in ROLES:
            response = _request(clients[role], method, path)
            status = response.status_code
            label = f"{method} {path} as {role}: {status}"
            if status >= 500:
                failures.append(f"{label} (server error)")
            elif is_token_only(rule.endpoint):
                if status != 401:
                    failures.append(f"{label} (a cookie session should get 401)")
            elif role in allowed:
                if status == 403 or _is_login_redirect(response):
                    failures.append(f"{label} (should be allowed)")
            elif role == ANONYMOUS:
                if not _is_login_redirect(response):
                    failures.append(f"{label} (should ask to log in)")
            elif status != 403:
                failures.append(f"{label} (should be 403)")
    assert not failures, "\n".join(failures)


def _row_counts() -> dict[str, int]:
    """Rows per table, as the test's own session sees them (with what its requests wrote)."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def test_every_post_without_csrf_token_is_refused(
    app: Flask, clients: dict[Any, FlaskClient]
) -> None:
    failures: list[str] = []
    with app.app_context():
        before = _row_counts()
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()):
            continue
        path = concrete_path(rule)
        # The private API takes no cookie session, so no CSRF token either: 401 without a token.
        expected = 401 if is_token_only(rule.endpoint) else 400
        for role in ROLES:
            response = clients[role].post(path, data={"name": "x", "reason": "x"})
            if response.status_code != expected:
                failures.append(f"POST {path} as {role}: {response.status_code}")
    with app.app_context():
        assert _row_counts() == before
    assert not failures, "\n".join(failures)


def _two_channels() -> tuple[Any, dict[str, str]]:
    """A coordinator of a showroom, and the records of a fair she does not work at: a stocked
    product with a sale, a shipment, a settlement statement. Values for each route argument."""
    from datetime import timedelta
    from decimal import Decimal

    from marketplace.channels.coordinators import assign_channels
    from marketplace.stock.models import MovementKind
    from marketplace.stock.periods import period_before
    from marketplace.stock.sales import record_sale
    from marketplace.stock.services import channel_today, record_shipment
    from marketplace.stock.settlements import issue_statement
    from tests.channels.helpers import accept, nominate_all
    from tests.factories import (
        harz_und_heide,
        make_channel,
        make_officer,
        move_stock,
        owner_with_products,
        set_rate,
    )

    showroom = make_channel("Little Bandung Seoul")
    fair = harz_und_heide()
    officer = make_officer()
    coordinator = make_user(Role.COORDINATOR)
    assign_channels(make_user(Role.ADMIN), coordinator, [showroom.id])
    (theirs,) = [accept(officer, n) for n in nominate_all(owner_with_products(1), fair)]
    business = theirs.product.business
    today = channel_today(fair)
    set_rate("EUR", "17500", today - timedelta(days=90))
    shipment = record_shipment(fair, business, officer, today, {theirs.id: 3})
    move_stock(theirs, officer, MovementKind.RECEIVED, 3)
    sale = record_sale(theirs, officer, 1, Decimal("40"), today)
    settlement = issue_statement(fair, business, period_before(fair, today)[0], officer)
    values = {
        "channel_id": str(fair.id),
        "nomination_id": str(theirs.id),
        "business_id": str(business.id),
        "shipment_id": str(shipment.id),
        "sale_id": str(sale.id),
        "settlement_id": str(settlement.id),
    }
    return coordinator, values


def test_a_coordinator_reaches_nothing_of_another_channel_or_of_the_office(
    app: Flask, storefront: None
) -> None:
    """Every route of the stands, the channels' office pages and the office, filled with the
    records of a channel the coordinator does not work at: 404 (the stand pages do not exist
    for them) or 403 (the office's), and nothing changes."""
    with app.app_context():
        coordinator, values = _two_channels()
        db.session.commit()
        db.session.refresh(coordinator)
        db.session.expunge(coordinator)
        before = _row_counts()
    client = app.test_client(user=coordinator)
    token = csrf_token(client, "/stand/")
    checked: list[str] = []
    failures: list[str] = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".", 1)[0]
        if blueprint not in ("stand", "stand_leads", "channel_admin", "office"):
            continue
        if blueprint.startswith("stand") and "channel_id" not in rule.arguments:
            continue  # her list of stands: her own channels only (tests/stand/test_views.py)
        path = ARGUMENT.sub(
            lambda m: values.get(m.group(2), PLACEHOLDERS.get(m.group(1) or "default", "x")),
            rule.rule,
        )
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            if method == "GET":
                status = client.get(path).status_code
            else:
                status = client.post(path, data={"csrf_token": token, "quantity": "1"}).status_code
            expected = (404,) if blueprint.startswith("stand") else (403,)
            checked.append(f"{method} {path}")
            if status not in expected:
                failures.append(f"{method} {path}: {status}, expected {expected}")
    assert len(checked) > 40 and not failures, "\n".join(failures)
    with app.app_context():
        assert _row_counts() == before
