"""Business profile rules: the profile itself, its certificates, and the verification life cycle.

    draft -> pending -> verified | rejected(reason)      rejected -> (edit) -> pending
    verified -> suspended(reason) -> verified

Every change of status, and every edit of the profile or its certificates, is written to the
audit log with the values before and after. Once the office has verified a business, a change
of its identity (name, NIB, district) waits for review instead of applying: see `identity`.
Who may see the contact details is decided here too, so pages and the API give the same answer.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from marketplace.accounts.models import Role, User
from marketplace.businesses import queries
from marketplace.businesses.countries import is_country
from marketplace.businesses.errors import BusinessError, BusinessStateError
from marketplace.businesses.identity import (
    IDENTITY_FIELDS,
    apply_guarding_nib,
    check_nib_free,
    differences,
    is_reviewed,
    lock_business,
    request_identity_change,
)
from marketplace.businesses.models import (
    Business,
    BusinessCertification,
    BusinessIdentityChange,
    BusinessStatus,
    ExportExperience,
)
from marketplace.businesses.texts import (
    TranslationData,
    apply_translations,
    translation_values,
)
from marketplace.db import db, lock, utcnow
from marketplace.errors import ConflictError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.reference.models import Certification, Subsector
from marketplace.slugs import add_with_slug

# The thirty kecamatan of Kota Bandung.
DISTRICTS = (
    "Andir",
    "Antapani",
    "Arcamanik",
    "Astanaanyar",
    "Babakan Ciparay",
    "Bandung Kidul",
    "Bandung Kulon",
    "Bandung Wetan",
    "Batununggal",
    "Bojongloa Kaler",
    "Bojongloa Kidul",
    "Buahbatu",
    "Cibeunying Kaler",
    "Cibeunying Kidul",
    "Cibiru",
    "Cicendo",
    "Cidadap",
    "Cinambo",
    "Coblong",
    "Gedebage",
    "Kiaracondong",
    "Lengkong",
    "Mandalajati",
    "Panyileukan",
    "Rancasari",
    "Regol",
    "Sukajadi",
    "Sukasari",
    "Sumur Bandung",
    "Ujungberung",
)
NIB_LENGTH = 13
# Text fields that hold nothing rather than an empty string (an empty NIB is no NIB).
REQUIRED_TEXT = ("name", "description")


@dataclass(frozen=True)
class ProfileData:
    name: str
    nib: str | None = None
    subsector_code: str | None = None
    district: str | None = None
    description: str = ""
    year_founded: int | None = None
    employees: int | None = None
    monthly_capacity: str | None = None
    export_experience: ExportExperience = ExportExperience.NONE
    export_markets: tuple[str, ...] = ()  # country codes
    export_markets_note: str | None = None
    website: str | None = None
    instagram: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    whatsapp: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class CertificationData:
    certification_code: str
    number: str
    issuer: str | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class StoredScan:
    key: str
    content_type: str


def _check_profile(data: ProfileData, business_id: int | None) -> None:
    if not data.name.strip():
        raise BusinessError(_l("The business needs a name."))
    if data.nib and not (data.nib.isdigit() and len(data.nib) == NIB_LENGTH):
        raise BusinessError(_l("The NIB has exactly 13 digits."))
    if data.district and data.district not in DISTRICTS:
        raise BusinessError(_l("Choose a district of Bandung from the list."))
    if data.subsector_code and db.session.get(Subsector, data.subsector_code) is None:
        raise BusinessError(_l("Choose a creative subsector from the list."))
    if not all(is_country(code) for code in data.export_markets):
        raise BusinessError(_l("Choose the export markets from the list of countries."))
    check_nib_free((data.nib or "").strip() or None, business_id)


def _values(data: ProfileData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in fields(data):
        value = getattr(data, item.name)
        if isinstance(value, str):
            value = value.strip() or ("" if item.name in REQUIRED_TEXT else None)
        elif isinstance(value, tuple):
            value = sorted(set(value))  # a list of codes, as the column keeps it
        values[item.name] = value
    return values


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit log stores them (JSON): enums by their stored key."""
    return {k: v.value if isinstance(v, enum.Enum) else v for k, v in values.items()}


