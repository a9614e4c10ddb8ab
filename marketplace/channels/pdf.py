"""What printed tag sheets and catalogs share: the document, its embedded font, photos, QRs.

The font (DejaVu Sans, shipped in ``fonts/`` with its licence) is embedded in every PDF, so
Indonesian, German, French and Malay text prints the same on any machine. DejaVu has no Hangul
or Han glyphs and no font that has them can be fetched here: text the font cannot show (a Korean
or Chinese translation) is replaced by the product's English text, and any other stray character
it lacks is left out rather than printed as an empty box.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from flask_babel import force_locale, format_date, get_babel
from flask_babel import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from PIL import Image

from marketplace.channels.content import ProductText, product_text
from marketplace.channels.models import Channel, Nomination
from marketplace.channels.prices import ConvertedPrice, convert_with, format_amount, format_rupiah
from marketplace.channels.qr import qr_png, tag_url
from marketplace.i18n import UI_LOCALES
from marketplace.media.backend import current_storage
from marketplace.media.images import image_key
from marketplace.office.models import ExchangeRate
from marketplace.products.models import Product

FONT = "DejaVu"
PHOTO_SIZE = 800  # the stored variant used for print; enough for 6 cm at 300 dpi
JPEG_QUALITY = 82


def _font_path(name: str) -> Path:
    return Path(str(resources.files("marketplace.channels").joinpath("fonts", name)))


@cache
def _codepoints() -> frozenset[int]:
    """Every character the embedded font can draw (read once per process)."""
    with TTFont(_font_path("DejaVuSans.ttf"), lazy=True) as font:
        return frozenset(font.getBestCmap())


def renderable(text: str) -> bool:
    glyphs = _codepoints()
    return all(ord(ch) in glyphs or ch in "\n\r\t" for ch in text)


def printable(text: str) -> str:
    """`text` without the characters the font cannot draw."""
    glyphs = _codepoints()
    return "".join(ch for ch in text if ord(ch) in glyphs or ch == "\n")


def print_text(product: Product, locale: str) -> ProductText:
    """The product's text in `locale` when translated and printable, otherwise English."""
    text = product_text(product, locale)
    if text.locale != "en" and not renderable(text.name + text.description):
        text = product_text(product, "en")
    return ProductText(printable(text.name), printable(text.description), text.locale)


def label_locale(channel: Channel) -> str:
    """Labels ("Minimum order") are in the channel's language where the interface has a
    translation for it and the embedded font can draw it, otherwise English; numbers and dates
    follow the same language."""
    available = {str(loc) for loc in get_babel().instance.list_translations()} | {"en"}
    if channel.locale not in available or channel.locale not in UI_LOCALES:
        return "en"
    with force_locale(channel.locale):
        sample = _("Minimum order") + _("Lead time")
    return channel.locale if renderable(sample) else "en"


@dataclass(frozen=True)
class PrintedPrice:
    rupiah: str  # "Rp 950,000 / set"
    converted: str | None  # "EUR 52.34"
    rate_date: date | None


def printed_price(product: Product, rate: ExchangeRate | None, locale: str) -> PrintedPrice | None:
    if product.price_idr is None:
        return None
    rupiah = f"{format_rupiah(product.price_idr, locale)} / {product.unit}"
    converted: ConvertedPrice | None = None
    if rate is not None:
        converted = convert_with(product.price_idr, rate)
    if converted is None:
        return PrintedPrice(rupiah, None, None)
    return PrintedPrice(rupiah, format_amount(converted, locale), converted.rate_date)


def rate_note(price: PrintedPrice) -> str:
    """ "≈ EUR 52.34 (rate of 2026-05-01)": a converted figure always says which rate it used."""
    if price.converted is None or price.rate_date is None:
        return ""
    return _(
        "≈ %(amount)s (rate of %(date)s)", amount=price.converted, date=price.rate_date.isoformat()
    )


