"""Loading what the signed-in owner owns: someone else's record answers 404, never 403.

A 404 does not even confirm that the record exists. Every owner route loads through these.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from marketplace.accounts.current import me
from marketplace.businesses import queries
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.db import db


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
