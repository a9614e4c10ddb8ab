"""`flask create-user`: the only way staff accounts come into being."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import BuyerType, Role, User
from marketplace.accounts.passwords import verify_password
from marketplace.db import db
from tests.accounts.helpers import log_in

PASSWORD = "a strong officer passphrase"


def _create(app: Flask, *args: str, password: str = PASSWORD) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["create-user", *args], input=f"{password}\n")
    return result.exit_code, result.output


def _users(app: Flask) -> list[User]:
    with app.app_context():
        users = list(db.session.scalars(sa.select(User).order_by(User.id)))
        for user in users:
            db.session.expunge(user)
        return users


def test_officer_is_created_with_the_password_from_stdin(app: Flask) -> None:
    code, output = _create(
        app, "--role", "officer", "--email", " Dewi@Bandung.go.id ", "--name", "Dewi Lestari"
    )
    assert code == 0, output
    assert "Created officer dewi@bandung.go.id" in output
    [user] = _users(app)
    assert (user.role, user.name) == (Role.OFFICER, "Dewi Lestari")
    assert user.email_verified_at is not None
    assert verify_password(user.password_hash, PASSWORD)
    # The trailing newline was not part of the password: logging in works.
    assert log_in(app.test_client(), "dewi@bandung.go.id", PASSWORD).status_code == 302


def test_every_role_can_be_created(app: Flask) -> None:
    for n, role in enumerate(["admin", "msme"]):
        code, output = _create(
            app, "--role", role, "--email", f"{role}{n}@example.org", "--name", "N"
        )
        assert code == 0, output
    code, output = _create(
        app, "--role", "buyer", "--email", "buyer@example.org", "--name", "B",
        "--company", "Namur Design", "--country", "be", "--buyer-type", "showroom",
    )  # fmt: skip
    assert code == 0, output
    with app.app_context():
        buyer = db.session.scalars(sa.select(User).where(User.role == Role.BUYER)).one()
        assert buyer.buyer_profile is not None
        assert buyer.buyer_profile.company == "Namur Design"
        assert buyer.buyer_profile.country_code == "BE"
        assert buyer.buyer_profile.buyer_type == BuyerType.SHOWROOM
    assert sorted(u.role.value for u in _users(app)) == ["admin", "buyer", "msme"]


def test_duplicate_address_is_refused(app: Flask) -> None:
    assert _create(app, "--role", "officer", "--email", "o@example.org", "--name", "O")[0] == 0
    code, output = _create(app, "--role", "admin", "--email", "O@EXAMPLE.org", "--name", "Other")
    assert code == 1
    assert "already exists" in output
    [user] = _users(app)
    assert user.role == Role.OFFICER


def test_weak_or_missing_password_is_refused(app: Flask) -> None:
    code, output = _create(
        app, "--role", "officer", "--email", "o@example.org", "--name", "O", password="short"
    )
    assert code == 1
    assert "at least 10 characters" in output
    code, output = _create(
        app, "--role", "officer", "--email", "o@example.org", "--name", "O", password=""
    )
    assert code == 1
    assert "No password" in output
    assert _users(app) == []


def test_buyer_needs_company_and_country(app: Flask) -> None:
    code, output = _create(app, "--role", "buyer", "--email", "b@example.org", "--name", "B")
    assert code == 2
    assert "--company and --country" in output
    code, output = _create(
        app, "--role", "buyer", "--email", "b@example.org", "--name", "B",
        "--company", "C", "--country", "Narnia",
    )  # fmt: skip
    assert code == 1
    assert "Choose your country" in output
    assert _users(app) == []


def test_unknown_role_is_refused(app: Flask) -> None:
    code, output = _create(app, "--role", "root", "--email", "r@example.org", "--name", "R")
    assert code == 2
    assert _users(app) == []
