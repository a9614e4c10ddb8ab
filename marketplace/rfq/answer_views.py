"""The MSME's side of buying requests (/my/requests): the requests sent to the business, the
quote form, and answers to the buyer's questions. A request not sent to the business does not
exist for it (404)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.businesses import queries as business_queries
from marketplace.businesses.models import Business
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.interests import limits
from marketplace.ledger.rates import rate_in_force
from marketplace.money import RUPIAH
from marketplace.periods import bandung_today
from marketplace.rfq import queries, services
from marketplace.rfq.forms import AnswerForm, QuoteForm, quote_form
from marketplace.rfq.models import BuyingRequest, Quote, RequestRecipient

bp = Blueprint("request_answers", __name__, url_prefix="/my/requests")
restrict_blueprint(bp, Role.MSME)

PageResponse = str | Response | tuple[str, int]


def _business() -> Business:
    business = db.session.scalar(business_queries.business_of(me().id))
    if business is None:
        abort(404)
    return business


def _sent_to(business: Business, request_id: int) -> tuple[BuyingRequest, RequestRecipient]:
    request = db.session.get(BuyingRequest, request_id)
    recipient = services.recipient_of(request, business) if request is not None else None
    if request is None or recipient is None:
        abort(404)
    return request, recipient


def _quote(request: BuyingRequest, business: Business) -> Quote | None:
    return next((q for q in request.quotes if q.business_id == business.id), None)


@bp.get("/")
def index() -> str:
    business = db.session.scalar(business_queries.business_of(me().id))
    rows = (
        db.session.execute(queries.requests_for_business(business.id)).all()
        if business is not None
        else []
    )
    return render_template("rfq/answers_index.html", business=business, rows=rows)


def _page(
    business: Business,
    request: BuyingRequest,
    recipient: RequestRecipient,
    form: QuoteForm | None = None,
    answer_form: AnswerForm | None = None,
) -> str:
    quote = _quote(request, business)
    return render_template(
        "rfq/answer.html",
        business=business,
        request=request,
        quote=quote,
        target_idr=target_in_rupiah(request),
        form=form or quote_form(business.id, quote, recipient.product_id),
        answer_form=answer_form or AnswerForm(formdata=None, prefix="answer"),
    )


def target_in_rupiah(request: BuyingRequest) -> int | None:
    """The buyer's target price per unit in rupiah at the office's rate of today, to help the
    MSME price its quote (None without a target or a rate)."""
    if request.target_price is None:
        return None
    if request.currency == RUPIAH:
        return round(request.target_price)
    rate = db.session.scalar(rate_in_force(request.currency, bandung_today()))
    return None if rate is None else round(request.target_price * rate.idr_per_unit)


@bp.get("/<int:request_id>")
def show(request_id: int) -> str:
    business = _business()
    return _page(business, *_sent_to(business, request_id))


@bp.post("/<int:request_id>")
def send_quote(request_id: int) -> PageResponse:
    business = _business()
    request, recipient = _sent_to(business, request_id)
    form = QuoteForm(business_id=business.id)
    if form.validate_on_submit():
        had_quote = _quote(request, business) is not None
        try:
            services.submit_quote(request, business, me(), form.to_data())
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(
                _("Your quote is changed.") if had_quote else _("Your quote is sent to the buyer."),
                "success",
            )
            return redirect(url_for(".show", request_id=request_id))
    business = _business()
    request, recipient = _sent_to(business, request_id)
    return _page(business, request, recipient, form=form), 400


@bp.post("/<int:request_id>/answers")
@limiter.limit(limits.MESSAGE_LIMIT, key_func=limits.per_account, deduct_when=limits.went_through)
def answer(request_id: int) -> PageResponse:
    business = _business()
    request, recipient = _sent_to(business, request_id)
    quote = _quote(request, business)
    if quote is None:
        abort(404)
    form = AnswerForm(prefix="answer")
    if form.validate_on_submit():
        try:
            services.ask(quote, me(), form.body.data or "")
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Your answer is sent to the buyer."), "success")
            return redirect(url_for(".show", request_id=request_id, _anchor="questions"))
    business = _business()
    request, recipient = _sent_to(business, request_id)
    return _page(business, request, recipient, answer_form=form), 400
