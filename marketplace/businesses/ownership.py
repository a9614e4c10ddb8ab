"""Loading what the signed-in owner owns: someone else's record answers 404, never 403.

A 404 does not even confirm that the record exists. Every owner route loads through these.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.businesses import queries
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.db import db


def me() -> User:
    """The signed-in person as a model (services take models, not the proxy)."""
    user: User = current_user._get_current_object()
    return user


def viewer() -> User | None:
    """The signed-in person, or None for an anonymous visitor."""
    return me() if current_user.is_authenticated else None


def own_business_or_none() -> Business | None:
    return db.session.scalar(queries.business_of(me().id))


def get_own_business() -> Business:
    business = own_business_or_none()
    if business is None:
        abort(404)
    return business


def get_own_certification(certification_id: int) -> BusinessCertification:
    certification = db.session.scalar(
        sa.select(BusinessCertification)
        .join(BusinessCertification.business)
        .where(BusinessCertification.id == certification_id, Business.owner_id == me().id)
    )
    if certification is None:
        abort(404)
    return certification
