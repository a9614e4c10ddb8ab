"""What each side of a buying request is told: a notification in the app and an e-mail through
the outbox, in the recipient's language, with times in their zone."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.businesses.models import Business
from marketplace.dates import format_day
from marketplace.money import format_money
from marketplace.notifications.decisions import path_of
from marketplace.notifications.models import Notification
from marketplace.notifications.notify import locale_of, notify, one_line
from marketplace.rfq.models import BuyingRequest, Quote, QuoteMessage
from marketplace.units import quantity
from marketplace.urls import public_url


def _tell(
    user: User, kind: str, text: Any, endpoint: str, lines: list[str] | None = None, **values: Any
) -> Notification:
    return notify(
        user,
        kind,
        text,
        path_of(endpoint, **values),
        email_template="buying_request",
        news=text,
        lines=lines or [],
        link=public_url(endpoint, **values),
    )


def _amount(request: BuyingRequest, locale: str) -> str:
    with force_locale(locale):
        return quantity(request.quantity, request.unit)


def _terms(request: BuyingRequest, locale: str) -> list[str]:
    """The request's terms as the reader writes them (for the e-mail)."""
    with force_locale(locale):
        lines = [str(_l("Quantity: %(quantity)s", quantity=_amount(request, locale)))]
        if request.target_price is not None:
            price = format_money(request.target_price, request.currency, locale)
            lines.append(str(_l("Target price: %(price)s", price=price)))
        if request.incoterm:
            lines.append(str(_l("Incoterm: %(term)s", term=request.incoterm)))
        lines.append(str(_l("Destination: %(place)s", place=one_line(request.destination))))
        lines.append(str(_l("Quotes until: %(day)s", day=format_day(request.deadline))))
    return lines


def _buyer_city(request: BuyingRequest) -> str:
    profile = request.buyer.buyer_profile
    return one_line(profile.city) if profile is not None else ""


def request_received(request: BuyingRequest, business: Business) -> Notification:
    owner = business.owner
    locale = locale_of(owner)
    city = _buyer_city(request)
    what = one_line(request.title)
    amount = _amount(request, locale)
    text = (
        _l(
            "A buyer in %(city)s is looking for %(quantity)s of %(what)s: you may send a quote.",
            city=city,
            quantity=amount,
            what=what,
        )
        if city
        else _l(
            "A buyer is looking for %(quantity)s of %(what)s: you may send a quote.",
            quantity=amount,
            what=what,
        )
    )
    return _tell(
        owner,
        "buying_request",
        text,
        "request_answers.show",
        _terms(request, locale),
        request_id=request.id,
    )


def request_rejected(request: BuyingRequest) -> Notification:
    text = _l(
        "The trade office did not send out your request “%(what)s”. Reason: %(reason)s",
        what=one_line(request.title),
        reason=one_line(request.status_reason or ""),
    )
    return _tell(
        request.buyer, "buying_request", text, "buying_requests.show", request_id=request.id
    )


def request_withdrawn(quote: Quote) -> Notification:
    text = _l(
        "The buyer withdrew the request “%(what)s” you quoted for.",
        what=one_line(quote.request.title),
    )
    return _tell(
        quote.business.owner,
        "buying_request",
        text,
        "request_answers.show",
        request_id=quote.request_id,
    )


def quote_received(quote: Quote) -> Notification:
    text = _l(
        "%(business)s sent a quote for your request “%(what)s”.",
        business=one_line(quote.business.name),
        what=one_line(quote.request.title),
    )
    return _tell(
        quote.request.buyer,
        "buying_request",
        text,
        "buying_requests.show",
        request_id=quote.request_id,
    )


def question_posted(message: QuoteMessage, *, to_buyer: bool) -> Notification:
    quote = message.quote
    what = one_line(quote.request.title)
    if to_buyer:
        text = _l(
            "%(business)s answered about its quote for “%(what)s”.",
            business=one_line(quote.business.name),
            what=what,
        )
        return _tell(
            quote.request.buyer,
            "buying_request",
            text,
            "buying_requests.show",
            [one_line(message.body)],
            request_id=quote.request_id,
        )
    text = _l("The buyer asked about your quote for “%(what)s”.", what=what)
    return _tell(
        quote.business.owner,
        "buying_request",
        text,
        "request_answers.show",
        [one_line(message.body)],
        request_id=quote.request_id,
    )


def quote_picked(quote: Quote) -> Notification:
    assert quote.interest_id is not None
    text = _l(
        "The buyer picked your quote for “%(what)s”: the conversation is open.",
        what=one_line(quote.request.title),
    )
    return _tell(
        quote.business.owner,
        "buying_request",
        text,
        "interests.thread",
        interest_id=quote.interest_id,
    )


def quote_not_picked(quote: Quote) -> Notification:
    text = _l(
        "The buyer picked another quote for “%(what)s”. Thank you for your offer.",
        what=one_line(quote.request.title),
    )
    return _tell(
        quote.business.owner,
        "buying_request",
        text,
        "request_answers.show",
        request_id=quote.request_id,
    )


def request_closed(request: BuyingRequest, quotes: int) -> Notification:
    what = one_line(request.title)
    text = (
        lazy_ngettext(
            "Quotes for your request “%(what)s” are closed: %(num)d quote to compare.",
            "Quotes for your request “%(what)s” are closed: %(num)d quotes to compare.",
            quotes,
            what=what,
        )
        if quotes
        else _l(
            "Quotes for your request “%(what)s” are closed: no business sent one. You may post "
            "it again with other terms.",
            what=what,
        )
    )
    return _tell(
        request.buyer, "buying_request", text, "buying_requests.show", request_id=request.id
    )
