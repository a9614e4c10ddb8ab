"""A channel's printable catalog: a cover, then one entry per accepted product, two to a page.

Built from the same line-up query as the channel's page. Each entry has the cover photo, the
product's text in the channel's language where a translation exists (otherwise English, see
`pdf.print_text`), the export facts a buyer asks first, and the QR code of the product's
permanent short address, so a visitor leafing through it at a fair can scan and ask.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale, format_decimal, ngettext
from flask_babel import gettext as _

from marketplace.channels.content import ProductText
from marketplace.channels.models import Channel, ChannelKind, Nomination
from marketplace.channels.pdf import (
    Document,
    country_name,
    dates_text,
    label_locale,
    print_text,
    printable,
    printed_date,
    printed_price,
    rate_note,
    shelf_nominations,
)
from marketplace.i18n import CONTENT_LOCALES
from marketplace.ledger.models import ExchangeRate
from marketplace.products.models import Product
from marketplace.units import quantity

LEFT = 15.0
WIDTH = 180.0
ENTRY_HEIGHT = 128.0
ENTRY_TOPS = (18.0, 18.0 + ENTRY_HEIGHT + 8)
ENTRIES_PER_PAGE = len(ENTRY_TOPS)
PHOTO_W, PHOTO_H = 62.0, 50.0
QR_SIZE = 32.0


def kind_label(kind: ChannelKind) -> str:
    return {
        ChannelKind.SHOWROOM: _("Showroom"),
        ChannelKind.TRADE_FAIR: _("Trade fair"),
        ChannelKind.FESTIVAL: _("Festival"),
        ChannelKind.EXCHANGE: _("Business exchange"),
    }[kind]


def catalog_pdf(
    channel: Channel, nominations: list[Nomination], rate: ExchangeRate | None, today: date
) -> bytes:
    locale = label_locale(channel)
    with force_locale(locale):
        doc = Document(_("Catalog: %(channel)s", channel=channel.name), locale)
        items = shelf_nominations(nominations)
        _cover(doc, channel, len(items), today)
        for index, nomination in enumerate(items):
            if index % ENTRIES_PER_PAGE == 0:
                doc.add_page()
                _footer(doc, channel)
            top = ENTRY_TOPS[index % ENTRIES_PER_PAGE]
            _entry(doc, channel, nomination, rate, locale, top)
        return bytes(doc.output())


def _cover(doc: Document, channel: Channel, count: int, today: date) -> None:
    doc.add_page()
    y = doc.text_at(LEFT, 40, WIDTH, _("Creative products from Bandung, Indonesia"), 12)
    y = doc.text_at(LEFT, y + 4, WIDTH, channel.name, 26, bold=True, lines=3, line_height=11)
    where = channel.place  # "Hongdae, Seoul": each name once
    y = doc.text_at(LEFT, y + 4, WIDTH, f"{kind_label(channel.kind)} · {where}", 12, lines=2)
    when = dates_text(channel)
    if when:
        y = doc.text_at(LEFT, y + 1, WIDTH, when, 12)
    city = channel.partner_city
    if city is not None:
        country = country_name(city.country_code, city.country)
        if city.since_year:
            tie = _(
                "Bandung and %(city)s (%(country)s): sister cities since %(year)s",
                city=city.name,
                country=country,
                year=city.since_year,
            )
        else:
            tie = _(
                "Bandung and %(city)s (%(country)s): sister cities",
                city=city.name,
                country=country,
            )
        y = doc.text_at(LEFT, y + 6, WIDTH, tie, 12, bold=True, lines=2)
    if channel.description:
        y = doc.text_at(LEFT, y + 6, WIDTH, channel.description, 11, lines=12, line_height=5.6)
    language = CONTENT_LOCALES.get(channel.locale, channel.locale)
    notes = [
        ngettext("%(num)d product in this catalog.", "%(num)d products in this catalog.", count),
        _(
            "Product texts are in %(language)s where the maker has translated them, "
            "otherwise in English.",
            language=language,
        ),
        _("Scan a product's code to see it online and to ask its maker."),
        _("Printed on %(date)s by the Bandung city trade office.", date=printed_date(today)),
    ]
    y = max(y + 10, 200)
    for note in notes:
        y = doc.text_at(LEFT, y, WIDTH, note, 10, lines=2, line_height=5) + 1.5


def _footer(doc: Document, channel: Channel) -> None:
    doc.set_text_color(110)
    doc.text_at(LEFT, 285, WIDTH, f"{channel.name} · {doc.page_no()}", 7.5)
    doc.set_text_color(0)


def _facts(product: Product, text: ProductText, price_lines: list[str]) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    if price_lines:
        facts.append((_("Price"), price_lines[0]))
        facts.extend(("", line) for line in price_lines[1:])
    if product.moq:
        facts.append((_("Minimum order"), quantity(product.moq, product.unit)))
    if product.lead_time_days is not None:
        facts.append(
            (_("Lead time"), ngettext("%(num)d day", "%(num)d days", product.lead_time_days))
        )
    if product.monthly_capacity:
        amount = quantity(product.monthly_capacity, product.unit)
        facts.append((_("Capacity"), _("%(quantity)s a month", quantity=amount)))
    if product.hs_code:
        facts.append((_("HS code"), product.hs_code))
    if text.materials:
        facts.append((_("Materials"), text.materials))
    if product.dimensions:
        facts.append((_("Size"), product.dimensions))
    if product.weight_grams:
        facts.append((_("Weight"), f"{format_decimal(product.weight_grams)} g"))
    certificates = sorted({c.certification.name for c in product.certifications})
    if certificates:
        facts.append((_("Certified"), ", ".join(certificates)))
    return facts


def _entry(
    doc: Document,
    channel: Channel,
    nomination: Nomination,
    rate: ExchangeRate | None,
    locale: str,
    top: float,
) -> None:
    assert nomination.qr_token is not None
    product = nomination.product
    text = print_text(product, channel.locale)

    doc.set_draw_color(210)
    doc.line(LEFT, top - 4, LEFT + WIDTH, top - 4)
    doc.set_draw_color(0)
    doc.photo(product, LEFT, top, PHOTO_W, PHOTO_H)
    qr_top = top + PHOTO_H + 6
    url = doc.qr(nomination.qr_token, LEFT + (PHOTO_W - QR_SIZE) / 2, qr_top, QR_SIZE)
    doc.text_at(LEFT, qr_top + QR_SIZE + 1, PHOTO_W, url.split("://", 1)[-1], 7)
    if nomination.shelf_code:
        code = _("Shelf or booth %(code)s", code=nomination.shelf_code)
        doc.text_at(LEFT, qr_top + QR_SIZE + 5, PHOTO_W, code, 8, bold=True)

    x = LEFT + PHOTO_W + 8
    w = WIDTH - PHOTO_W - 8
    y = doc.text_at(x, top, w, text.name, 13, bold=True, lines=2, line_height=6)
    y = doc.text_at(x, y + 1, w, product.business.name, 9.5)
    y = doc.text_at(x, y + 2, w, text.description, 9, lines=9, line_height=4.3)

    price = printed_price(product, rate, locale)
    lines = []
    if price is not None:
        lines = [price.rupiah] + ([rate_note(price)] if price.converted else [])
    y += 3
    facts = _facts(product, text, lines)
    label_w = doc.label_width([label for label, _value in facts], 8, least=30.0, most=w * 0.45)
    for label, value in facts:
        if y > top + ENTRY_HEIGHT - 4:
            break
        doc.text_at(x, y, label_w, label, 8, bold=True)
        y = doc.text_at(x + label_w, y, w - label_w, printable(value), 8, line_height=4.2)
