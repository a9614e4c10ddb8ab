"""Interest pages: expressing interest from a product page, the lists (a buyer's interests, a
business's inbox), a conversation, and a buyer's profile as the businesses they contacted see it.

Actions inside a conversation (writing, moving the status, withdrawing, reporting) are in
`thread_views`; a conversation's page is rendered here for both.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from werkzeug.wrappers import Response

from marketplace.accounts.buyer_profiles import usual_currency
from marketplace.accounts.current import me
from marketplace.accounts.forms import ChoosePasswordForm
from marketplace.accounts.guards import check_role, restrict_blueprint
from marketplace.accounts.models import Role, User
from marketplace.businesses.ownership import own_business_or_none
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.forms import Form
from marketplace.inputs import page_number
from marketplace.interests import limits, queries, quick_views, reading, services
from marketplace.interests.access import Side, get_interest, may_see_contact
from marketplace.interests.display import register_globals
from marketplace.interests.forms import (
    InterestForm,
    LostForm,
    MessageForm,
    ReportForm,
    StepForm,
    WithdrawForm,
    WonForm,
)
from marketplace.interests.models import OPEN_INTEREST_STATUSES, Interest, InterestStatus
from marketplace.interests.transitions import next_owner_steps
from marketplace.money import RUPIAH
from marketplace.page_writes import write_after_read
from marketplace.products import queries as product_queries
from marketplace.products.models import Product
from marketplace.reference.loader import currencies
from marketplace.visits import current_visit_channel_id

bp = Blueprint("interests", __name__)
restrict_blueprint(bp, visitors_may_open=("interests.new",))
limits.explain_limits(bp)
register_globals(bp)

PER_PAGE = 20
PageResponse = str | Response | tuple[str, int]


# ---------------------------------------------------------------------------------------------
# Expressing interest


def _new_form(product: Product, buyer: User) -> InterestForm:
    form = InterestForm()
    if not form.is_submitted():
        form.unit.data = product.unit
        form.currency.data = usual_currency(buyer) or currencies()[0]
        form.submission_key.data = secrets.token_urlsafe(24)
    return form


def _is_visitor() -> bool:
    return not current_user.is_authenticated


@bp.route("/products/<slug>/interest", methods=["GET", "POST"])
@limiter.limit(
    limits.INTEREST_LIMIT,
    key_func=limits.per_account,
    methods=["POST"],
    deduct_when=limits.went_through,
    error_message=limits.interest_limit_text,
    exempt_when=_is_visitor,
)
@quick_views.visitor_limit_per_address
@quick_views.visitor_limit_per_email
def new(slug: str) -> PageResponse:
    """A buyer's interest form; a visitor without an account gets the quick one (see
    `quick_views`), and other signed-in people are refused."""
    if _is_visitor():
        return quick_views.visitor_form(slug)
    denied = check_role(Role.BUYER)
    if denied is not None:
        return denied
    product = db.first_or_404(product_queries.public_product(slug))
    buyer = me()
    form = _new_form(product, buyer)
    if form.validate_on_submit():
        try:
            result = services.express_interest(
                product,
                buyer,
                form.to_data(),
                submission_key=form.submission_key.data or "",
                channel_id=current_visit_channel_id(),
            )
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            interest_id = result.interest.id
            db.session.commit()
            if result.joined:
                flash(
                    _("Your message is added to your open conversation about this product."),
                    "success",
                )
            else:
                flash(
                    _(
                        "Your interest is sent to %(business)s. We will tell you when they answer.",
                        business=product.business.name,
                    ),
                    "success",
                )
            return redirect(url_for(".thread", interest_id=interest_id))
    return render_template(
        "interests/new.html",
        form=form,
        product=product,
        open_interest=db.session.scalar(queries.open_interest(buyer.id, product.id)),
    ), (400 if form.is_submitted() else 200)


# ---------------------------------------------------------------------------------------------
# Lists


def _page(query: sa.Select[Interest]) -> Pagination:
    return db.paginate(
        query,
        page=page_number(request.args.get("page")),
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )


@bp.get("/interests")
def index() -> PageResponse:
    user = me()
    if user.role == Role.BUYER:
        return render_template(
            "interests/buyer_index.html", page=_page(queries.buyer_interests(user.id))
        )
    if user.role != Role.MSME:
        abort(403)
    business = own_business_or_none()
    if business is None:
        return render_template("interests/inbox.html", business=None, counts={})
    chosen = request.args.get("status", "")
    status = InterestStatus(chosen) if chosen in set(InterestStatus) else None
    page = _page(queries.business_inbox(business.id, status))
    counts: dict[InterestStatus, int] = {
        row[0]: row[1] for row in db.session.execute(queries.inbox_status_counts(business.id))
    }
    return render_template(
        "interests/inbox.html",
        business=business,
        page=page,
        status=status,
        counts=counts,
        statuses=list(InterestStatus),
    )


# ---------------------------------------------------------------------------------------------
# The conversation


def render_thread(
    interest: Interest,
    side: Side,
    status: int = 200,
    *,
    read_at: datetime | None = None,
    problem: str | None = None,
    **forms: Form,
) -> tuple[str, int]:
    """The conversation as `side` sees it, with the forms it may use (given ones keep errors).

    Messages after `read_at` (the reader's marker before this visit) are marked as new.
    """
    viewer = me()
    business = interest.product.business
    defaults: dict[str, Form] = {
        "message_form": MessageForm(formdata=None),
        "step_form": StepForm(formdata=None),
        # The deal is most likely in the currency the buyer named.
        "won_form": WonForm(formdata=None, won_currency=interest.currency or RUPIAH),
        "lost_form": LostForm(formdata=None),
        "withdraw_form": WithdrawForm(formdata=None),
        "report_form": ReportForm(formdata=None),
    }
    defaults.update(forms)
    if side == Side.BUYER and not viewer.has_password:
        # An account opened by a mailed link: choosing a password is offered, not required.
        defaults.setdefault("password_form", ChoosePasswordForm(formdata=None))
    return render_template(
        "interests/thread.html",
        interest=interest,
        product=interest.product,
        business=business,
        buyer=interest.buyer,
        profile=interest.buyer.buyer_profile if interest.buyer else None,
        visitor=interest.visitor,
        side=side.value,
        read_at=read_at,
        problem=problem,
        can_write=services.can_write(interest, viewer),
        steps=[step.value for step in next_owner_steps(interest)] if side == Side.OWNER else [],
        can_withdraw=side == Side.BUYER and interest.status in OPEN_INTEREST_STATUSES,
        show_contact=may_see_contact(business, viewer) if side == Side.BUYER else False,
        **defaults,
    ), status


@bp.get("/interests/<int:interest_id>")
def thread(interest_id: int) -> PageResponse:
    """The conversation; opening it moves the reader's marker in a side table, by design (see
    `reading`), in a short write of its own that never fails the page."""
    interest, side = get_interest(interest_id)
    previous = reading.read_marker(interest, side)
    if side != Side.OFFICE:
        user_id = me().id
        write_after_read(
            lambda: reading.mark_read(
                db.session.get_one(Interest, interest_id), db.session.get_one(User, user_id)
            ),
            "a conversation's read marker",
        )
        interest, side = get_interest(interest_id)
    return render_thread(interest, side, read_at=previous)


@bp.get("/buyers/<int:buyer_id>")
def buyer_profile(buyer_id: int) -> str:
    """A buyer's profile: for the buyer, the office, and businesses the buyer contacted."""
    viewer = me()
    allowed = (
        viewer.id == buyer_id
        or viewer.is_staff
        or (
            viewer.role == Role.MSME
            and bool(db.session.scalar(queries.buyer_contacted_owner(buyer_id, viewer.id)))
        )
    )
    if not allowed:
        abort(404)
    buyer = db.first_or_404(queries.buyer_with_profile(buyer_id))
    return render_template("interests/buyer_profile.html", buyer=buyer, profile=buyer.buyer_profile)
