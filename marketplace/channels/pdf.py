"""What printed tag sheets and catalogs share: the document, its embedded fonts, photos, QRs.

Every word is printed in the channel's language, so the fonts travel inside each PDF and it
prints the same on any machine (files in ``fonts/``, with their licences):

- DejaVu Sans draws Latin, Greek and Cyrillic text: Indonesian, German, French, Malay, English;
- Noto Sans KR draws Hangul and Noto Sans SC draws Han (subsets of Google's builds, see
  `fontbuild`); fpdf2 falls back to them character by character, so a product text that mixes
  scripts ("Angklung 앙클룽 竹") prints whole. Which of the two draws what both have (CJK
  punctuation) follows the channel's language. They are read only by a document that needs
  them: a German catalog costs no more than before.

Text no embedded font can draw is the only exception: a product's translation with a letter
none has (a Han character beyond GB 2312, Thai) is replaced by its English text, and any
other stray character (an emoji) is left out rather than printed as an empty box. fpdf2
subsets every font it embeds, so a tag sheet carries only the glyphs it prints.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from babel import Locale
from flask_babel import force_locale, format_date, get_babel, get_locale
from flask_babel import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from PIL import Image

from marketplace.channels.content import ProductText, product_text
from marketplace.channels.models import Channel, Nomination
from marketplace.channels.qr import qr_png, tag_url
from marketplace.i18n import UI_LOCALES
from marketplace.ledger.models import ExchangeRate
from marketplace.ledger.rates import ConvertedPrice, convert_with
from marketplace.media.backend import current_storage
from marketplace.media.images import image_key
from marketplace.money import format_money, format_rupiah
from marketplace.products.models import Product
from marketplace.units import unit_label

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# The fonts DejaVu falls back to, by family: regular and bold files.
SCRIPT_FONTS = {
    "NotoKR": {"": "NotoSansKR-Regular.ttf", "B": "NotoSansKR-Bold.ttf"},
    "NotoSC": {"": "NotoSansSC-Regular.ttf", "B": "NotoSansSC-Bold.ttf"},
}
# Which fallback draws a character both have, by the document's language.
FALLBACK_ORDER = {"ko": ("NotoKR", "NotoSC")}
DEFAULT_FALLBACK_ORDER = ("NotoSC", "NotoKR")
PHOTO_SIZE = 800  # the stored variant used for print; enough for 6 cm at 300 dpi
JPEG_QUALITY = 82


def _font_path(name: str) -> Path:
    return Path(str(resources.files("marketplace.channels").joinpath("fonts", name)))


@cache
def _codepoints(name: str) -> frozenset[int]:
    """Every character a font file can draw (read once per process)."""
    with TTFont(_font_path(name), lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def _drawable() -> frozenset[int]:
    """Every character some embedded font can draw."""
    names = [FONT_FILES[""], *(files[""] for files in SCRIPT_FONTS.values())]
    return frozenset().union(*(_codepoints(name) for name in names))


def renderable(text: str) -> bool:
    """Whether every letter and digit of `text` can be drawn (a symbol or an emoji that cannot
    is left out by `printable`; a word cannot be)."""
    glyphs = _drawable()
    return all(ord(ch) in glyphs or unicodedata.category(ch)[0] not in "LN" for ch in text)


def printable(text: str) -> str:
    """`text` without the characters no embedded font can draw."""
    glyphs = _drawable()
    return "".join(ch for ch in text if ord(ch) in glyphs or ch == "\n")


def print_text(product: Product, locale: str) -> ProductText:
    """The product's texts in `locale` where translated and printable, otherwise English."""
    text = product_text(product, locale)
    written = text.name + text.description + text.materials + text.story
    if locale != "en" and not renderable(written):
        text = product_text(product, "en")
    return replace(
        text,
        name=printable(text.name),
        description=printable(text.description),
        materials=printable(text.materials),
        story=printable(text.story),
    )


def label_locale(channel: Channel) -> str:
    """Labels ("Minimum order"), numbers and dates are in the channel's language when the
    interface is translated into it (all seven are), otherwise English."""
    available = {str(loc) for loc in get_babel().instance.list_translations()} | {"en"}
    if channel.locale not in available or channel.locale not in UI_LOCALES:
        return "en"
    with force_locale(channel.locale):
        sample = _("Minimum order") + _("Lead time")
    return channel.locale if renderable(sample) else "en"


