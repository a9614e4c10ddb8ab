"""Products from and to a spreadsheet (/my/products/sheets): the template to fill in, the
upload and its preview, the import of the rows that passed, and the export of the owner's own
products (which, read back, changes nothing)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.accounts.guards import restrict_blueprint
from marketplace.accounts.models import Role
from marketplace.businesses.ownership import get_own_business, own_business_or_none
from marketplace.db import db, write_now
from marketplace.i18n import CONTENT_LOCALES, page_locale
from marketplace.inputs import NUL
from marketplace.products.models import Product
from marketplace.sheets.checking import RowKind, check_rows
from marketplace.sheets.columns import SHEET_LOCALES, header_of
from marketplace.sheets.files import export_rows, sheet_file
from marketplace.sheets.forms import ConfirmForm, UploadForm
from marketplace.sheets.models import SheetUpload, UploadStatus
from marketplace.sheets.reading import MAX_BYTES, MAX_ROWS, SheetError, read_sheet
from marketplace.sheets.services import (
    AlreadyImported,
    UploadError,
    import_upload,
    is_expired,
    keep_upload,
)
from marketplace.spreadsheets import Format
from marketplace.web import writes_late

bp = Blueprint("sheets", __name__, url_prefix="/my/products/sheets")
restrict_blueprint(bp, Role.MSME)


def _sheet_locale() -> str:
    """The language asked for (?language=id or en), else the owner's own if it is one of
    them, else English."""
    asked = request.args.get("language", "")
    if asked in SHEET_LOCALES:
        return asked
    return page_locale() if page_locale() in SHEET_LOCALES else "en"


def _index(form: UploadForm) -> str:
    return render_template(
        "sheets/index.html",
        form=form,
        locale=_sheet_locale(),
        languages=[(code, CONTENT_LOCALES[code]) for code in SHEET_LOCALES],
        max_mb=MAX_BYTES // (1024 * 1024),
        max_rows=MAX_ROWS,
    )


@bp.get("/")
def index() -> Response | str:
    if own_business_or_none() is None:
        flash(_("Please create your business profile first."), "info")
        return redirect(url_for("my_business.edit"))
    return _index(UploadForm())


@bp.get("/template.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/template.csv", defaults={"fmt": "csv"})
def template(fmt: Format) -> Response:
    locale = _sheet_locale()
    return sheet_file(f"products-template-{locale}", locale, [], fmt, with_notes_row=True)


@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/export.csv", defaults={"fmt": "csv"})
def export(fmt: Format) -> Response:
    business = get_own_business()
    products = db.session.scalars(
        sa.select(Product)
        .where(Product.business_id == business.id)
        .options(selectinload(Product.translations))
        .order_by(Product.id)
    ).all()
    rows = export_rows(products)
    return sheet_file(f"products-{business.slug}", _sheet_locale(), rows, fmt, False)


@bp.post("/")
@writes_late  # reading a workbook takes a while: no write transaction is held meanwhile
def upload() -> Response | tuple[str, int]:
    business = get_own_business()
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form), 400
    sent = form.sheet.data
    if not sent or not sent.filename:
        form.sheet.errors.append(_("Please choose a file."))
        return _index(form), 400
    try:
        sheet = read_sheet(sent.read(MAX_BYTES + 1))
    except SheetError as error:
        form.sheet.errors.append(str(error.message))
        return _index(form), 400
    write_now()
    filename = sent.filename.replace(NUL, "")
    kept = keep_upload(business, me(), filename, sheet)
    db.session.commit()
    return redirect(url_for(".preview", token=kept.token))


def _own_upload(token: str) -> SheetUpload:
    """The signed-in owner's upload; anyone else's, or one that does not exist, is 404."""
    upload = db.session.scalar(
        sa.select(SheetUpload).where(SheetUpload.token == token, SheetUpload.user_id == me().id)
    )
    if upload is None:
        abort(404)
    return upload


@bp.get("/uploads/<token>")
def preview(token: str) -> Response | str:
    upload = _own_upload(token)
    if upload.status == UploadStatus.IMPORTED:
        return render_template("sheets/imported.html", upload=upload)
    if is_expired(upload):
        flash(_("This upload has expired. Please upload the file again."), "info")
        return redirect(url_for(".index"))
    checks = check_rows(upload.business, upload.row_items())
    counts = {kind: sum(1 for c in checks if c.kind == kind) for kind in RowKind}
    return render_template(
        "sheets/preview.html",
        upload=upload,
        checks=checks,
        wrong=[c for c in checks if c.kind == RowKind.WRONG],
        fine=[c for c in checks if c.kind != RowKind.WRONG],
        counts=counts,
        to_import=counts[RowKind.NEW] + counts[RowKind.CHANGE],
        header_of=header_of,
        form=ConfirmForm(),
    )


@bp.post("/uploads/<token>/import")
def confirm(token: str) -> Response:
    upload = _own_upload(token)
    try:
        result = import_upload(upload, me())
        db.session.commit()
    except AlreadyImported as error:
        db.session.rollback()
        flash(str(error.message), "info")
        return redirect(url_for("workspace.dashboard"))
    except UploadError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".index"))
    if result.created:
        flash(
            ngettext(
                "%(num)d product added as a draft.",
                "%(num)d products added as drafts.",
                result.created,
            ),
            "success",
        )
    if result.updated:
        flash(
            ngettext("%(num)d product changed.", "%(num)d products changed.", result.updated),
            "success",
        )
    for number, message in result.failed:
        flash(_("Row %(row)s was not imported: %(reason)s", row=number, reason=message), "error")
    if not result.created and not result.updated and not result.failed:
        flash(_("Nothing was imported: every row is already there, unchanged."), "info")
    return redirect(url_for("workspace.dashboard"))