def create_business(
    owner: User, data: ProfileData, translations: Mapping[str, TranslationData] | None = None
) -> Business:
    """An MSME account keeps exactly one business; it starts as a draft."""
    if owner.role != Role.MSME:
        raise BusinessError(_l("Only MSME accounts can have a business profile."))
    if db.session.scalar(queries.business_of(owner.id)) is not None:
        raise BusinessError(_l("You already have a business profile."))
    _check_profile(data, None)
    business = Business(owner=owner, status=BusinessStatus.DRAFT)
    for key, value in _values(data).items():
        setattr(business, key, value)
    if translations is not None:
        apply_translations(business, translations)
    add_with_slug(business, Business.slug, data.name, fallback="msme")
    record_audit(
        owner, AuditAction.BUSINESS_CREATED, "business", business.id, None, {"status": "draft"}
    )
    return business


def update_business(
    business: Business,
    actor: User,
    data: ProfileData,
    translations: Mapping[str, TranslationData] | None = None,
) -> BusinessIdentityChange | None:
    """Save the owner's edit; returns the change of identity that waits for the office, if any.

    Before verification everything applies at once. Once verified, the identity waits for
    review and the rest applies at once. The slug stays as it was either way: printed
    addresses must keep working after a rename. The text in other languages (`translations`,
    None to leave it) changes at once, as the English does. Every change is audited."""
    if lock_business(business.id) is None:  # the same object, read again and locked
        raise ConflictError(_l("This item no longer exists."))
    _check_profile(data, business.id)
    values = _values(data)
    change = None
    if is_reviewed(business):
        proposed = {key: values.pop(key) for key in IDENTITY_FIELDS}
        change = request_identity_change(business, actor, proposed)
    current = {key: getattr(business, key) for key in values}
    before, after = differences(current, values)
    if after:
        apply_guarding_nib(business, after)
    if translations is not None:
        was = translation_values(business)
        apply_translations(business, translations)
        now = translation_values(business)
        if was != now:
            before["translations"], after["translations"] = was, now
    if after:
        record_audit(
            actor,
            AuditAction.BUSINESS_UPDATED,
            "business",
            business.id,
            _audited(before),
            _audited(after),
        )
    return change


def set_logo(business: Business, actor: User, key: str | None) -> str | None:
    """Replace (or remove, with None) the logo; returns the key it had before."""
    previous = business.logo_key
    if key != previous:
        business.logo_key = key
        db.session.flush()
        before, after = {"logo": previous}, {"logo": key}
        record_audit(
            actor, AuditAction.BUSINESS_LOGO_CHANGED, "business", business.id, before, after
        )
    return previous


def missing_for_verification(business: Business) -> list[LazyString]:
    """What the office needs before it can verify a business, by field label."""
    missing: list[LazyString] = []
    if not business.name.strip():
        missing.append(_l("business name"))
    if not (business.nib and business.nib.isdigit() and len(business.nib) == NIB_LENGTH):
        missing.append(_l("NIB (13 digits)"))
    if not business.subsector_code:
        missing.append(_l("creative subsector"))
    if not business.district:
        missing.append(_l("district"))
    if not business.description.strip():
        missing.append(_l("description"))
    if not (business.contact_email or business.contact_phone):
        missing.append(_l("contact e-mail or phone"))
    return missing


def _change_status(
    business: Business,
    actor: User | None,
    action: AuditAction,
    status: BusinessStatus,
    reason: str | None = None,
) -> None:
    before = {"status": business.status.value}
    business.status = status
    business.status_reason = reason
    db.session.flush()
    record_audit(actor, action, "business", business.id, before, {"status": status.value}, reason)


def submit_business(business: Business, actor: User) -> None:
    """A draft or a rejected profile goes to the office once it is complete."""
    lock(business)  # a double click submits once
    if business.status not in (BusinessStatus.DRAFT, BusinessStatus.REJECTED):
        raise BusinessStateError(_l("This business profile cannot be submitted in its status."))
    missing = missing_for_verification(business)
    if missing:
        raise BusinessError(
            _l("Please complete: %(fields)s.", fields=", ".join(str(m) for m in missing))
        )
    business.submitted_at = utcnow()
    _change_status(business, actor, AuditAction.BUSINESS_SUBMITTED, BusinessStatus.PENDING)


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise BusinessError(_l("Please give the reason, so the owner knows what to fix."))
    return reason


