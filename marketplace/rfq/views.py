"""The buyer's side of buying requests (/buyer/requests): posting one, comparing the quotes side
by side in the request's currency, asking about a quote, picking one, withdrawing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.buyer_profiles import usual_currency
from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.interests import limits
from marketplace.ledger.rates import ConvertedPrice, convert
from marketplace.periods import bandung_today
from marketplace.reference.loader import currencies
from marketplace.rfq import queries, services
from marketplace.rfq.forms import PickForm, QuestionForm, RequestForm, WithdrawForm
from marketplace.rfq.models import BuyingRequest, Quote

bp = Blueprint("buying_requests", __name__, url_prefix="/buyer/requests")
restrict_blueprint(bp, Role.BUYER)

PageResponse = str | Response | tuple[str, int]
REQUEST_LIMIT = "5 per hour; 10 per day"


def _limit_text() -> str:
    return _(
        "You have posted many requests in a short while. A buyer can post at most 5 requests "
        "an hour and 10 a day. Please try again later; go back to keep what you wrote."
    )


def _own_request(request_id: int) -> BuyingRequest:
    request = db.session.get(BuyingRequest, request_id)
    if request is None or request.buyer_id != me().id:
        abort(404)
    return request


def _own_quote(request: BuyingRequest, quote_id: int) -> Quote:
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.request_id != request.id:
        abort(404)
    return quote


@bp.get("/")
def index() -> str:
    requests = db.session.scalars(queries.buyer_requests(me().id)).all()
    return render_template("rfq/buyer_index.html", requests=requests)


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(
    REQUEST_LIMIT,
    key_func=limits.per_account,
    methods=["POST"],
    deduct_when=limits.went_through,
    error_message=_limit_text,
)
def new() -> PageResponse:
    buyer = me()
    form = RequestForm()
    if not form.is_submitted():
        form.currency.data = usual_currency(buyer) or currencies()[0]
        form.unit.data = "piece"
        form.submission_key.data = secrets.token_urlsafe(24)
    elif form.validate():
        try:
            request = services.post_request(
                buyer, form.to_data(), submission_key=form.submission_key.data or ""
            )
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            request_id, waiting = request.id, request.routed_at is None
            db.session.commit()
            if waiting:
                flash(
                    _(
                        "Your request is posted. The trade office looks at it first, then it "
                        "goes out to the matching businesses."
                    ),
                    "success",
                )
            else:
                flash(_("Your request is posted and sent to the matching businesses."), "success")
            return redirect(url_for(".show", request_id=request_id))
    status = 400 if form.is_submitted() else 200
    return render_template("rfq/new.html", form=form), status


@dataclass(frozen=True)
class QuoteRow:
    """A quote as the buyer compares it: the price in the request's currency too."""

    quote: Quote
    unit_price: ConvertedPrice | None
    total_idr: int
    total: ConvertedPrice | None


def _rows(request: BuyingRequest) -> list[QuoteRow]:
    today = bandung_today()
    rows = []
    for quote in db.session.scalars(queries.quotes_of(request.id)):
        total_idr = quote.unit_price_idr * request.quantity
        rows.append(
            QuoteRow(
                quote,
                convert(quote.unit_price_idr, request.currency, today),
                total_idr,
                convert(total_idr, request.currency, today),
            )
        )
    return rows


def _page(request: BuyingRequest, failed: tuple[int, QuestionForm] | None = None) -> str:
    rows = _rows(request)
    questions = {
        row.quote.id: QuestionForm(formdata=None, prefix=f"q{row.quote.id}") for row in rows
    }
    if failed is not None:
        questions[failed[0]] = failed[1]
    return render_template(
        "rfq/buyer_show.html",
        request=request,
        rows=rows,
        questions=questions,
        withdraw_form=WithdrawForm(formdata=None),
        recipients=len(request.recipients),
    )


@bp.get("/<int:request_id>")
def show(request_id: int) -> str:
    return _page(_own_request(request_id))


@bp.post("/<int:request_id>/quotes/<int:quote_id>/questions")
@limiter.limit(limits.MESSAGE_LIMIT, key_func=limits.per_account, deduct_when=limits.went_through)
def ask(request_id: int, quote_id: int) -> PageResponse:
    request = _own_request(request_id)
    quote = _own_quote(request, quote_id)
    form = QuestionForm(prefix=f"q{quote.id}")
    if form.validate_on_submit():
        try:
            services.ask(quote, me(), form.body.data or "")
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(
                _("Your question is sent to %(business)s.", business=quote.business.name), "success"
            )
            return redirect(url_for(".show", request_id=request.id, _anchor=f"quote-{quote.id}"))
    return _page(_own_request(request_id), (quote_id, form)), 400


@bp.post("/<int:request_id>/quotes/<int:quote_id>/pick")
def pick(request_id: int, quote_id: int) -> PageResponse:
    request = _own_request(request_id)
    quote = _own_quote(request, quote_id)
    if PickForm().validate_on_submit():
        try:
            interest = services.pick(request, quote, me())
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            interest_id = interest.id
            db.session.commit()
            flash(
                _(
                    "You picked the quote of %(business)s: continue with them here.",
                    business=quote.business.name,
                ),
                "success",
            )
            return redirect(url_for("interests.thread", interest_id=interest_id))
    return redirect(url_for(".show", request_id=request_id))


@bp.post("/<int:request_id>/withdraw")
def withdraw(request_id: int) -> Response:
    request = _own_request(request_id)
    if WithdrawForm().validate_on_submit():
        try:
            services.withdraw(request, me())
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Your request is withdrawn."), "success")
    return redirect(url_for(".show", request_id=request_id))
