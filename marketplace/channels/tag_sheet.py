"""The printable A4 sheet of QR shelf tags for a channel's accepted products.

Twelve tags of 60 x 60 mm per page (three across, four down), each with a QR code of the
product's permanent short address, its shelf or booth code, its name in the channel's language,
the MSME, and its price in rupiah and, when the office has set a rate, in the channel's currency
with the rate's date. Grey dashed lines show where to cut.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.channels.models import Channel, Nomination
from marketplace.channels.pdf import (
    Document,
    label_locale,
    print_text,
    printed_date,
    printed_price,
    rate_note,
    shelf_nominations,
)
from marketplace.ledger.models import ExchangeRate

TAG = 60.0  # mm, square
COLUMNS, ROWS = 3, 4
TAGS_PER_PAGE = COLUMNS * ROWS
LEFT = (210 - COLUMNS * TAG) / 2
TOP = 32.0
PAD = 3.0
QR_SIZE = 27.0


def tag_sheet(
    channel: Channel, nominations: list[Nomination], rate: ExchangeRate | None, today: date
) -> bytes:
    """One page per twelve tags; a single page saying so when nothing is accepted yet."""
    locale = label_locale(channel)
    with force_locale(locale):
        doc = Document(_("Shelf tags: %(channel)s", channel=channel.name), locale)
        items = shelf_nominations(nominations)
        if not items:
            doc.add_page()
            _header(doc, channel, today)
            doc.text_at(LEFT, TOP, 180, _("No product has been accepted yet."), 11)
        for index, nomination in enumerate(items):
            if index % TAGS_PER_PAGE == 0:
                doc.add_page()
                _header(doc, channel, today)
            slot = index % TAGS_PER_PAGE
            x = LEFT + (slot % COLUMNS) * TAG
            y = TOP + (slot // COLUMNS) * TAG
            _tag(doc, channel, nomination, rate, locale, x, y)
        return bytes(doc.output())


def _header(doc: Document, channel: Channel, today: date) -> None:
    doc.text_at(LEFT, 12, 180, channel.name, 13, bold=True)
    doc.text_at(
        LEFT,
        19,
        180,
        _(
            "Shelf tags printed on %(date)s. Cut along the grey lines. Each code opens the "
            "product's page and counts the scan for this channel.",
            date=printed_date(today),
        ),
        7.5,
        lines=2,
    )


def _tag(
    doc: Document,
    channel: Channel,
    nomination: Nomination,
    rate: ExchangeRate | None,
    locale: str,
    x: float,
    y: float,
) -> None:
    assert nomination.qr_token is not None
    product = nomination.product

    doc.set_draw_color(160)
    doc.set_dash_pattern(dash=1.2, gap=1.2)
    doc.rect(x, y, TAG, TAG)
    doc.set_dash_pattern()
    doc.set_draw_color(0)

    url = doc.qr(nomination.qr_token, x + PAD, y + PAD, QR_SIZE)
    right = x + PAD + QR_SIZE + 2
    width = TAG - (right - x) - PAD
    below = doc.text_at(right, y + PAD + 1, width, nomination.shelf_code or "", 13, bold=True)
    below = doc.text_at(right, below + 1, width, channel.name, 6.5, lines=2)
    doc.text_at(right, below + 1, width, _("Scan for details and to ask the maker."), 6, lines=3)

    text = print_text(product, channel.locale)
    inner = TAG - 2 * PAD
    cursor = y + PAD + QR_SIZE + 1.5
    cursor = doc.text_at(x + PAD, cursor, inner, text.name, 8, bold=True, lines=2, line_height=3.5)
    cursor = doc.text_at(x + PAD, cursor + 0.3, inner, product.business.name, 6.5)
    price = printed_price(product, rate, locale)
    if price is not None:
        cursor = doc.text_at(x + PAD, cursor + 0.6, inner, price.rupiah, 8.5, bold=True)
        if price.converted:
            cursor = doc.text_at(x + PAD, cursor + 0.2, inner, rate_note(price), 6.5)
    short = url.split("://", 1)[-1]
    doc.text_at(x + PAD, y + TAG - PAD - 2.6, inner, short, 5.5)