def verify_business(business: Business, officer: User) -> None:
    if business.status != BusinessStatus.PENDING:
        raise BusinessStateError(_l("Only a business waiting for verification can be verified."))
    business.verified_at = utcnow()
    _change_status(business, officer, AuditAction.BUSINESS_VERIFIED, BusinessStatus.VERIFIED)


def reject_business(business: Business, officer: User, reason: str) -> None:
    if business.status != BusinessStatus.PENDING:
        raise BusinessStateError(_l("Only a business waiting for verification can be rejected."))
    _change_status(
        business,
        officer,
        AuditAction.BUSINESS_REJECTED,
        BusinessStatus.REJECTED,
        _require_reason(reason),
    )


def suspend_business(business: Business, officer: User, reason: str) -> None:
    if business.status != BusinessStatus.VERIFIED:
        raise BusinessStateError(_l("Only a verified business can be suspended."))
    _change_status(
        business,
        officer,
        AuditAction.BUSINESS_SUSPENDED,
        BusinessStatus.SUSPENDED,
        _require_reason(reason),
    )


def reinstate_business(business: Business, officer: User, reason: str | None = None) -> None:
    """The reason, if given, goes to the audit log; a verified business shows no status note."""
    if business.status != BusinessStatus.SUSPENDED:
        raise BusinessStateError(_l("Only a suspended business can be reinstated."))
    _change_status(
        business,
        officer,
        AuditAction.BUSINESS_REINSTATED,
        BusinessStatus.VERIFIED,
        (reason or "").strip() or None,
    )
    business.status_reason = None
    db.session.flush()


def _check_certification(data: CertificationData) -> None:
    if db.session.get(Certification, data.certification_code) is None:
        raise BusinessError(_l("Choose a certification from the list."))
    if not data.number.strip():
        raise BusinessError(_l("Enter the certificate number."))


def _certificate_record(certification: BusinessCertification) -> dict[str, Any]:
    """A certificate as the audit log keeps it."""
    expires_on = certification.expires_on
    return {
        "certification": certification.certification_code,
        "number": certification.number,
        "issuer": certification.issuer,
        "expires_on": expires_on.isoformat() if expires_on else None,
        "scan": certification.scan_key,
    }


def add_certification(
    business: Business, actor: User, data: CertificationData, scan: StoredScan | None = None
) -> BusinessCertification:
    _check_certification(data)
    certification = BusinessCertification(
        business=business,
        certification_code=data.certification_code,
        number=data.number.strip(),
        issuer=(data.issuer or "").strip() or None,
        expires_on=data.expires_on,
        scan_key=scan.key if scan else None,
        scan_content_type=scan.content_type if scan else None,
    )
    db.session.add(certification)
    db.session.flush()
    record_audit(
        actor,
        AuditAction.BUSINESS_CERTIFICATION_ADDED,
        "business",
        business.id,
        None,
        _certificate_record(certification),
    )
    return certification


def update_certification(
    certification: BusinessCertification,
    actor: User,
    data: CertificationData,
    scan: StoredScan | None = None,
    remove_scan: bool = False,
) -> str | None:
    """Returns the scan key that is no longer used, if the scan was replaced or removed."""
    _check_certification(data)
    was = _certificate_record(certification)
    certification.certification_code = data.certification_code
    certification.number = data.number.strip()
    certification.issuer = (data.issuer or "").strip() or None
    certification.expires_on = data.expires_on
    previous = certification.scan_key
    if scan is not None:
        certification.scan_key, certification.scan_content_type = scan.key, scan.content_type
    elif remove_scan:
        certification.scan_key = certification.scan_content_type = None
    db.session.flush()
    before, after = differences(was, _certificate_record(certification))
    if after:
        record_audit(
            actor,
            AuditAction.BUSINESS_CERTIFICATION_CHANGED,
            "business",
            certification.business_id,
            before,
            after,
        )
    return previous if previous != certification.scan_key else None


def delete_certification(certification: BusinessCertification, actor: User) -> str | None:
    """Products stop claiming it too (the link rows cascade). Returns the scan key."""
    key, business_id = certification.scan_key, certification.business_id
    was = _certificate_record(certification)
    db.session.delete(certification)
    db.session.flush()
    record_audit(
        actor, AuditAction.BUSINESS_CERTIFICATION_REMOVED, "business", business_id, was, None
    )
    return key
