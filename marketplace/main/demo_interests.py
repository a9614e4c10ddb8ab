"""The demo's conversations behind `flask seed-demo`: the demo buyer's interests in products of
the bamboo and batik MSMEs, some answered within hours, one answered days later, and one left
unanswered for a week, which the reminders passed to the office's queue of unanswered interests.

So the running demo shows an MSME's reply figures on its dashboard and an item in the office's
queue. Like the line-ups, the rows are made as the services would leave them but without
notifications or mail (nobody did anything in this application), and only for a buyer without
any interest yet: a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.db import db
from marketplace.interests.escalations import open_escalation
from marketplace.interests.models import Interest, InterestStatus, Message
from marketplace.interests.reminders import ESCALATE_AFTER, REMIND_AFTER
from marketplace.products.models import Product


@dataclass(frozen=True)
class DemoInterest:
    product: str
    days_ago: int
    quantity: int
    message: str
    reply: str | None = None
    reply_after: timedelta | None = None


INTERESTS = (
    DemoInterest(
        "Woven bamboo storage basket with lid",
        40,
        200,
        "Could you make these baskets in two sizes for our home store in Braunschweig?",
        "Yes, we can weave them at 30 and 40 cm. I will send photos of both tomorrow.",
        timedelta(hours=3),
    ),
    DemoInterest(
        "Bamboo pendant lamp “Lengkung”",
        25,
        40,
        "Is the lamp certified for the EU (CE marking) and how is it packed?",
        "The fitting is CE marked; each lamp is packed flat in a carton with the shade apart.",
        timedelta(hours=9),
    ),
    DemoInterest(
        "Angklung diatonic set, 8 notes (C major)",
        8,
        12,
        "We would like 12 sets for a music school. What is your lead time?",
    ),
    DemoInterest(
        "Hand-drawn batik silk scarf “Merak Ngibing”",
        30,
        30,
        "Do you have the scarf in blue as well?",
        "Sorry for the late answer: we can dye the next batch in indigo.",
        timedelta(days=3),
    ),
)


def create_demo_interests(buyer: User, now: datetime) -> int:
    """The buyer's demo conversations; how many were made (0 once the buyer has any)."""
    if db.session.scalar(sa.select(Interest.id).where(Interest.buyer_id == buyer.id).limit(1)):
        return 0
    made = 0
    for spec in INTERESTS:
        product = db.session.scalar(sa.select(Product).where(Product.name == spec.product))
        if product is None:
            continue
        sent = now - timedelta(days=spec.days_ago)
        interest = Interest(
            buyer=buyer,
            product=product,
            quantity=spec.quantity,
            unit=product.unit,
            message=spec.message,
            status=InterestStatus.NEW,
            created_at=sent,
            buyer_read_at=sent,
        )
        db.session.add(interest)
        db.session.flush()
        if spec.reply is not None and spec.reply_after is not None:
            replied = sent + spec.reply_after
            db.session.add(
                Message(
                    interest=interest,
                    sender_id=product.business.owner_id,
                    body=spec.reply,
                    created_at=replied,
                )
            )
            interest.status = InterestStatus.REPLIED
            interest.first_reply_at = interest.owner_read_at = replied
        else:
            interest.reminder_sent_at = sent + REMIND_AFTER
            interest.escalated_at = sent + ESCALATE_AFTER
            open_escalation(interest, interest.escalated_at)
        made += 1
    db.session.flush()
    return made
