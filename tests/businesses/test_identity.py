"""A verified business's identity (name, NIB, district) changes only through the office; every
edit of a profile is audited; no two businesses hold one NIB, also when they save at once."""

from __future__ import annotations

import threading
from dataclasses import fields, replace
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.businesses.identity import (
    apply_guarding_nib,
    approve_identity_change,
    reject_identity_change,
    seen_token,
)
from marketplace.businesses.models import (
    Business,
    BusinessIdentityChange,
    BusinessStatus,
    ExportExperience,
    IdentityChangeStatus,
)
from marketplace.businesses.services import (
    BusinessError,
    CertificationData,
    ProfileData,
    add_certification,
    create_business,
    delete_certification,
    set_logo,
    update_business,
    update_certification,
)
from marketplace.db import begin_write, db
from marketplace.errors import ConflictError
from marketplace.ledger.models import AuditEntry
from marketplace.notifications.models import Notification
from tests.factories import make_business, make_user

OTHER_NIB = "8120215678904"


def profile_of(business: Business, **changes: Any) -> ProfileData:
    """The profile form as the owner would send it back, with `changes`."""
    values = {item.name: getattr(business, item.name) for item in fields(ProfileData)}
    return ProfileData(**{**values, **changes})


def entries(business_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject_type == "business", AuditEntry.subject_id == business_id)
            .order_by(AuditEntry.id)
        )
    )


def last_entry(business_id: int) -> AuditEntry:
    return entries(business_id)[-1]


def notifications_of(user: User) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Notification.text)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def test_a_verified_rename_waits_for_the_office_and_nothing_public_changes(ctx: Flask) -> None:
    """The reported case: a verified business took another's name and a new NIB quietly."""
    make_business(name="Kopi Aroma Priangan")
    business = make_business(name="Batik Sekar Jagad")
    slug, nib = business.slug, business.nib
    change = update_business(
        business,
        business.owner,
        profile_of(business, name="Kopi Aroma Priangan", nib=OTHER_NIB, district="Andir"),
    )
    assert change is not None and change.status == IdentityChangeStatus.PENDING
    assert (change.name, change.nib, change.district) == ("Kopi Aroma Priangan", OTHER_NIB, "Andir")
    db.session.expire_all()
    business = db.session.get_one(Business, business.id)
    assert (business.name, business.nib, business.district, business.slug) == (
        "Batik Sekar Jagad",
        nib,
        "Coblong",
        slug,
    )
    assert business.status == BusinessStatus.VERIFIED
    entry = last_entry(business.id)
    assert (entry.action, entry.actor_id) == ("business.identity_requested", business.owner_id)
    assert entry.before == {"name": "Batik Sekar Jagad", "nib": nib, "district": "Coblong"}
    assert entry.after == {"name": "Kopi Aroma Priangan", "nib": OTHER_NIB, "district": "Andir"}


@pytest.mark.parametrize("status", [BusinessStatus.DRAFT, BusinessStatus.VERIFIED])
def test_an_nib_another_business_holds_is_refused(ctx: Flask, status: BusinessStatus) -> None:
    holder = make_business(name="Kopi Aroma Priangan", nib=OTHER_NIB)
    business = make_business(status=status)
    before = len(entries(business.id))
    with pytest.raises(BusinessError, match="This NIB belongs to another business"):
        update_business(business, business.owner, profile_of(business, nib=OTHER_NIB))
    with pytest.raises(BusinessError, match="This NIB belongs to another business"):
        create_business(make_user(Role.MSME), ProfileData(name="Copycat", nib=OTHER_NIB))
    assert db.session.scalar(sa.select(sa.func.count(BusinessIdentityChange.id))) == 0
    assert len(entries(business.id)) == before
    assert holder.nib == OTHER_NIB and business.nib != OTHER_NIB


def test_an_nib_asked_for_by_another_business_is_refused(ctx: Flask) -> None:
    asking = make_business(name="Kopi Aroma Priangan")
    update_business(asking, asking.owner, profile_of(asking, nib=OTHER_NIB))
    draft = make_business(name="Draft", status=BusinessStatus.DRAFT)
    with pytest.raises(BusinessError, match="This NIB belongs to another business"):
        update_business(draft, draft.owner, profile_of(draft, nib=OTHER_NIB))


def test_the_database_refuses_a_second_holder_of_an_nib(ctx: Flask) -> None:
    """Whatever skips the check, the unique constraint holds; the services turn its refusal
    into the usual message and the transaction stays usable."""
    make_business(name="Holder", nib=OTHER_NIB)
    other = make_business(name="Other")
    with pytest.raises(BusinessError, match="This NIB belongs to another business"):
        apply_guarding_nib(other, {"nib": OTHER_NIB})
    assert db.session.scalar(sa.select(sa.func.count(Business.id))) == 2
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(Business(owner=make_user(Role.MSME), name="Raw", slug="raw", nib=OTHER_NIB))
        db.session.flush()


