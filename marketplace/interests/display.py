"""What the interest pages and the product page's call to action show, as template globals:
status and buyer-type words, country and language names, and a buyer's relation to a product."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint
from flask_babel import get_locale

from marketplace.accounts.current import viewer
from marketplace.accounts.forms import BUYER_TYPE_LABELS
from marketplace.accounts.models import BuyerType
from marketplace.db import db
from marketplace.i18n import UI_LOCALES
from marketplace.interests import queries
from marketplace.interests.labels import status_label
from marketplace.interests.models import InterestStatus
from marketplace.products.models import Product


def interest_status(status: InterestStatus | str) -> str:
    return status_label(status)


def buyer_type_label(kind: BuyerType | str) -> str:
    return str(BUYER_TYPE_LABELS.get(BuyerType(kind), kind))


def country_name(code: str) -> str:
    locale = get_locale()
    return str(locale.territories.get(code, code)) if locale else code


def language_name(code: str) -> str:
    return UI_LOCALES.get(code, code)


@dataclass(frozen=True)
class BuyerProductState:
    shortlisted: bool
    open_interest_id: int | None


def buyer_product_state(product: Product) -> BuyerProductState:
    """Whether the signed-in buyer shortlisted the product and has an open conversation on it."""
    person = viewer()
    if person is None:
        return BuyerProductState(False, None)
    entry = db.session.scalar(queries.shortlist_entry(person.id, product.id))
    interest = db.session.scalar(queries.open_interest(person.id, product.id))
    return BuyerProductState(entry is not None, interest.id if interest else None)


def register_globals(bp: Blueprint) -> None:
    for function in (
        interest_status,
        buyer_type_label,
        country_name,
        language_name,
        buyer_product_state,
    ):
        bp.add_app_template_global(function)
