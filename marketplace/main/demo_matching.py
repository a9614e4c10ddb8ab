"""The demo's business-matching event behind `flask seed-demo`: the Petaling Jaya creative-economy
exchange's matching days, three weeks ahead, in Kuala Lumpur's time with 20-minute meetings,
open for registration; the demo buyer and two demo MSMEs registered, one meeting accepted and
one request waiting for the MSME's answer.

Like the line-ups, the rows are made as the services would leave them but without audit
entries or mail (nobody did anything in this application), and only when no event of this
name exists: a second run, or an event the office renamed or changed, is left alone.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.businesses.models import Business, BusinessStatus
from marketplace.db import db
from marketplace.matching.models import (
    EventStatus,
    MatchingBooking,
    MatchingEvent,
    MatchingMeeting,
    MatchingParticipant,
    MeetingStatus,
    Side,
)
from marketplace.matching.slots import event_slots
from marketplace.periods import bandung_today
from marketplace.reference.models import PartnerCity, Subsector

EVENT_NAME = "Petaling Jaya creative-economy business matching"
OFFICER = "officer@demo.example"
BUYER = "buyer@demo.example"
# The MSMEs registered, with what they offer and seek.
MSMES = (
    (
        "batik@demo.example",
        "Hand-drawn and stamped batik: scarves, shirts and fabric by the metre.",
        "Boutiques and distributors in Malaysia; a partner for halal-certified packaging.",
        ["fesyen"],
    ),
    (
        "bamboo@demo.example",
        "Bamboo lamps and angklung sets, made to order in Bandung.",
        "Interior shops and hotels in the Klang Valley.",
        ["kriya", "desain-produk"],
    ),
)


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _subsectors(codes: list[str]) -> list[Subsector]:
    return list(db.session.scalars(sa.select(Subsector).where(Subsector.code.in_(codes))))


def create_demo_matching() -> int:
    """Create the demo's matching event; 1 when it was created, 0 when it was there already."""
    if db.session.scalar(sa.select(MatchingEvent.id).where(MatchingEvent.name == EVENT_NAME)):
        return 0
    officer = _user(OFFICER)
    city = db.session.scalar(sa.select(PartnerCity).where(PartnerCity.name == "Petaling Jaya"))
    first = bandung_today() + timedelta(days=21)
    event = MatchingEvent(
        name=EVENT_NAME,
        partner_city=city,
        description=(
            "Two days of short meetings between Bandung's creative MSMEs and Malaysian buyers, "
            "under the Bandung-Petaling Jaya sister-city cooperation."
        ),
        starts_on=first,
        ends_on=first + timedelta(days=1),
        timezone="Asia/Kuala_Lumpur",
        online=False,
        place="Petaling Jaya City Council auditorium, Jalan Yong Shook Lin, Petaling Jaya",
        meeting_minutes=20,
        windows="10:00-12:00,14:00-16:00",
        status=EventStatus.OPEN,
        created_by_id=officer.id if officer else None,
    )
    db.session.add(event)
    buyer_user = _user(BUYER)
    buyer = None
    if buyer_user is not None and buyer_user.buyer_profile is not None:
        buyer = MatchingParticipant(
            event=event,
            user=buyer_user,
            side=Side.BUYER,
            seek="Batik, bamboo crafts and coffee for our shops; we also buy for Malaysia.",
            subsectors=_subsectors(["fesyen", "kriya", "kuliner"]),
        )
        db.session.add(buyer)
    msmes = []
    for email, offer, seek, codes in MSMES:
        owner = _user(email)
        business = (
            db.session.scalar(
                sa.select(Business).where(
                    Business.owner_id == owner.id, Business.status == BusinessStatus.VERIFIED
                )
            )
            if owner
            else None
        )
        if owner is None or business is None:
            continue
        msme = MatchingParticipant(
            event=event,
            user=owner,
            side=Side.MSME,
            business=business,
            offer=offer,
            seek=seek,
            subsectors=_subsectors(codes),
        )
        db.session.add(msme)
        msmes.append(msme)
    db.session.flush()
    if buyer is not None:
        slots = event_slots(event)
        for msme, slot, status in zip(
            msmes, slots, (MeetingStatus.ACCEPTED, MeetingStatus.REQUESTED), strict=False
        ):
            meeting = MatchingMeeting(
                event=event,
                msme=msme,
                buyer=buyer,
                requested_by=Side.BUYER,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                status=status,
                note="We would like to talk about an order for the new year.",
            )
            meeting.bookings = [
                MatchingBooking(participant_id=party.id, starts_at=slot.starts_at)
                for party in (msme, buyer)
            ]
            db.session.add(meeting)
    db.session.flush()
    return 1