@pytest.mark.committing  # threads, each on its own connection
def test_two_businesses_taking_one_nib_at_once_one_wins(app: Flask) -> None:
    """Each save in its own thread and session, released together: on PostgreSQL the unique
    index makes the second wait and refuses it, on SQLite the write lock orders them."""
    with app.app_context():
        ids = [make_business(name=n, status=BusinessStatus.DRAFT).id for n in ("One", "Two")]
        db.session.commit()
    barrier = threading.Barrier(2)
    outcome: dict[str, list[str]] = {"saved": [], "refused": [], "error": []}

    def save(business_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                begin_write()  # as every POST does before anything else
                business = db.session.get_one(Business, business_id)
                update_business(business, business.owner, profile_of(business, nib=OTHER_NIB))
                db.session.commit()
                outcome["saved"].append(business.name)
            except BusinessError as error:
                db.session.rollback()
                outcome["refused"].append(str(error.message))
            except Exception as error:  # reported by the assertion below
                db.session.rollback()
                outcome["error"].append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(business_id,)) for business_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome["error"] == []
    assert len(outcome["saved"]) == 1 and len(outcome["refused"]) == 1
    with app.app_context():
        holders = db.session.scalars(sa.select(Business.name).where(Business.nib == OTHER_NIB))
        assert list(holders) == outcome["saved"]


def test_other_edits_of_a_verified_business_apply_at_once_and_are_audited(ctx: Flask) -> None:
    business = make_business()
    change = update_business(
        business,
        business.owner,
        profile_of(
            business,
            description="Batik tulis and cap.",
            contact_phone="+62 22 7654321",
            monthly_capacity="300 pieces",
            export_experience=ExportExperience.DIRECT,
        ),
    )
    assert change is None
    assert (business.description, business.monthly_capacity) == (
        "Batik tulis and cap.",
        "300 pieces",
    )
    entry = last_entry(business.id)
    assert (entry.action, entry.actor_id) == ("business.updated", business.owner_id)
    assert entry.before == {
        "description": "Hand-drawn batik from Coblong.",
        "contact_phone": "+62 22 1234567",
        "monthly_capacity": None,
        "export_experience": "none",
    }
    assert entry.after == {
        "description": "Batik tulis and cap.",
        "contact_phone": "+62 22 7654321",
        "monthly_capacity": "300 pieces",
        "export_experience": "direct",
    }
    # Saving the same values again changes nothing and records nothing.
    count = len(entries(business.id))
    update_business(business, business.owner, profile_of(business))
    assert len(entries(business.id)) == count


@pytest.mark.parametrize(
    "status", [BusinessStatus.DRAFT, BusinessStatus.PENDING, BusinessStatus.REJECTED]
)
def test_a_business_not_verified_yet_edits_its_identity_freely(
    ctx: Flask, status: BusinessStatus
) -> None:
    business = make_business(status=status)
    change = update_business(business, business.owner, profile_of(business, name="Batik Baru"))
    assert change is None
    assert business.name == "Batik Baru"
    entry = last_entry(business.id)
    assert (entry.action, entry.before, entry.after) == (
        "business.updated",
        {"name": "Batik Sekar Jagad"},
        {"name": "Batik Baru"},
    )


def test_a_suspended_business_also_waits_for_the_office(ctx: Flask) -> None:
    business = make_business(status=BusinessStatus.SUSPENDED)
    change = update_business(business, business.owner, profile_of(business, name="Batik Baru"))
    assert change is not None
    assert business.name == "Batik Sekar Jagad"


def test_editing_the_request_replaces_it_and_asking_for_the_verified_values_withdraws_it(
    ctx: Flask,
) -> None:
    business = make_business()
    first = update_business(business, business.owner, profile_of(business, name="Batik A"))
    assert first is not None
    requested_at, token = first.requested_at, seen_token(first)
    second = update_business(business, business.owner, profile_of(business, name="Batik B"))
    assert second is first and second.name == "Batik B"
    assert second.requested_at == requested_at  # still waiting since the first request
    assert seen_token(second) != token  # an officer's open page is now out of date
    # The same request again is no new request.
    count = len(entries(business.id))
    update_business(business, business.owner, profile_of(business, name="Batik B"))
    assert len(entries(business.id)) == count
    assert update_business(business, business.owner, profile_of(business)) is None
    assert db.session.scalar(sa.select(sa.func.count(BusinessIdentityChange.id))) == 0
    entry = last_entry(business.id)
    assert (entry.action, entry.before, entry.after) == (
        "business.identity_withdrawn",
        {"name": "Batik B"},
        {"name": "Batik Sekar Jagad"},
    )