class Document(FPDF):
    """An A4 page in millimetres with the embedded font; pages break only where we say."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(15, 15, 15)
        self.add_font(FONT, "", _font_path("DejaVuSans.ttf"))
        self.add_font(FONT, "B", _font_path("DejaVuSans-Bold.ttf"))
        self.set_font(FONT, size=10)
        self.set_title(printable(title))
        # Always drawn inside force_locale (see catalog, tag_sheet): the document's language.
        self.set_author(_("Bandung city trade office"))
        self.set_creator(_("Bandung Export Marketplace"))

    def label_width(self, labels: list[str], size: float, least: float, most: float) -> float:
        """The width of a column of bold labels: the widest label, within [least, most] mm
        (German and French labels are longer than English ones)."""
        self.set_font(FONT, "B", size)
        widest = max((self.get_string_width(label) for label in labels), default=0.0)
        return min(max(least, widest + 2), most)

    def text_at(
        self,
        x: float,
        y: float,
        w: float,
        text: str,
        size: float,
        bold: bool = False,
        lines: int = 1,
        line_height: float | None = None,
    ) -> float:
        """Write `text` in a box `w` wide, cut to `lines` lines with an ellipsis; return the y
        below it."""
        self.set_font(FONT, "B" if bold else "", size)
        height = line_height or size * 0.45
        wrapped = self.multi_cell(
            w, height, printable(text), dry_run=True, output=MethodReturnValue.LINES
        )
        kept = list(wrapped)[:lines] if isinstance(wrapped, list) else [printable(text)]
        if isinstance(wrapped, list) and len(wrapped) > lines and kept:
            kept[-1] = self._ellipsize(kept[-1] + " …", w)
        for i, line in enumerate(kept):
            self.set_xy(x, y + i * height)
            self.cell(w, height, self._ellipsize(line, w), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return y + len(kept) * height

    def _ellipsize(self, line: str, w: float) -> str:
        if self.get_string_width(line) <= w:
            return line
        while line and self.get_string_width(line + "…") > w:
            line = line[:-1]
        return line.rstrip() + "…"

    def qr(self, token: str, x: float, y: float, size: float) -> str:
        """Draw the tag's QR code (an embedded PNG) and return the address it encodes."""
        url = tag_url(token)
        self.image(io.BytesIO(qr_png(url)), x=x, y=y, w=size, h=size, alt_text=url)
        return url

    def photo(self, product: Product, x: float, y: float, w: float, h: float) -> bool:
        """The product's cover photo fitted into the box; False (and a frame) when none."""
        data = cover_jpeg(product)
        if data is None:
            self.set_draw_color(200)
            self.rect(x, y, w, h)
            self.set_draw_color(0)
            return False
        with Image.open(io.BytesIO(data)) as image:
            ratio = min(w / image.width, h / image.height)
            pw, ph = image.width * ratio, image.height * ratio
        self.image(io.BytesIO(data), x=x + (w - pw) / 2, y=y + (h - ph) / 2, w=pw, h=ph)
        return True


def cover_jpeg(product: Product) -> bytes | None:
    """The cover photo as a JPEG (what every PDF reader shows), or None when it has none or
    its file is missing."""
    if not product.images:
        return None
    cover = min(product.images, key=lambda image: (image.position, image.id))
    try:
        data = current_storage().open(image_key(cover.digest, PHOTO_SIZE))
    except (FileNotFoundError, ValueError):
        try:
            data = current_storage().open(image_key(cover.digest, 0))
        except (FileNotFoundError, ValueError):
            return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
            return out.getvalue()
    except (OSError, ValueError):
        return None


def dates_text(channel: Channel) -> str | None:
    if channel.starts_on and channel.ends_on and channel.starts_on != channel.ends_on:
        start = format_date(channel.starts_on, "medium")
        return f"{start} – {format_date(channel.ends_on, 'medium')}"
    day = channel.starts_on or channel.ends_on
    return format_date(day, "medium") if day else None


def shelf_nominations(nominations: list[Nomination]) -> list[Nomination]:
    """Accepted nominations that have a token, in shelf-code order (the order tags are cut in)."""
    with_token = [n for n in nominations if n.qr_token]
    return sorted(with_token, key=lambda n: (n.shelf_code or "", n.id))
