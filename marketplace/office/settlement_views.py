"""Settlement statements of a channel (/office/channels/<id>/settlements), on the
`channel_admin` blueprint: each MSME's figures for a period, issued once the period has ended,
then marked paid with the date and the transfer's reference; each statement as a page, a PDF
and a CSV or XLSX. The rules are in `stock.settlements`.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.businesses.models import Business
from marketplace.channels.models import Channel
from marketplace.channels.pages import pdf_response
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.notifications import decisions as tell
from marketplace.office.channel_views import bp, get_channel
from marketplace.office.forms import IssueForm, PaidForm
from marketplace.periods import bandung_today
from marketplace.spreadsheets import Format, spreadsheet_response
from marketplace.stock import settlements
from marketplace.stock.models import Settlement
from marketplace.stock.periods import period_before, period_of
from marketplace.stock.services import channel_today
from marketplace.stock.statement_files import statement_csv, statement_pdf, totals

PageResponse = str | Response | tuple[str, int]


def _period_start(channel: Channel) -> date:
    """The period asked for in the address, else the last one that has ended."""
    try:
        asked = date.fromisoformat(request.args.get("period", ""))
    except ValueError:
        asked = None
    day = asked or period_before(channel, channel_today(channel))[0]
    return period_of(channel, day)[0]


@bp.get("/<int:channel_id>/settlements")
def settlements_page(channel_id: int) -> str:
    channel = get_channel(channel_id)
    start = _period_start(channel)
    statements = [
        settlements.statement(channel, business, start)
        for business in settlements.businesses_with_stock(channel)
    ]
    end = period_of(channel, start)[1]
    return render_template(
        "office/channels/settlements.html",
        channel=channel,
        start=start,
        end=end,
        ended=end < channel_today(channel),
        percent=settlements.percent_text(channel.commission_percent),
        earlier=period_before(channel, start)[0],
        later=end + timedelta(days=1),
        rows=[(statement, totals(statement)) for statement in statements],
    )


@bp.post("/<int:channel_id>/settlements/issue")
def issue_settlement(channel_id: int) -> Response:
    channel = get_channel(channel_id)
    form = IssueForm()
    back = url_for(".settlements_page", channel_id=channel.id)
    if not form.validate_on_submit():
        flash(_("The statement could not be read. Please reload the page."), "error")
        return redirect(back)
    business = db.get_or_404(Business, form.business_id.data)
    assert form.period.data is not None
    start = period_of(channel, form.period.data)[0]
    back = url_for(".settlements_page", channel_id=channel.id, period=start.isoformat())
    try:
        settlement = settlements.issue_statement(channel, business, start, me())
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("The statement for %(name)s is issued.", name=business.name), "success")
    return redirect(url_for(".settlement", channel_id=channel.id, settlement_id=settlement.id))


def _settlement(channel: Channel, settlement_id: int) -> Settlement:
    settlement = db.session.get(Settlement, settlement_id)
    if settlement is None or settlement.channel_id != channel.id:
        abort(404)
    return settlement


def _settlement_page(channel: Channel, settlement: Settlement, form: PaidForm | None = None) -> str:
    if form is None:
        form = PaidForm(formdata=None, data={"paid_on": bandung_today()})
    statement = settlements.statement_of(settlement)
    return render_template(
        "office/channels/settlement.html",
        channel=channel,
        statement=statement,
        figures=totals(statement),
        form=form,
    )


@bp.get("/<int:channel_id>/settlements/<int:settlement_id>")
def settlement(channel_id: int, settlement_id: int) -> str:
    channel = get_channel(channel_id)
    return _settlement_page(channel, _settlement(channel, settlement_id))


@bp.post("/<int:channel_id>/settlements/<int:settlement_id>/paid")
def settlement_paid(channel_id: int, settlement_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    found = _settlement(channel, settlement_id)
    form = PaidForm()
    if not form.validate_on_submit():
        return _settlement_page(channel, found, form), 400
    assert form.paid_on.data is not None
    try:
        paid = settlements.mark_paid(found, me(), form.paid_on.data, form.reference.data or "")
        tell.settlement_paid(paid)
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return _settlement_page(channel, _settlement(channel, settlement_id), form), 400
    db.session.commit()
    flash(_("The statement is marked paid."), "success")
    return redirect(url_for(".settlement", channel_id=channel.id, settlement_id=settlement_id))


def _filename(settlement: Settlement) -> str:
    """The statement's file name, without its suffix."""
    period = f"{settlement.period_start:%Y-%m}"
    return f"settlement-{settlement.channel.slug}-{period}-{settlement.id}"


@bp.get("/<int:channel_id>/settlements/<int:settlement_id>.pdf")
def settlement_pdf(channel_id: int, settlement_id: int) -> Response:
    found = _settlement(get_channel(channel_id), settlement_id)
    data = statement_pdf(settlements.statement_of(found), str(get_locale()))
    return pdf_response(data, f"{_filename(found)}.pdf", private=True)


@bp.get("/<int:channel_id>/settlements/<int:settlement_id>.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/<int:channel_id>/settlements/<int:settlement_id>.csv", defaults={"fmt": "csv"})
def settlement_csv(channel_id: int, settlement_id: int, fmt: Format) -> Response:
    found = _settlement(get_channel(channel_id), settlement_id)
    header, rows = statement_csv(settlements.statement_of(found))
    return spreadsheet_response(_filename(found), header, rows, fmt)
