"""Exchange rates set by the office: how many rupiah one unit of a currency is worth from a date
on. There is no live feed; every converted price names the rate's date (see
`ledger.rates`). Setting a rate for a currency and date that already has one corrects it;
both are written to the audit log with the value before and after.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import User
from marketplace.db import begin_write, db
from marketplace.errors import ConflictError, ServiceError
from marketplace.ledger.audit import AuditAction, record_audit
from marketplace.ledger.models import ExchangeRate
from marketplace.money import RUPIAH
from marketplace.reference.loader import currencies

SCALE = Decimal("0.000001")  # what NUMERIC(18, 6) keeps
MAX_RATE = Decimal("999999999999")  # twelve digits before the point


class RateError(ServiceError):
    """A rule about exchange rates was not met."""


def foreign_currencies() -> tuple[str, ...]:
    return tuple(code for code in currencies() if code != RUPIAH)


def _check(currency: str, idr_per_unit: Decimal) -> Decimal:
    if currency not in foreign_currencies():
        raise RateError(_l("Choose a currency from the list."))
    try:
        value = idr_per_unit.quantize(SCALE)
    except InvalidOperation as exc:
        raise RateError(_l("The rate must be a number of rupiah above zero.")) from exc
    if not (Decimal(0) < value <= MAX_RATE):
        raise RateError(_l("The rate must be a number of rupiah above zero."))
    return value


def set_rate(
    officer: User, currency: str, idr_per_unit: Decimal, effective_on: date
) -> ExchangeRate:
    """The rate for `currency` from `effective_on` on; replaces one set for the same date."""
    value = _check(currency, idr_per_unit)
    begin_write()
    existing = db.session.scalar(
        sa.select(ExchangeRate)
        .where(ExchangeRate.currency == currency, ExchangeRate.effective_on == effective_on)
        .with_for_update()
    )
    after = {
        "currency": currency,
        "idr_per_unit": str(value),
        "effective_on": effective_on.isoformat(),
    }
    if existing is not None:
        before = {**after, "idr_per_unit": str(Decimal(existing.idr_per_unit).quantize(SCALE))}
        existing.idr_per_unit = value
        existing.set_by_id = officer.id
        db.session.flush()
        record_audit(
            officer, AuditAction.EXCHANGE_RATE_CHANGED, "exchange_rate", existing.id, before, after
        )
        return existing
    rate = ExchangeRate(
        currency=currency, idr_per_unit=value, effective_on=effective_on, set_by_id=officer.id
    )
    try:
        with db.session.begin_nested():
            db.session.add(rate)
    except sa.exc.IntegrityError as exc:
        raise ConflictError(
            _l(
                "Another officer set a rate for this currency and date a moment ago. "
                "Please look again."
            )
        ) from exc
    record_audit(officer, AuditAction.EXCHANGE_RATE_SET, "exchange_rate", rate.id, None, after)
    return rate
