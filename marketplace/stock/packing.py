"""The packing list of a shipment: one A4 document that travels with the boxes, naming the
sender, the channel it goes to, and each product with its HS code, shelf code, unit weight and
the pieces packed, with lines to sign on packing and on arrival.

Printed in the language of the person who prints it, with the embedded fonts of the channels'
PDFs; products are named as the MSME listed them (the name customs and the label carry).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.channels.pdf import Document, printed_date
from marketplace.stock.models import Shipment
from marketplace.units import quantity

LEFT = 15.0
WIDTH = 180.0
LAST_ROW_Y = 250.0
# Columns: number, product, HS code, shelf code, weight per piece, pieces (mm).
COLUMNS = (8.0, 82.0, 22.0, 22.0, 20.0, 26.0)


def packing_list(shipment: Shipment, locale: str) -> bytes:
    with force_locale(locale):
        title = _("Packing list %(reference)s", reference=shipment.reference)
        doc = Document(title, locale)
        doc.add_page()
        y = _head(doc, shipment, title)
        header = ["#", _("Product"), _("HS code"), _("Shelf code"), _("Weight"), _("Pieces")]
        y = doc.table_row(LEFT, y, COLUMNS, header, bold=True)
        total = 0
        for number, movement in enumerate(shipment.movements, start=1):
            if y > LAST_ROW_Y:
                doc.add_page()
                y = doc.table_row(LEFT, 15.0, COLUMNS, header, bold=True)
            product = movement.nomination.product
            weight = f"{product.weight_grams} g" if product.weight_grams else "–"
            y = doc.table_row(
                LEFT,
                y,
                COLUMNS,
                [
                    str(number),
                    product.name,
                    product.hs_code or "–",
                    movement.nomination.shelf_code or "–",
                    weight,
                    quantity(movement.quantity, product.unit),
                ],
            )
            total += movement.quantity
        y = doc.text_at(LEFT, y + 3, WIDTH, _("Pieces in all: %(n)s", n=total), 10, bold=True)
        if shipment.note:
            y = doc.text_at(LEFT, y + 3, WIDTH, shipment.note, 9, lines=6)
        _signatures(doc, max(y + 12, 255.0))
        return bytes(doc.output())


def _head(doc: Document, shipment: Shipment, title: str) -> float:
    business, channel = shipment.business, shipment.channel
    y = doc.text_at(LEFT, 15, WIDTH, title, 15, bold=True)
    y = doc.text_at(
        LEFT, y + 2, WIDTH, _("Shipped on %(date)s", date=printed_date(shipment.shipped_on)), 10
    )
    y += 4
    half = WIDTH / 2 - 4
    top = y
    left = doc.text_at(LEFT, top, half, _("Sender"), 8, bold=True)
    left = doc.text_at(LEFT, left + 1, half, business.name, 10, bold=True)
    for line in (business.address, business.district, business.nib and f"NIB {business.nib}"):
        if line:
            left = doc.text_at(LEFT, left + 0.5, half, line, 9, lines=2)
    right = doc.text_at(LEFT + half + 8, top, half, _("Consignee"), 8, bold=True)
    right = doc.text_at(LEFT + half + 8, right + 1, half, channel.name, 10, bold=True)
    right = doc.text_at(LEFT + half + 8, right + 0.5, half, channel.place, 9, lines=2)
    return max(left, right) + 8


def _signatures(doc: Document, y: float) -> None:
    half = WIDTH / 2 - 4
    for x, label in (
        (LEFT, _("Packed by (name, date, signature)")),
        (LEFT + half + 8, _("Received by (name, date, signature)")),
    ):
        doc.line(x, y + 12, x + half, y + 12)
        doc.text_at(x, y + 13, half, label, 8)
