"""The buyer's own profile page (/buyer/profile): see it as businesses see it, and edit it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from marketplace.accounts.buyer_forms import BuyerProfileForm, profile_values
from marketplace.accounts.buyer_profiles import update_buyer_profile
from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.reference.choices import subsector_choices
from marketplace.reference.queries import partner_cities

bp = Blueprint("buyer", __name__, url_prefix="/buyer")
restrict_blueprint(bp, Role.BUYER)


def _form() -> BuyerProfileForm:
    user = me()
    cities = db.session.scalars(partner_cities()).all()
    return BuyerProfileForm(
        data=profile_values(user, user.buyer_profile),
        partner_cities=[SelectChoice(str(c.id), f"{c.name} ({c.country})") for c in cities],
        subsectors=subsector_choices(),
    )


@bp.route("/profile", methods=["GET", "POST"])
def profile() -> str | Response | tuple[str, int]:
    user = me()
    form = _form()
    if form.validate_on_submit():
        data = form.to_data()
        try:
            update_buyer_profile(user, data)
        except ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            session["locale"] = data.locale
            with force_locale(data.locale):
                flash(_("Your profile is saved."), "success")
            return redirect(url_for(".profile"))
    return render_template(
        "buyer/profile.html", form=form, user=user, profile=user.buyer_profile
    ), (400 if form.is_submitted() else 200)
