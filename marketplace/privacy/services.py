"""Personal data of buyers and of visitors met at a stand: what we hold of them, as a download,
and its deletion at their request.

Deletion removes the person, not the records others keep: a deleted buyer's account row stays,
anonymised (no name, address, company or city; status "deleted"; no way to log in), so the
MSMEs' conversations and deals and the office's figures still add up; the buyer's country and
partner city stay for those figures, which are anonymous. A visitor's details are removed the
same way (`erased_at`); the interest the MSME received stays. Adds and flushes; the caller
commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts import tokens
from marketplace.accounts.models import Role, User, UserStatus
from marketplace.accounts.passwords import unusable_password, verify_password
from marketplace.accounts.services import normalise_email
from marketplace.db import db, utcnow
from marketplace.errors import ServiceError
from marketplace.interests.models import Interest, ShortlistEntry, StandVisitor
from marketplace.interests.stand_leads import VISITOR_DATA
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.mail.models import OutboxEmail
from marketplace.matching import services as matching
from marketplace.matching.models import HOLDING, MatchingMeeting, MatchingParticipant
from marketplace.notifications.models import Notification
from marketplace.rfq import services as rfq
from marketplace.rfq.models import BuyingRequest, RequestStatus
from marketplace.tokens.models import ApiToken

VISITOR_LINK_DAYS = 730
# A visitor's details are kept at most this long after the lead was taken (`purge_visitors`).
VISITOR_KEEP_DAYS = 730


class PrivacyError(ServiceError):
    pass


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _interest(interest: Interest) -> dict[str, Any]:
    return {
        "product": interest.product.name,
        "business": interest.product.business.name,
        "channel": interest.channel.name if interest.channel else None,
        "status": interest.status.value,
        "quantity": interest.quantity,
        "unit": interest.unit,
        "target_price": str(interest.target_price) if interest.target_price else None,
        "currency": interest.currency,
        "incoterm": interest.incoterm,
        "destination": interest.destination,
        "message": interest.message,
        "sent_at": _when(interest.created_at),
        "messages": [
            {
                "from": "you" if m.sender_id == interest.buyer_id else "the business",
                "body": m.body,
                "sent_at": _when(m.created_at),
            }
            for m in interest.messages
        ],
    }


def _buying_request(request: BuyingRequest) -> dict[str, Any]:
    return {
        "what": request.title,
        "details": request.details,
        "category": request.subsector_code,
        "hs_code": request.hs_code,
        "quantity": request.quantity,
        "unit": request.unit,
        "target_price": str(request.target_price) if request.target_price else None,
        "currency": request.currency,
        "incoterm": request.incoterm,
        "destination": request.destination,
        "certifications": [c.code for c in request.certifications],
        "quotes_until": request.deadline.isoformat(),
        "status": request.status.value,
        "posted_at": _when(request.created_at),
        "quotes": [
            {
                "business": quote.business.name,
                "product": quote.product.name,
                "price_per_unit_idr": quote.unit_price_idr,
                "minimum_order": quote.moq,
                "lead_time_days": quote.lead_time_days,
                "message": quote.message,
                "status": quote.status.value,
                "questions": [
                    {
                        "from": "you" if m.sender_id == request.buyer_id else "the business",
                        "body": m.body,
                        "sent_at": _when(m.created_at),
                    }
                    for m in quote.questions
                ],
            }
            for quote in request.quotes
        ],
    }


def _registration(participant: MatchingParticipant) -> dict[str, Any]:
    meetings = db.session.scalars(
        sa.select(MatchingMeeting)
        .where(MatchingMeeting.buyer_id == participant.id)
        .order_by(MatchingMeeting.starts_at)
    )
    return {
        "event": participant.event.name,
        "offer": participant.offer,
        "seek": participant.seek,
        "registered_at": _when(participant.created_at),
        "meetings": [
            {
                "with": meeting.msme.business.name if meeting.msme.business else "",
                "starts_at": _when(meeting.starts_at),
                "ends_at": _when(meeting.ends_at),
                "status": meeting.status.value,
                "note": meeting.note,
            }
            for meeting in meetings
        ],
    }


def _registrations(user: User) -> list[MatchingParticipant]:
    return list(
        db.session.scalars(
            sa.select(MatchingParticipant)
            .where(MatchingParticipant.user_id == user.id)
            .order_by(MatchingParticipant.id)
        )
    )


def _requests(user: User) -> list[BuyingRequest]:
    return list(
        db.session.scalars(
            sa.select(BuyingRequest)
            .where(BuyingRequest.buyer_id == user.id)
            .order_by(BuyingRequest.id)
        )
    )


def buyer_data(user: User) -> dict[str, Any]:
    """Everything the marketplace holds of a buyer, as they would read it."""
    profile = user.buyer_profile
    interests = db.session.scalars(
        sa.select(Interest).where(Interest.buyer_id == user.id).order_by(Interest.id)
    )
    shortlist = db.session.scalars(
        sa.select(ShortlistEntry).where(ShortlistEntry.user_id == user.id)
    )
    notifications = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    api_tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    return {
        "account": {
            "name": user.name,
            "email": user.email,
            "language": user.locale,
            "time_zone": user.timezone,
            "email_verified_at": _when(user.email_verified_at),
            "created_at": _when(user.created_at),
            "last_login_at": _when(user.last_login_at),
        },
        "buyer_profile": None
        if profile is None
        else {
            "company": profile.company,
            "buyer_type": profile.buyer_type.value,
            "city": profile.city,
            "country": profile.country_code,
            "partner_city": profile.partner_city.name if profile.partner_city else None,
            "preferred_currency": profile.preferred_currency,
            "subsectors": [s.code for s in profile.subsectors],
        },
        "interests": [_interest(interest) for interest in interests],
        "shortlist": [entry.product.name for entry in shortlist],
        "buying_requests": [_buying_request(request) for request in _requests(user)],
        "business_matching": [_registration(p) for p in _registrations(user)],
        "notifications": [
            {"text": n.text, "at": _when(n.created_at), "read_at": _when(n.read_at)}
            for n in notifications
        ],
        # The tokens' names and dates; their secrets are kept by nobody (only a fingerprint).
        "api_tokens": [
            {
                "name": token.name,
                "scope": token.scope.value,
                "created_at": _when(token.created_at),
                "expires_at": _when(token.expires_at),
                "last_used_at": _when(token.last_used_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in api_tokens
        ],
    }


def delete_buyer(user: User, confirmation: str) -> None:
    """The buyer's own deletion, confirmed by their password (or, for an account opened by a
    mailed link that has none, by typing their e-mail address)."""
    if user.role != Role.BUYER or user.status == UserStatus.DELETED:
        raise PrivacyError(_l("Only a buyer's account can be deleted here."))
    if user.has_password:
        if not verify_password(user.password_hash, confirmation):
            raise PrivacyError(_l("The password is not right; the account is not deleted."))
    elif normalise_email(confirmation) != user.email:
        raise PrivacyError(_l("Type your e-mail address to confirm; the account is not deleted."))
    _withdraw_what_is_pending(user)
    address = user.email
    user.name = f"Deleted account {user.id}"
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.password_hash = unusable_password()
    user.status = UserStatus.DELETED
    user.status_reason = None
    user.email_verified_at = None
    user.timezone = None
    user.last_login_at = None
    user.end_all_sessions()
    profile = user.buyer_profile
    if profile is not None:
        # The country and partner city stay: the office's figures count by them, anonymously.
        profile.company = "—"
        profile.city = "—"
        profile.preferred_currency = None
        profile.subsectors.clear()
    db.session.execute(sa.delete(ShortlistEntry).where(ShortlistEntry.user_id == user.id))
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(sa.delete(OutboxEmail).where(OutboxEmail.to_address == address))
    db.session.flush()
    record_audit(user, AuditAction.USER_DELETED, "user", user.id)


def _withdraw_what_is_pending(user: User) -> None:
    """Before a buyer goes: their open buying requests are withdrawn and their meetings still to
    come are cancelled (the MSMEs are told); what they wrote about themselves for an event is
    removed, and a registration without any meeting goes entirely."""
    for request in _requests(user):
        if request.status in (RequestStatus.SCREENING, RequestStatus.OPEN):
            rfq.withdraw(request, user)
    now = utcnow()
    for participant in _registrations(user):
        meetings = list(
            db.session.scalars(
                sa.select(MatchingMeeting).where(MatchingMeeting.buyer_id == participant.id)
            )
        )
        for meeting in meetings:
            if meeting.status in HOLDING and meeting.starts_at > now:
                matching.cancel_meeting(meeting, participant)
        if meetings:
            participant.offer = participant.seek = ""
            participant.subsectors.clear()
        else:
            db.session.delete(participant)
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Visitors met at a stand: reached by the link in their confirmation mail


def visitor_by_token(token: str) -> StandVisitor:
    payload = tokens.read_signed(VISITOR_DATA, token, VISITOR_LINK_DAYS * 86400)
    visitor = db.session.get(StandVisitor, payload.get("v"))
    if visitor is None or payload.get("k") != tokens.digest(visitor.client_key):
        raise tokens.TokenInvalidError()
    return visitor


def visitor_data(visitor: StandVisitor) -> dict[str, Any]:
    interest = db.session.scalar(sa.select(Interest).where(Interest.visitor_id == visitor.id))
    return {
        "name": visitor.name,
        "email": visitor.email,
        "whatsapp": visitor.whatsapp,
        "country": visitor.country_code,
        "language": visitor.locale,
        "consent": visitor.consent_text,
        "consented_at": _when(visitor.consented_at),
        "erased_at": _when(visitor.erased_at),
        "interest": None
        if interest is None
        else {
            "product": interest.product.name,
            "business": interest.product.business.name,
            "channel": interest.channel.name if interest.channel else None,
            "quantity": interest.quantity,
            "note": interest.message,
        },
    }


def erase_visitor(visitor: StandVisitor) -> None:
    """The visitor's name, contact and consent go; the country and language stay for the
    anonymous figures, and the MSME keeps the interest (without anyone to contact)."""
    if visitor.erased_at is not None:
        return
    visitor.name = "—"
    visitor.email = None
    visitor.whatsapp = None
    visitor.consent_text = ""
    visitor.erased_at = utcnow()
    db.session.flush()
    record_audit(None, AuditAction.VISITOR_ERASED, "interest", _interest_id(visitor))


def _interest_id(visitor: StandVisitor) -> int | None:
    return db.session.scalar(sa.select(Interest.id).where(Interest.visitor_id == visitor.id))


def purge_visitors(before: datetime) -> int:
    """Erase the details of visitors whose lead was taken before `before`; how many."""
    visitors = db.session.scalars(
        sa.select(StandVisitor).where(
            StandVisitor.erased_at.is_(None), StandVisitor.created_at < before
        )
    ).all()
    for visitor in visitors:
        erase_visitor(visitor)
    return len(visitors)
