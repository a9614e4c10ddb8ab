"""Reference lists seeded from the city's data: creative-economy subsectors and certifications."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base


class Subsector(Base):
    """One of Indonesia's seventeen creative-economy subsectors (ekonomi kreatif)."""

    __tablename__ = "subsectors"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_id: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    goods: Mapped[bool] = mapped_column(default=True)

    def name_for(self, locale: str) -> str:
        return self.name_id if locale == "id" else self.name_en


class Certification(Base):
    """A kind of certificate an exporting MSME may hold (halal, SNI, BPOM, SVLK...)."""

    __tablename__ = "certifications"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(255), default="")
