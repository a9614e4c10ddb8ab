"""Exchange rates (/office/rates): the rates in force today and every rate set so far, and the
form to set one for a currency from a date on. Each change is written to the audit log."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from marketplace.accounts.current import me
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.ledger.models import ExchangeRate
from marketplace.ledger.rates import rate_in_force
from marketplace.office import queries, rates
from marketplace.office.blueprint import bp
from marketplace.office.forms import RateForm
from marketplace.office.review_views import PageResponse
from marketplace.periods import bandung_today


def _page(form: RateForm) -> str:
    today = bandung_today()
    current: dict[str, ExchangeRate | None] = {
        code: db.session.scalar(rate_in_force(code, today)) for code in rates.foreign_currencies()
    }
    history = db.session.scalars(queries.all_rates()).all()
    setter_ids = sorted({r.set_by_id for r in history if r.set_by_id is not None})
    setters = {i: name for i, name in db.session.execute(queries.setters(setter_ids))}
    return render_template(
        "office/rates.html",
        form=form,
        current=current,
        history=history,
        setters=setters,
        today=today,
    )


@bp.route("/rates", methods=["GET", "POST"])
def exchange_rates() -> PageResponse:
    form = RateForm()
    form.currency.choices = [SelectChoice(code) for code in rates.foreign_currencies()]
    if not form.is_submitted():
        form.effective_on.data = bandung_today()
    if form.validate_on_submit():
        try:
            rate = rates.set_rate(
                me(),
                form.currency.data,
                Decimal(form.idr_per_unit.data),
                form.effective_on.data,
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            flash(
                _(
                    "From %(date)s, 1 %(currency)s = %(rate)s IDR.",
                    date=rate.effective_on.isoformat(),
                    currency=rate.currency,
                    rate=f"{Decimal(rate.idr_per_unit).normalize():f}",
                ),
                "success",
            )
            return redirect(url_for(".exchange_rates"))
    return _page(form), (400 if form.is_submitted() else 200)
