"""The choices forms offer from the reference facts, in the reader's language."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from wtforms import SelectChoice

from marketplace.db import db
from marketplace.reference.models import Subsector


def subsector_choices() -> list[SelectChoice]:
    """Subsectors in the reader's language, those that make exportable goods first."""
    locale = str(get_locale() or "en")
    rows = db.session.scalars(sa.select(Subsector)).all()
    rows = sorted(rows, key=lambda s: (not s.goods, s.name_for(locale)))
    return [SelectChoice(s.code, s.name_for(locale)) for s in rows]
