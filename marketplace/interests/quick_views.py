"""Interest without an account: the quick form a visitor meets at /products/<slug>/interest,
the page that says the link is on its way, and the page of the link that confirms it.

The form's address is the interest page buyers know (`interests.new` serves visitors this form);
it answers the same whether or not the address has an account. Its limits are registration's:
mails sent per network address (a setting: a fair's Wi-Fi is shared) and per e-mail address,
counting only forms that went through (a mail was queued). Opening the link shows a button and
changes nothing (mail scanners open links too); pressing it confirms (see `pending`).
"""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from marketplace.accounts.services import normalise_email
from marketplace.accounts.views import MAIL_LIMIT_PER_EMAIL
from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.forms import Form
from marketplace.interests import pending
from marketplace.interests.limits import went_through
from marketplace.interests.models import PendingInterest
from marketplace.interests.quick_forms import QuickInterestForm, likely_country
from marketplace.products import queries as product_queries
from marketplace.products.display import texts
from marketplace.products.models import Product
from marketplace.visits import current_visit_channel_id

bp = Blueprint("quick_interest", __name__)

PageResponse = str | Response | tuple[str, int]
SENT_TO = "quick_interest_sent_to"  # the address the last link went to, shown once


def _is_signed_in() -> bool:
    return bool(current_user.is_authenticated)


def _email_key() -> str:
    return "interest-email:" + normalise_email(request.form.get("email", ""))[:254]


def _mail_limit_per_address() -> str:
    return str(current_app.config["MAIL_LIMIT_PER_ADDRESS"])


def quick_limit_text() -> str:
    return _(
        "Many interests were sent from here in a short while. To protect the businesses and "
        "the addresses we write to, please try again in an hour; go back to keep what you wrote."
    )


# The visitor's limits; a signed-in buyer has the per-account interest limit instead.
visitor_limit_per_address = limiter.limit(
    _mail_limit_per_address,
    methods=["POST"],
    deduct_when=went_through,
    exempt_when=_is_signed_in,
    error_message=quick_limit_text,
)
visitor_limit_per_email = limiter.limit(
    MAIL_LIMIT_PER_EMAIL,
    key_func=_email_key,
    methods=["POST"],
    deduct_when=went_through,
    exempt_when=_is_signed_in,
    error_message=quick_limit_text,
)


def _visit_channel() -> Channel | None:
    channel_id = current_visit_channel_id()
    return db.session.get(Channel, channel_id) if channel_id is not None else None


def _product_name(product: Product) -> str:
    return texts(product, str(get_locale() or "en"))[0].name


def visitor_form(slug: str) -> PageResponse:
    """The quick form (GET) and its submission (POST): a link is mailed, nothing else happens."""
    product = db.first_or_404(product_queries.public_product(slug))
    channel = _visit_channel()
    form = QuickInterestForm()
    if not form.is_submitted():
        form.country.data = likely_country(channel.country_code if channel else None)
        form.submission_key.data = secrets.token_urlsafe(24)
    if form.validate_on_submit():
        try:
            sent = pending.submit_pending_interest(
                product,
                form.to_data(),
                locale=str(get_locale() or "en"),
                submission_key=form.submission_key.data or "",
                channel_id=channel.id if channel else None,
            )
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            session[SENT_TO] = sent.email
            db.session.commit()
            return redirect(url_for("quick_interest.sent", slug=product.slug))
    return render_template(
        "interests/quick_new.html",
        form=form,
        product=product,
        product_name=_product_name(product),
    ), (400 if form.is_submitted() else 200)


@bp.get("/products/<slug>/interest/sent")
def sent(slug: str) -> str:
    product = db.first_or_404(product_queries.public_product(slug))
    return render_template(
        "interests/quick_sent.html",
        product=product,
        product_name=_product_name(product),
        email=session.pop(SENT_TO, None),
        hours=int(pending.link_lifetime().total_seconds() // 3600),
    )


def _cannot_use(message: str) -> tuple[str, int]:
    return render_template("interests/quick_refused.html", message=message), 400


def _confirm_page(item: PendingInterest, token: str, form: Form) -> str:
    return render_template(
        "interests/quick_confirm.html",
        pending=item,
        product_name=_product_name(item.product),
        token=token,
        form=form,
    )


@bp.route("/interests/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> PageResponse:
    """The mailed link: a button (GET), then the interest is sent and the account opened or
    found (POST). Whoever has no password is logged in by the link; with a password, by it."""
    try:
        # A second press of the button (a double click) is answered like the first.
        item = pending.read_confirm_token(token, repeat_grace=request.method == "POST")
        pending.check_account(item)
    except ServiceError as error:  # a TokenError, or an address that cannot take it
        return _cannot_use(str(error.message))
    form = Form()
    if not form.validate_on_submit():
        return _confirm_page(item, token, form)
    try:
        done = pending.confirm_pending_interest(token)
    except ServiceError as error:  # used meanwhile, or the product is gone
        db.session.rollback()
        return _cannot_use(str(error.message))
    interest_id = done.submission.interest.id
    business = done.submission.interest.product.business.name
    db.session.commit()
    flash(
        _(
            "Your interest is sent to %(business)s. We will tell you when they answer.",
            business=business,
        ),
        "success",
    )
    thread = url_for("interests.thread", interest_id=interest_id)
    if done.log_in:
        login_user(done.buyer)
        return redirect(thread)
    if current_user.is_authenticated and current_user.id == done.buyer.id:
        return redirect(thread)
    flash(_("Log in to follow the conversation."), "info")
    return redirect(url_for("accounts.login", next=thread))
