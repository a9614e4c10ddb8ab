"""Helpers for channel tests: nominating and accepting through the curation services, and the
office's calendar. The channels and products themselves come from `tests.factories`."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.accounts.models import User
from marketplace.channels import curation
from marketplace.channels.models import (
    Channel,
    Nomination,
)
from marketplace.periods import bandung_today
from marketplace.products.models import Product

# A browser that asks for English: without one, a channel's page speaks the channel's language.
ENGLISH = {"Accept-Language": "en"}


def nominate_all(products: list[Product], channel: Channel) -> list[Nomination]:
    return [curation.nominate(p, p.business.owner, channel, "For the fair.") for p in products]


def accept(officer: User, nomination: Nomination, reason: str = "Fits the fair.") -> Nomination:
    return curation.decide_nomination(nomination, officer, True, reason)


def yesterday() -> date:
    return bandung_today() - timedelta(days=1)