def test_an_approval_applies_the_change_keeps_the_slug_and_tells_the_owner(ctx: Flask) -> None:
    business = make_business()
    officer = make_user(Role.OFFICER)
    slug, nib = business.slug, business.nib
    change = update_business(
        business, business.owner, profile_of(business, name="Batik Nusantara", nib=OTHER_NIB)
    )
    assert change is not None
    approve_identity_change(business.id, officer, seen_token(change))
    assert (business.name, business.nib, business.slug) == ("Batik Nusantara", OTHER_NIB, slug)
    assert business.status == BusinessStatus.VERIFIED
    assert db.session.scalar(sa.select(sa.func.count(BusinessIdentityChange.id))) == 0
    entry = last_entry(business.id)
    assert (entry.action, entry.actor_id) == ("business.identity_approved", officer.id)
    assert entry.before == {"name": "Batik Sekar Jagad", "nib": nib}
    assert entry.after == {"name": "Batik Nusantara", "nib": OTHER_NIB}
    assert notifications_of(business.owner) == [
        "The trade office approved the new details of your business: Batik Nusantara."
    ]


def test_a_rejection_keeps_the_verified_identity_and_gives_the_owner_the_reason(
    ctx: Flask,
) -> None:
    business = make_business()
    officer = make_user(Role.OFFICER)
    change = update_business(
        business, business.owner, profile_of(business, name="Kopi Aroma Priangan")
    )
    assert change is not None
    with pytest.raises(BusinessError, match="reason"):
        reject_identity_change(business.id, officer, seen_token(change), "  ")
    reject_identity_change(business.id, officer, seen_token(change), "Not the name in OSS.")
    assert business.name == "Batik Sekar Jagad"
    assert (change.status, change.reason) == (IdentityChangeStatus.REJECTED, "Not the name in OSS.")
    entry = last_entry(business.id)
    assert (entry.action, entry.actor_id, entry.reason) == (
        "business.identity_rejected",
        officer.id,
        "Not the name in OSS.",
    )
    assert (entry.before, entry.after) == (
        {"name": "Batik Sekar Jagad"},
        {"name": "Kopi Aroma Priangan"},
    )
    assert notifications_of(business.owner) == [
        "The trade office did not accept the change of your business details: Not the name in OSS."
    ]
    # A rejected request cannot be approved afterwards.
    with pytest.raises(ConflictError):
        approve_identity_change(business.id, officer, seen_token(change))
    # The owner's next save clears the rejection; asking again starts a new request.
    again = update_business(business, business.owner, profile_of(business, name="Batik SJ"))
    assert again is not None and again.status == IdentityChangeStatus.PENDING
    assert again.reason is None


def test_a_decision_on_an_out_of_date_request_is_a_conflict(ctx: Flask) -> None:
    business = make_business()
    officer = make_user(Role.OFFICER)
    change = update_business(business, business.owner, profile_of(business, name="Batik A"))
    assert change is not None
    seen = seen_token(change)
    update_business(business, business.owner, profile_of(business, name="Batik B"))
    with pytest.raises(ConflictError, match="edited or decided after you opened it"):
        approve_identity_change(business.id, officer, seen)
    assert business.name == "Batik Sekar Jagad"


def test_an_nib_taken_meanwhile_cannot_be_approved(ctx: Flask) -> None:
    business = make_business()
    change = update_business(business, business.owner, profile_of(business, nib=OTHER_NIB))
    assert change is not None
    # Another business was given the NIB since (bypassing the check, as a race would).
    make_business(name="Holder", status=BusinessStatus.DRAFT, nib=OTHER_NIB)
    with pytest.raises(BusinessError, match="This NIB belongs to another business"):
        approve_identity_change(business.id, make_user(Role.OFFICER), seen_token(change))
    assert business.nib != OTHER_NIB
    assert change.status == IdentityChangeStatus.PENDING


def test_logo_and_certificates_changes_are_audited(ctx: Flask) -> None:
    business = make_business()
    owner = business.owner
    set_logo(business, owner, "logos/abc.webp")
    certification = add_certification(
        business, owner, CertificationData("halal", "ID-1", "BPJPH", date(2029, 1, 31))
    )
    update_certification(certification, owner, replace_data(certification, number="ID-2"))
    delete_certification(certification, owner)
    found = [(e.action, e.actor_id, e.before, e.after) for e in entries(business.id)]
    record = {
        "certification": "halal",
        "number": "ID-1",
        "issuer": "BPJPH",
        "expires_on": "2029-01-31",
        "scan": None,
    }
    assert found == [
        ("business.logo_changed", owner.id, {"logo": None}, {"logo": "logos/abc.webp"}),
        ("business.certification_added", owner.id, None, record),
        ("business.certification_changed", owner.id, {"number": "ID-1"}, {"number": "ID-2"}),
        ("business.certification_removed", owner.id, {**record, "number": "ID-2"}, None),
    ]


def replace_data(certification: Any, **changes: Any) -> CertificationData:
    data = CertificationData(
        certification.certification_code,
        certification.number,
        certification.issuer,
        certification.expires_on,
    )
    return replace(data, **changes)