def country_name(code: str, fallback: str) -> str:
    """The country's name in the document's language ("대한민국", "Deutschland")."""
    return str(Locale.parse(str(get_locale())).territories.get(code.upper(), fallback))


@dataclass(frozen=True)
class PrintedPrice:
    rupiah: str  # "Rp 950,000 / set", "950.000 Rp / Set"
    converted: str | None  # "€52.34", "52,34 €"
    rate_date: date | None


def printed_price(product: Product, rate: ExchangeRate | None, locale: str) -> PrintedPrice | None:
    if product.price_idr is None:
        return None
    rupiah = f"{format_rupiah(product.price_idr, locale)} / {unit_label(product.unit)}"
    converted: ConvertedPrice | None = None
    if rate is not None:
        converted = convert_with(product.price_idr, rate)
    if converted is None:
        return PrintedPrice(rupiah, None, None)
    amount = format_money(converted.amount, converted.currency, locale)
    return PrintedPrice(rupiah, amount, converted.rate_date)


def rate_note(price: PrintedPrice) -> str:
    """ "≈ ₩80,851(2026. 12. 3. 환율 기준)": a converted figure always says which rate it
    used, its date written as the document's language writes dates."""
    if price.converted is None or price.rate_date is None:
        return ""
    return _(
        "≈ %(amount)s (rate of %(date)s)",
        amount=price.converted,
        date=printed_date(price.rate_date),
    )


def printed_date(day: date) -> str:
    """A date as the document's language writes it: "3 Dec 2026", "03.12.2026", "2026. 12. 3."."""
    return format_date(day, "medium")


class Document(FPDF):
    """An A4 page in millimetres with the embedded fonts; pages break only where we say.

    `locale` is the language the document is printed in: it orders the fallback fonts."""

    def __init__(self, title: str, locale: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(15, 15, 15)
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, _font_path(name))
        self.fallback_order = FALLBACK_ORDER.get(locale, DEFAULT_FALLBACK_ORDER)
        self.fallbacks: list[str] = []
        self.set_font(FONT, size=10)
        self.set_title(printable(title))
        # Always drawn inside force_locale (see catalog, tag_sheet): the document's language.
        self.set_author(_("Bandung city trade office"))
        self.set_creator(_("Bandung Export Marketplace"))

    def label_width(self, labels: list[str], size: float, least: float, most: float) -> float:
        """The width of a column of bold labels: the widest label, within [least, most] mm
        (German and French labels are longer than English ones)."""
        self.use_fonts_for("".join(labels))
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
        text = printable(text)
        self.use_fonts_for(text)
        self.set_font(FONT, "B" if bold else "", size)
        height = line_height or size * 0.45
        wrapped = self.multi_cell(w, height, text, dry_run=True, output=MethodReturnValue.LINES)
        kept = list(wrapped)[:lines] if isinstance(wrapped, list) else [text]
        if isinstance(wrapped, list) and len(wrapped) > lines and kept:
            kept[-1] = self._ellipsize(kept[-1] + " …", w)
        for i, line in enumerate(kept):
            self.set_xy(x, y + i * height)
            self.cell(w, height, self._ellipsize(line, w), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return y + len(kept) * height

    def use_fonts_for(self, text: str) -> None:
        """Add the fallback fonts `text` needs that the document has not read yet."""
        missing = {ord(ch) for ch in text} - _codepoints(FONT_FILES[""])
        if not missing:
            return
        added = False
        for family in self.fallback_order:
            files = SCRIPT_FONTS[family]
            if family not in self.fallbacks and missing & _codepoints(files[""]):
                for style, name in files.items():
                    self.add_font(family, style, _font_path(name))
                self.fallbacks.append(family)
                added = True
        if added:
            ordered = [family for family in self.fallback_order if family in self.fallbacks]
            self.set_fallback_fonts(ordered, exact_match=False)

    def table_row(
        self,
        x: float,
        y: float,
        widths: tuple[float, ...],
        cells: list[str],
        bold: bool = False,
        height: float = 6.0,
    ) -> float:
        """One line of a table: each cell cut to its column, a light rule below; the y below."""
        for width, text in zip(widths, cells, strict=True):
            self.text_at(x, y + 1, width - 2, text, 9, bold=bold)
            x += width
        self.set_draw_color(180)
        self.line(x - sum(widths), y + height, x, y + height)
        self.set_draw_color(0)
        return y + height

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
