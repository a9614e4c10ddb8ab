"""Business profile rules and the verification life cycle, called directly."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.businesses.models import Business, BusinessStatus, ExportExperience
from marketplace.businesses.services import (
    BusinessError,
    BusinessStateError,
    CertificationData,
    ProfileData,
    add_certification,
    create_business,
    missing_for_verification,
    reinstate_business,
    reject_business,
    submit_business,
    suspend_business,
    update_business,
    verify_business,
)
from marketplace.db import db
from marketplace.errors import ConflictError
from marketplace.ledger.models import AuditEntry
from marketplace.slugs import add_with_slug, slugify
from tests.factories import NIB, make_business, make_user

COMPLETE = ProfileData(
    name="Kopi Aroma Priangan",
    nib=NIB,
    subsector_code="kuliner",
    district="Andir",
    description="Roasted Java Preanger coffee.",
    contact_email="kopi@example.test",
    export_experience=ExportExperience.INDIRECT,
)


def audit_actions(subject_id: int) -> list[str]:
    rows = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.subject_type == "business", AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.id)
    )
    return list(rows)


def test_create_business_starts_as_draft_with_ascii_slug(ctx: Flask) -> None:
    owner = make_user(Role.MSME)
    business = create_business(owner, ProfileData(name="Kriya Rotan Ujungberung – Café"))
    assert business.status == BusinessStatus.DRAFT
    assert business.slug == "kriya-rotan-ujungberung-cafe"
    assert audit_actions(business.id) == ["business.created"]


def test_slug_is_unique_and_stable_on_rename(ctx: Flask) -> None:
    first = create_business(make_user(Role.MSME), ProfileData(name="Batik Sekar"))
    second = create_business(make_user(Role.MSME), ProfileData(name="Batik  Sekar!"))
    assert (first.slug, second.slug) == ("batik-sekar", "batik-sekar-2")
    update_business(first, first.owner, ProfileData(name="Batik Sekar Jagad"))
    assert first.slug == "batik-sekar"


def test_slugify_falls_back_for_names_without_latin_letters() -> None:
    assert slugify("한국 공예", fallback="msme") == "msme"
    assert slugify("Mébel Jati", fallback="msme") == "mebel-jati"


def test_one_business_per_owner_and_only_for_msme_accounts(ctx: Flask) -> None:
    owner = make_user(Role.MSME)
    create_business(owner, ProfileData(name="One"))
    with pytest.raises(BusinessError, match="already have"):
        create_business(owner, ProfileData(name="Two"))
    with pytest.raises(BusinessError, match="Only MSME"):
        create_business(make_user(Role.BUYER), ProfileData(name="Buyer Co"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"nib": "12345"}, "13 digits"),
        ({"district": "Jakarta Selatan"}, "district"),
        ({"subsector_code": "mining"}, "subsector"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_profile_values_are_refused(ctx: Flask, change: dict[str, str], message: str) -> None:
    values = {**COMPLETE.__dict__, **change}
    with pytest.raises(BusinessError, match=message):
        create_business(make_user(Role.MSME), ProfileData(**values))


def test_submit_requires_a_complete_profile(ctx: Flask) -> None:
    business = create_business(make_user(Role.MSME), ProfileData(name="Half done"))
    missing = [str(m) for m in missing_for_verification(business)]
    assert missing == [
        "NIB (13 digits)",
        "creative subsector",
        "district",
        "description",
        "contact e-mail or phone",
    ]
    with pytest.raises(BusinessError, match="Please complete: NIB"):
        submit_business(business, business.owner)
    assert business.status == BusinessStatus.DRAFT


def test_full_life_cycle_is_audited(ctx: Flask) -> None:
    owner, officer = make_user(Role.MSME), make_user(Role.OFFICER)
    business = create_business(owner, COMPLETE)
    submit_business(business, owner)
    assert business.status == BusinessStatus.PENDING
    assert business.submitted_at is not None
    reject_business(business, officer, "The NIB does not match the OSS record.")
    assert business.status == BusinessStatus.REJECTED
    assert business.status_reason == "The NIB does not match the OSS record."
    update_business(business, owner, ProfileData(**{**COMPLETE.__dict__, "nib": "9120009999999"}))
    submit_business(business, owner)
    assert business.status == BusinessStatus.PENDING
    assert business.status_reason is None
    verify_business(business, officer)
    assert business.status == BusinessStatus.VERIFIED
    assert business.verified_at is not None
    suspend_business(business, officer, "Complaints from two buyers.")
    reinstate_business(business, officer)
    assert business.status == BusinessStatus.VERIFIED
    assert audit_actions(business.id) == [
        "business.created",
        "business.submitted",
        "business.rejected",
        "business.updated",
        "business.submitted",
        "business.verified",
        "business.suspended",
        "business.reinstated",
    ]
    rejection = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "business.rejected")
    )
    assert rejection is not None
    assert rejection.actor_id == officer.id
    assert rejection.before == {"status": "pending"}
    assert rejection.after == {"status": "rejected"}
    assert rejection.reason == "The NIB does not match the OSS record."


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (BusinessStatus.DRAFT, "verify"),
        (BusinessStatus.VERIFIED, "verify"),
        (BusinessStatus.DRAFT, "reject"),
        (BusinessStatus.PENDING, "submit"),
        (BusinessStatus.VERIFIED, "submit"),
        (BusinessStatus.PENDING, "suspend"),
        (BusinessStatus.VERIFIED, "reinstate"),
    ],
)
def test_illegal_transitions_raise(ctx: Flask, status: BusinessStatus, action: str) -> None:
    business = make_business(status=status)
    officer = make_user(Role.OFFICER)
    calls = {
        "verify": lambda: verify_business(business, officer),
        "reject": lambda: reject_business(business, officer, "no"),
        "submit": lambda: submit_business(business, business.owner),
        "suspend": lambda: suspend_business(business, officer, "no"),
        "reinstate": lambda: reinstate_business(business, officer),
    }
    with pytest.raises(BusinessStateError):
        calls[action]()
    assert business.status == status


def test_rejection_needs_a_reason(ctx: Flask) -> None:
    business = make_business(status=BusinessStatus.PENDING)
    with pytest.raises(BusinessError, match="reason"):
        reject_business(business, make_user(Role.OFFICER), "   ")
    assert business.status == BusinessStatus.PENDING


def test_certification_must_be_from_the_list_and_have_a_number(ctx: Flask) -> None:
    business = make_business()
    with pytest.raises(BusinessError, match="from the list"):
        add_certification(business, business.owner, CertificationData("made-up", "1"))
    with pytest.raises(BusinessError, match="number"):
        add_certification(business, business.owner, CertificationData("halal", " "))
    certification = add_certification(
        business, business.owner, CertificationData("halal", " ID321 ", "BPJPH", date(2029, 1, 31))
    )
    assert (certification.number, certification.issuer) == ("ID321", "BPJPH")


def test_a_conflicting_insert_becomes_a_conflict_error(ctx: Flask) -> None:
    """A double-submitted form on PostgreSQL: the unique owner is taken when the row is written;
    the savepoint keeps the transaction usable and the person gets a message, not an error page."""
    owner = make_user(Role.MSME)
    create_business(owner, ProfileData(name="First"))
    duplicate = Business(owner=owner, name="Second", status=BusinessStatus.DRAFT)
    with pytest.raises(ConflictError, match="Please try again"):
        add_with_slug(duplicate, Business.slug, "Second", "msme")
    assert db.session.scalar(sa.select(sa.func.count(Business.id))) == 1
