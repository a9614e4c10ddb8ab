"""Slugs for public addresses (/msmes/<slug>, /products/<slug>).

A slug is made once from the name and never changes afterwards: the address is printed on QR
shelf tags and catalogs, so renaming a product must not break it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.db import db
from marketplace.errors import ConflictError

MAX_BASE = 80
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str) -> str:
    """ASCII, lower case, words joined by hyphens; accents dropped ("Kopi Aroma Priangan")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ALNUM.sub("-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_BASE].rstrip("-")
    return slug or fallback


def unique_slug(column: Any, text: str, fallback: str) -> str:
    """The slug of `text`, with -2, -3... appended when `column` already holds it."""
    base = slugify(text, fallback)
    taken = set(
        db.session.scalars(
            sa.select(column).where(sa.or_(column == base, column.like(f"{base}-%")))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def add_with_slug(obj: Any, column: Any, text: str, fallback: str) -> None:
    """Add and flush `obj` under a unique slug, inside a savepoint.

    On PostgreSQL two requests can choose the same free slug at once (SQLite serialises
    writers); the loser of that race retries with the next number. A conflict that persists,
    such as a double-submitted form, becomes a ConflictError instead of a failed request.
    """
    for _attempt in range(3):
        with db.session.no_autoflush:  # `obj` may hang off a parent already in the session
            obj.slug = unique_slug(column, text, fallback)
        try:
            with db.session.begin_nested():
                db.session.add(obj)
                db.session.flush()
            return
        except sa.exc.IntegrityError:
            continue
    raise ConflictError(_l("Someone else saved at the same moment. Please try again."))
