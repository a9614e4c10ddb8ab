"""Reference facts seeded from the city's data: creative-economy subsectors, certifications and
the partner (sister) cities with their country, currency, language and time zone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, intpk

if TYPE_CHECKING:
    from marketplace.channels.models import Channel

# The subsectors' names in the partner cities' languages: the list is fixed by law, so its words
# live in the catalogs beside the interface's (the data file holds English and Indonesian).
SUBSECTOR_NAMES: dict[str, LazyString] = {
    "kriya": _l("Crafts"),
    "fesyen": _l("Fashion"),
    "kuliner": _l("Culinary"),
    "desain-produk": _l("Product design"),
    "seni-rupa": _l("Fine arts"),
    "penerbitan": _l("Publishing"),
    "musik": _l("Music"),
    "fotografi": _l("Photography"),
    "desain-interior": _l("Interior design"),
    "desain-komunikasi-visual": _l("Visual communication design"),
    "arsitektur": _l("Architecture"),
    "film-animasi-video": _l("Film, animation and video"),
    "pengembang-permainan": _l("Game development"),
    "aplikasi": _l("Applications"),
    "periklanan": _l("Advertising"),
    "seni-pertunjukan": _l("Performing arts"),
    "televisi-radio": _l("Television and radio"),
}


class Subsector(Base):
    """One of Indonesia's seventeen creative-economy subsectors (ekonomi kreatif)."""

    __tablename__ = "subsectors"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_id: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    goods: Mapped[bool] = mapped_column(default=True)

    def name_for(self, locale: str) -> str:
        """The name in `locale`: the data's own for Indonesian and English, the catalogs' for
        the partner cities' languages (English for a subsector added to the data later)."""
        if locale == "id":
            return self.name_id
        words = SUBSECTOR_NAMES.get(self.code)
        if locale == "en" or words is None:
            return self.name_en
        with force_locale(locale):
            return str(words)


class Certification(Base):
    """A kind of certificate an exporting MSME may hold (halal, SNI, BPOM, SVLK...)."""

    __tablename__ = "certifications"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(255), default="")


class PartnerCity(Base):
    """A sister city of Bandung: its country, and the currency, language and time zone its buyers
    and the visits through its channels are served in."""

    __tablename__ = "partner_cities"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    country_code: Mapped[str] = mapped_column(sa.String(2))
    country: Mapped[str] = mapped_column(sa.String(80))
    since_year: Mapped[int | None]
    currency: Mapped[str] = mapped_column(sa.String(3))
    locale: Mapped[str] = mapped_column(sa.String(8))
    # An IANA name: buyers of the city and visits through its channels read times in it.
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    channels: Mapped[list[Channel]] = relationship(back_populates="partner_city")
