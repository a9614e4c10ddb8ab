"""Business pages: the owner's dashboard and profile (/my/business...), and the public page of a
verified business (/msmes/<slug>)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.businesses.countries import country_choices
from marketplace.businesses.forms import (
    BusinessForm,
    CertificationForm,
    certification_choices,
    subsector_choices,
)
from marketplace.businesses.identity import (
    identity_of,
    is_reviewed,
    pending_change,
)
from marketplace.businesses.models import Business, BusinessCertification
from marketplace.businesses.ownership import (
    get_own_business,
    get_own_certification,
    own_business_or_none,
)
from marketplace.businesses.scans import scan_name, store_scan
from marketplace.businesses.services import (
    BusinessError,
    add_certification,
    create_business,
    delete_certification,
    set_logo,
    submit_business,
    update_business,
    update_certification,
)
from marketplace.businesses.texts import TRANSLATION_LOCALES
from marketplace.db import db, write_now
from marketplace.errors import ServiceError
from marketplace.i18n import CONTENT_LOCALES
from marketplace.media.backend import current_storage
from marketplace.media.images import ImageError, ProcessedImage, image_keys, store_image
from marketplace.media.transaction_files import discard_after_commit, track_new_files
from marketplace.media.views import send_private
from marketplace.web import writes_late

bp = Blueprint("my_business", __name__, url_prefix="/my/business")
restrict_blueprint(bp, Role.MSME)

LOGO_SIZE = 320


def _store_logo(form: BusinessForm) -> ProcessedImage | None:
    upload = form.logo.data
    if not upload or not upload.filename:
        return None
    try:
        logo = store_image(current_storage(), upload.read())
    except ImageError as error:
        form.logo.errors.append(str(error.message))
        raise
    track_new_files(*image_keys(logo.digest))
    return logo


@bp.route("/edit", methods=["GET", "POST"])
@writes_late
def edit() -> Response | str:
    business = own_business_or_none()
    # The owner goes on editing the identity they asked for, not the verified one.
    change = pending_change(business) if business is not None else None
    form = BusinessForm(obj=business)
    if business is not None and not form.is_submitted():
        form.fill_translations(business)
    if change is not None and not form.is_submitted():
        for key, value in identity_of(change).items():
            form[key].data = value
    form.subsector_code.choices = subsector_choices()
    form.export_markets.choices = country_choices(
        str(get_locale() or "en"), form.export_markets.data or ()
    )
    reviewed = business is not None and is_reviewed(business)
    page = {
        "form": form,
        "business": business,
        "change": change,
        "reviewed": reviewed,
        "languages": [(code, CONTENT_LOCALES[code]) for code in TRANSLATION_LOCALES],
    }
    if form.validate_on_submit():
        try:
            logo = _store_logo(form)
        except ImageError:
            return render_template("businesses/edit.html", **page)
        saved, waiting = _save_profile(form, business, logo)
        if saved:
            if waiting:
                flash(
                    _(
                        "Your business profile is saved. The trade office reviews the new name, "
                        "NIB or district before they are shown; until then your public page "
                        "shows the verified ones."
                    ),
                    "success",
                )
            else:
                flash(_("Your business profile is saved."), "success")
            return redirect(url_for("workspace.dashboard"))
    return render_template("businesses/edit.html", **page)


def _save_profile(
    form: BusinessForm, business: Business | None, logo: ProcessedImage | None
) -> tuple[bool, bool]:
    """Create or update, then commit. Returns (saved, a change of identity waits for review);
    not saved when a rule refused the change (the message is on the form, and nothing was
    kept: not even the new logo's files)."""
    try:
        write_now()  # the logo was processed before: the write lock is held for the rows only
        owner = me()
        waiting = None
        if business is None:
            business = create_business(owner, form.to_data(), form.translations())
        else:
            waiting = update_business(business, owner, form.to_data(), form.translations())
        old_logo = None
        if logo is not None:
            old_logo = set_logo(business, owner, logo.key_for(LOGO_SIZE))
        elif form.remove_logo.data:
            old_logo = set_logo(business, owner, None)
        if old_logo:
            discard_after_commit(old_logo)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return False, False
    return True, waiting is not None


@bp.post("/submit")
def submit() -> Response:
    business = get_own_business()
    try:
        submit_business(business, me())
        db.session.commit()
    except BusinessError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("Your business is submitted. The trade office will verify it soon."), "success")
    return redirect(url_for("workspace.dashboard"))


def _save_certification(
    form: CertificationForm, business: Business, certification: BusinessCertification | None
) -> bool:
    """Store the scan (if any), save the row and commit; False when something was refused."""
    scan = None
    upload = form.scan.data
    if upload and upload.filename:
        try:
            scan = store_scan(current_storage(), upload.read())
        except ImageError as error:
            form.scan.errors.append(str(error.message))
            return False
        track_new_files(scan.key)
    try:
        write_now()  # the scan was checked and stored before: the lock is for the rows only
        if certification is None:
            add_certification(business, me(), form.to_data(), scan)
        else:
            unused = update_certification(
                certification, me(), form.to_data(), scan, bool(form.remove_scan.data)
            )
            if unused:
                discard_after_commit(unused)
        db.session.commit()
    except BusinessError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return False
    return True


@bp.route("/certifications/new", methods=["GET", "POST"])
@writes_late
def new_certification() -> Response | str:
    business = get_own_business()
    form = CertificationForm()
    form.certification_code.choices = certification_choices()
    if form.validate_on_submit() and _save_certification(form, business, None):
        flash(_("The certification is added."), "success")
        return redirect(url_for("workspace.dashboard"))
    return render_template("businesses/certification.html", form=form, certification=None)


@bp.route("/certifications/<int:certification_id>/edit", methods=["GET", "POST"])
@writes_late
def edit_certification(certification_id: int) -> Response | str:
    certification = get_own_certification(certification_id)
    form = CertificationForm(obj=certification)
    form.certification_code.choices = certification_choices()
    if form.validate_on_submit() and _save_certification(
        form, certification.business, certification
    ):
        flash(_("The certification is saved."), "success")
        return redirect(url_for("workspace.dashboard"))
    return render_template("businesses/certification.html", form=form, certification=certification)


@bp.post("/certifications/<int:certification_id>/delete")
def delete_certification_view(certification_id: int) -> Response:
    certification = get_own_certification(certification_id)
    key = delete_certification(certification, me())
    if key:
        discard_after_commit(key)
    db.session.commit()
    flash(_("The certification is removed."), "success")
    return redirect(url_for("workspace.dashboard"))


@bp.get("/certifications/<int:certification_id>/scan")
def certification_scan(certification_id: int) -> Response:
    certification = get_own_certification(certification_id)
    if not certification.scan_key or not certification.scan_content_type:
        abort(404)
    return send_private(
        certification.scan_key, certification.scan_content_type, scan_name(certification)
    )
