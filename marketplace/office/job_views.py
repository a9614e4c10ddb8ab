"""Background jobs (/office/jobs): how many wait, run, are late or failed per task, and the
failed ones (the dead-letter list) with their last error, to run again or discard."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from marketplace.accounts.current import me
from marketplace.db import db, utcnow
from marketplace.jobs import queries
from marketplace.office import jobs
from marketplace.office.blueprint import bp
from marketplace.office.forms import DecisionForm
from marketplace.office.review_views import PageResponse, decide

DEAD_SHOWN = 200


def _page(status: int = 200) -> tuple[str, int]:
    now = utcnow()
    rows = db.session.execute(queries.counts_by_name(now))
    counts = [queries.NameCounts(name, *numbers) for name, *numbers in rows]
    page = render_template(
        "office/jobs.html",
        counts=counts,
        dead=db.session.scalars(queries.dead_jobs().limit(DEAD_SHOWN)).all(),
        late_minutes=int(queries.LATE_AFTER.total_seconds() // 60),
    )
    return page, status


@bp.get("/jobs")
def job_list() -> PageResponse:
    return _page()


@bp.post("/jobs/<int:job_id>/run-again")
def run_job_again(job_id: int) -> PageResponse:
    if not DecisionForm().validate_on_submit():
        return _page(400)
    back = url_for(".job_list")
    return decide(
        lambda: jobs.run_again(job_id, me()), _("The job is queued to run again."), back, back
    )


@bp.post("/jobs/<int:job_id>/discard")
def discard_job(job_id: int) -> PageResponse:
    if not DecisionForm().validate_on_submit():
        return _page(400)
    back = url_for(".job_list")
    return decide(lambda: jobs.discard(job_id, me()), _("The job is discarded."), back, back)
