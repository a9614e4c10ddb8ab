"""Account rules called directly: passwords, addresses, accounts, tokens, suspension."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts import moderation, services, tokens
from marketplace.accounts.models import BuyerType, Role, User, UserStatus
from marketplace.accounts.passwords import verify_password
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from marketplace.mail.models import OutboxEmail
from tests.factories import PASSWORD, make_partner_city, make_user

GOOD = "gedung sate at dawn"


def _buyer(**changes: object) -> services.BuyerDetails:
    fields: dict[str, object] = {
        "company": "Suwon Trading",
        "buyer_type": BuyerType.IMPORTER,
        "city": "Suwon",
        "country_code": "KR",
    }
    fields.update(changes)
    return services.BuyerDetails(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("123456789", "at least 10"),
        ("xxxxxxxxxxxxxxxx", "more than one different character"),
        ("Person@Example.org", "must not be your e-mail address"),
    ],
)
def test_weak_passwords_are_refused(ctx: Flask, password: str, message: str) -> None:
    with pytest.raises(services.WeakPasswordError, match=message):
        services.check_password_rules(password, "person@example.org")


def test_good_password_passes(ctx: Flask) -> None:
    services.check_password_rules("0123456789", "person@example.org")


def test_addresses_are_normalised_and_checked(ctx: Flask) -> None:
    assert services.check_email("  Siti.Nur@Bandung.GO.id ") == "siti.nur@bandung.go.id"
    for bad in ["", "no-at-sign", "two@@example.org", "a@b"]:
        with pytest.raises(services.AccountError):
            services.check_email(bad)


def test_create_account_stores_a_hash_and_refuses_a_second_account(ctx: Flask) -> None:
    user = services.create_account(
        email="Officer@Example.org", name=" Dewi ", password=GOOD, role=Role.OFFICER, verified=True
    )
    assert user.email == "officer@example.org"
    assert user.name == "Dewi"
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, GOOD)
    assert user.email_verified_at is not None
    with pytest.raises(services.EmailTakenError):
        services.create_account(
            email="officer@example.org", name="Other", password=GOOD, role=Role.MSME
        )


def test_buyer_details_are_checked(ctx: Flask) -> None:
    with pytest.raises(services.AccountError, match="company"):
        services.create_account(
            email="b@example.org", name="B", password=GOOD, role=Role.BUYER, buyer=None
        )
    with pytest.raises(services.AccountError, match="country"):
        services.check_buyer(_buyer(country_code="XX"), complete=True)
    with pytest.raises(services.AccountError, match="city"):
        services.check_buyer(_buyer(city=" "), complete=True)
    with pytest.raises(services.AccountError, match="partner city"):
        services.check_buyer(_buyer(partner_city_id=999_999), complete=True)
    city = make_partner_city("Suwon", "KR")
    checked = services.check_buyer(
        _buyer(partner_city_id=city.id, company="  A  B "), complete=True
    )
    assert checked.company == "A B"


def test_register_account_only_for_msme_and_buyer(ctx: Flask) -> None:
    with pytest.raises(services.AccountError):
        services.register_account(
            email="x@example.org", name="X", password=GOOD, role=Role.ADMIN, locale="en"
        )


def test_register_existing_address_creates_nothing_and_warns_the_owner(ctx: Flask) -> None:
    make_user(Role.MSME, email="owner@example.org", locale="id")
    result = services.register_account(
        email="OWNER@example.org", name="Intruder", password=GOOD, role=Role.MSME, locale="en"
    )
    assert result is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    mail = db.session.scalars(sa.select(OutboxEmail)).one()
    assert mail.to_address == "owner@example.org"
    # Outside a request the link is built from BASE_URL.
    assert ctx.config["BASE_URL"] + "/auth/reset" in mail.body


def test_register_queues_a_verification_link(ctx: Flask) -> None:
    user = services.register_account(
        email="new@example.org", name="New", password=GOOD, role=Role.BUYER, locale="en",
        buyer=_buyer(),
    )  # fmt: skip
    assert user is not None and user.email_verified_at is None
    assert user.buyer_profile is not None and user.buyer_profile.country_code == "KR"
    mail = db.session.scalars(sa.select(OutboxEmail)).one()
    assert "/auth/verify/" in mail.body


def test_verification_token_is_single_use_and_bound_to_the_address(ctx: Flask) -> None:
    user = make_user(Role.MSME, verified=False)
    token = tokens.make_verify_token(user)
    user.email = "changed@example.org"
    with pytest.raises(tokens.TokenInvalidError):
        services.verify_email(token)
    token = tokens.make_verify_token(user)
    assert services.verify_email(token) is user
    with pytest.raises(tokens.TokenUsedError):
        services.verify_email(token)
    with pytest.raises(services.AccountError):
        services.send_verification(user)


def test_reset_token_dies_when_the_password_changes(ctx: Flask) -> None:
    user = make_user(Role.BUYER)
    token = tokens.make_reset_token(user)
    services.change_password(user, PASSWORD, GOOD)
    with pytest.raises(tokens.TokenUsedError):
        services.check_reset_token(token)


def test_reset_token_dies_when_sessions_end(ctx: Flask) -> None:
    user = make_user(Role.BUYER)
    token = tokens.make_reset_token(user)
    services.end_sessions(user)
    with pytest.raises(tokens.TokenUsedError):
        services.reset_password(token, GOOD)


def test_reset_password_verifies_the_address_and_ends_sessions(ctx: Flask) -> None:
    user = make_user(Role.BUYER, verified=False)
    session_token = user.session_token
    services.reset_password(tokens.make_reset_token(user), GOOD)
    assert verify_password(user.password_hash, GOOD)
    assert user.email_verified_at is not None
    assert user.session_token != session_token


def test_authenticate_fails_the_same_way_for_every_reason(ctx: Flask) -> None:
    make_user(Role.BUYER, email="active@example.org")
    make_user(Role.BUYER, email="suspended@example.org", status=UserStatus.SUSPENDED)
    messages = set()
    for email, password in [
        ("active@example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
        ("suspended@example.org", PASSWORD),
    ]:
        with pytest.raises(services.LoginFailedError) as caught:
            services.check_credentials(email, password)
        messages.add(caught.value.message)
    assert messages == {"E-mail or password is incorrect."}
    user = services.check_credentials("ACTIVE@example.org ", PASSWORD)
    services.record_login(user, PASSWORD)
    assert user.last_login_at is not None


def test_suspension_ends_sessions_and_is_audited(ctx: Flask) -> None:
    officer = make_user(Role.OFFICER)
    owner = make_user(Role.MSME)
    session_token = owner.session_token

    moderation.suspend_user(owner, officer, "Selling counterfeit batik")

    assert owner.status == UserStatus.SUSPENDED
    assert owner.status_reason == "Selling counterfeit batik"
    assert owner.session_token != session_token
    moderation.reactivate_user(owner, officer, "Cleared after review")
    assert owner.status == UserStatus.ACTIVE and owner.status_reason is None
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.subject_id) for e in entries] == [
        ("user.suspend", officer.id, owner.id),
        ("user.reactivate", officer.id, owner.id),
    ]
    assert entries[0].before == {"status": "active"}
    assert entries[0].after == {"status": "suspended"}
    assert entries[0].reason == "Selling counterfeit batik"


def test_suspension_rules(ctx: Flask) -> None:
    officer = make_user(Role.OFFICER)
    other_officer = make_user(Role.OFFICER)
    admin = make_user(Role.ADMIN)
    buyer = make_user(Role.BUYER)
    with pytest.raises(services.AccountError):
        moderation.suspend_user(officer, buyer, "no")  # not staff
    with pytest.raises(services.AccountError):
        moderation.suspend_user(officer, officer, "self")
    with pytest.raises(services.AccountError):
        moderation.suspend_user(other_officer, officer, "peer")  # officers cannot suspend staff
    with pytest.raises(services.AccountError):
        moderation.suspend_user(buyer, officer, "   ")  # a reason is required
    with pytest.raises(services.AccountError):
        moderation.reactivate_user(buyer, officer)  # not suspended
    moderation.suspend_user(other_officer, admin, "left the office")
    with pytest.raises(services.AccountError):
        moderation.suspend_user(other_officer, admin, "again")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


def test_suspended_session_is_refused(app: Flask, login_as: object) -> None:
    with app.app_context():
        officer = make_user(Role.OFFICER)
        owner = make_user(Role.MSME)
        db.session.commit()
        client = login_as(owner)  # type: ignore[operator]
        owner_id, officer_id = owner.id, officer.id
    assert client.get("/auth/settings").status_code == 200
    with app.app_context():
        moderation.suspend_user(
            db.session.get(User, owner_id), db.session.get(User, officer_id), "x"
        )  # type: ignore[arg-type]
        db.session.commit()
    response = client.get("/auth/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_settings_rules(ctx: Flask) -> None:
    user = make_user(Role.BUYER)
    services.update_settings(user, " Siti  Nur ", "id")
    assert (user.name, user.locale) == ("Siti Nur", "id")
    with pytest.raises(services.AccountError):
        services.set_locale(user, "th")  # not one of the seven
    with pytest.raises(services.AccountError):
        services.update_settings(user, "   ", "en")
    with pytest.raises(services.WrongPasswordError):
        services.change_password(user, "wrong", GOOD)
