"""The office's curation pages, on the `channel_admin` blueprint (/office/channels/<id>/...):
the nominations of a channel side by side with scores and decisions, the accepted line-up
with shelf codes and the showroom flow, and the printable sheet of QR shelf tags.

Each nomination's forms carry a prefix with its id, so one page holds a form per nomination
and a refused submission is shown again beside the nomination it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.accounts.current import me
from marketplace.channels import queries, services
from marketplace.channels import shelf as shelf_flow
from marketplace.channels.forms import DecisionForm, ScoreForm, ShelfCodeForm
from marketplace.channels.models import (
    Channel,
    Nomination,
    NominationScore,
    NominationStatus,
)
from marketplace.channels.pages import pdf_response
from marketplace.channels.qr import tag_url
from marketplace.channels.tag_sheet import tag_sheet
from marketplace.db import db
from marketplace.errors import ServiceError
from marketplace.forms import Form
from marketplace.interests.replies import ReplyRecord, reply_records
from marketplace.ledger.rates import rate_in_force
from marketplace.office import decisions
from marketplace.office.channel_views import bp, get_channel
from marketplace.periods import bandung_today

__all__ = ["bp"]

PageResponse = str | Response | tuple[str, int]
# A refused form to show again: (which form, nomination id) -> the form with its errors.
Failed = dict[tuple[str, int], Form]


@dataclass
class ReviewRow:
    nomination: Nomination
    reply: ReplyRecord
    scores: list[tuple[NominationScore, str]] = field(default_factory=list)
    score_form: ScoreForm | None = None
    decision_form: DecisionForm | None = None

    @property
    def average(self) -> float | None:
        if not self.scores:
            return None
        return sum(score.score for score, _name in self.scores) / len(self.scores)


def _nomination(channel: Channel, nomination_id: int) -> Nomination:
    """A nomination of this channel; any other id answers 404."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or nomination.channel_id != channel.id:
        abort(404)
    return nomination


def _review_page(channel: Channel, failed: Failed | None = None) -> str:
    nominations = db.session.scalars(queries.nominations_for_review(channel.id)).unique().all()
    ids = [n.id for n in nominations]
    scores: dict[int, list[tuple[NominationScore, str]]] = {}
    for score, name in db.session.execute(queries.score_officers(ids)):
        scores.setdefault(score.nomination_id, []).append((score, name))
    replies = reply_records([n.product.business_id for n in nominations])
    officer_id = me().id
    failed = failed or {}
    rows = []
    for nomination in nominations:
        row = ReviewRow(
            nomination, replies[nomination.product.business_id], scores.get(nomination.id, [])
        )
        if nomination.status == NominationStatus.NOMINATED:
            mine = next((s for s, _name in row.scores if s.officer_id == officer_id), None)
            score_form = failed.get(("score", nomination.id))
            decision_form = failed.get(("decision", nomination.id))
            row.score_form = (
                score_form
                if isinstance(score_form, ScoreForm)
                else ScoreForm(
                    formdata=None,
                    prefix=f"n{nomination.id}-score",
                    data={"score": str(mine.score), "comment": mine.comment} if mine else None,
                )
            )
            row.decision_form = (
                decision_form
                if isinstance(decision_form, DecisionForm)
                else DecisionForm(formdata=None, prefix=f"n{nomination.id}-decision")
            )
        rows.append(row)
    return render_template(
        "office/channels/review.html",
        channel=channel,
        rows=rows,
        accepted=services.accepted_count(channel.id),
    )


@bp.get("/<int:channel_id>")
def review(channel_id: int) -> str:
    return _review_page(get_channel(channel_id))


@bp.post("/<int:channel_id>/nominations/<int:nomination_id>/score")
def score(channel_id: int, nomination_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    nomination = _nomination(channel, nomination_id)
    form = ScoreForm(prefix=f"n{nomination.id}-score")
    if form.validate_on_submit():
        try:
            decisions.score_nomination(
                nomination, me(), int(form.score.data), form.comment.data or ""
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(_("Your score is saved."), "success")
        return redirect(url_for(".review", channel_id=channel.id, _anchor=f"n{nomination.id}"))
    return _review_page(channel, {("score", nomination.id): form}), 400


@bp.post("/<int:channel_id>/nominations/<int:nomination_id>/decide")
def decide(channel_id: int, nomination_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    nomination = _nomination(channel, nomination_id)
    form = DecisionForm(prefix=f"n{nomination.id}-decision")
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        try:
            decisions.decide_nomination(
                nomination, me(), accept, form.reason.data or "", form.shelf_code.data or None
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            name = nomination.product.name
            if accept:
                flash(_("%(product)s is accepted.", product=name), "success")
            else:
                flash(_("%(product)s is declined.", product=name), "success")
        return redirect(url_for(".review", channel_id=channel.id))
    return _review_page(channel, {("decision", nomination.id): form}), 400


# ---------------------------------------------------------------------------------------------
# The accepted line-up


def _lineup_page(channel: Channel, failed: Failed | None = None) -> str:
    nominations = (
        db.session.scalars(
            queries.nominations_for_review(channel.id).where(
                Nomination.status == NominationStatus.ACCEPTED
            )
        )
        .unique()
        .all()
    )
    rows = []
    for nomination in nominations:
        prefix = f"n{nomination.id}"
        forms: dict[str, Form] = {
            "shelf": ShelfCodeForm(
                formdata=None, prefix=f"{prefix}-shelf", data={"shelf_code": nomination.shelf_code}
            )
        }
        for (kind, nomination_id), form in (failed or {}).items():
            if nomination_id == nomination.id:
                forms[kind] = form
        rows.append((nomination, forms))
    return render_template(
        "office/channels/lineup.html",
        channel=channel,
        rows=rows,
        tag_url=tag_url,
    )


@bp.get("/<int:channel_id>/lineup")
def lineup(channel_id: int) -> str:
    return _lineup_page(get_channel(channel_id))


def _after(channel: Channel, action: Callable[[], object], done: str) -> Response:
    try:
        action()
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".lineup", channel_id=channel.id))


@bp.post("/<int:channel_id>/nominations/<int:nomination_id>/shelf")
def shelf(channel_id: int, nomination_id: int) -> PageResponse:
    channel = get_channel(channel_id)
    nomination = _nomination(channel, nomination_id)
    form = ShelfCodeForm(prefix=f"n{nomination.id}-shelf")
    if not form.validate_on_submit():
        return _lineup_page(channel, {("shelf", nomination.id): form}), 400
    return _after(
        channel,
        lambda: shelf_flow.set_shelf_code(nomination, me(), form.shelf_code.data or ""),
        _("The shelf or booth code is saved."),
    )


@bp.get("/<int:channel_id>/tags.pdf")
def tags(channel_id: int) -> Response:
    """Tags for every product on show, public or not: the shelf needs one for each (a product
    returned from the showroom has left it)."""
    channel = get_channel(channel_id)
    today = bandung_today()
    nominations = list(
        db.session.scalars(
            queries.nominations_for_review(channel.id).where(queries.on_show())
        ).unique()
    )
    rate = db.session.scalar(rate_in_force(channel.currency, today))
    data = tag_sheet(channel, nominations, rate, today)
    return pdf_response(data, f"{channel.slug}-tags.pdf", private=True)
