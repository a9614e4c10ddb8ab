"""The office's page of background jobs (/office/jobs): counts per task (queued, running, late,
failed) and the failed jobs with their last error, to run again or discard, each decision
audited; the office's only, with a CSRF token, decided once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role, User
from marketplace.db import db, utcnow
from marketplace.jobs.models import Job, JobStatus
from marketplace.ledger.models import AuditEntry
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.office.helpers import flashes, submit, submit_from

PAGE = "/office/jobs"


def _job(name: str, status: JobStatus, **values: Any) -> int:
    job = Job(name=name, payload=values.pop("payload", {}), status=status, **values)
    db.session.add(job)
    db.session.flush()
    return job.id


def _world(app: Flask) -> dict[str, int]:
    now = utcnow()
    with app.app_context():
        ids = {
            "dead": _job(
                "send-email",
                JobStatus.DEAD,
                payload={"email_id": 41},
                attempts=8,
                max_attempts=8,
                last_error="SMTPRecipientsRefused: {'x@example.org': (550, 'No such user')}",
                finished_at=now,
            ),
            "queued": _job("send-email", JobStatus.QUEUED),
            "late": _job("remind-unanswered", JobStatus.QUEUED, run_at=now - timedelta(hours=2)),
            "waiting": _job("remind-unanswered", JobStatus.QUEUED, run_at=now + timedelta(hours=1)),
            "stalled": _job(
                "media-gc",
                JobStatus.RUNNING,
                attempts=1,
                locked_by="host:1:a",
                locked_until=now - timedelta(minutes=1),
            ),
            "done": _job("media-gc", JobStatus.DONE, finished_at=now),
        }
        db.session.commit()
    return ids


def _row(html: str, name: str) -> list[str]:
    start = html.index(f'<th scope="row"><code>{name}</code></th>')
    row = html[start : html.index("</tr>", start)]
    return [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def test_the_page_counts_jobs_per_task_and_lists_the_failed_ones(
    app: Flask, login_as: Any, officer: User
) -> None:
    _world(app)
    client = login_as(officer)
    office = client.get("/office/").get_data(as_text=True)
    assert f'href="{PAGE}"' in office  # linked from the office's navigation

    html = client.get(PAGE).get_data(as_text=True)
    assert _row(html, "send-email") == ["1", "0", "0", "<strong>1</strong>"]
    # Queued: the one due two hours ago (late) and the one waiting for its hour.
    assert _row(html, "remind-unanswered") == ["2", "0", "<strong>1</strong>", "0"]
    # Running past its lease: late too; the done one is not counted.
    assert _row(html, "media-gc") == ["0", "1", "<strong>1</strong>", "0"]
    # The dead-letter list: the task, its payload, attempts and last error.
    assert "SMTPRecipientsRefused" in html and "No such user" in html
    assert "8 / 8" in html and "email_id" in html


def test_run_again_queues_the_failed_job_with_all_its_attempts_and_audits_it(
    app: Flask, login_as: Any, officer: User
) -> None:
    ids = _world(app)
    client = login_as(officer)
    action = f"{PAGE}/{ids['dead']}/run-again"
    old_page = client.get(PAGE).get_data(as_text=True)
    response = submit_from(client, old_page, action, follow_redirects=True)
    assert "The job is queued to run again." in flashes(response)
    with app.app_context():
        job = db.session.get_one(Job, ids["dead"])
        assert (job.status, job.attempts, job.finished_at) == (JobStatus.QUEUED, 0, None)
        assert job.run_at <= utcnow()
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert (entry.actor_id, entry.action, entry.subject_type, entry.subject_id) == (
            officer.id,
            "job.run_again",
            "job",
            ids["dead"],
        )
        assert entry.before is not None and entry.before["name"] == "send-email"
    # Pressed again from the old page: it is not dead any more, so nothing more happens.
    again = submit_from(client, old_page, action, follow_redirects=True)
    assert "This job is no longer in the list of failed jobs." in flashes(again)


def test_discard_deletes_the_failed_job_and_the_audit_log_keeps_it(
    app: Flask, login_as: Any, officer: User
) -> None:
    ids = _world(app)
    client = login_as(officer)
    response = submit(client, PAGE, f"{PAGE}/{ids['dead']}/discard", follow_redirects=True)
    assert "The job is discarded." in flashes(response)
    with app.app_context():
        assert db.session.get(Job, ids["dead"]) is None
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert (entry.action, entry.subject_id) == ("job.discarded", ids["dead"])
        assert entry.before is not None and entry.before["payload"] == {"email_id": 41}
        assert "No such user" in entry.before["last_error"]


def test_only_a_dead_job_is_run_again_or_discarded(
    app: Flask, login_as: Any, officer: User
) -> None:
    ids = _world(app)
    client = login_as(officer)
    token = csrf_token(client, PAGE)
    for which in ("queued", "stalled", "done"):
        for verb in ("run-again", "discard"):
            response = client.post(
                f"{PAGE}/{ids[which]}/{verb}", data={"csrf_token": token}, follow_redirects=True
            )
            assert "no longer in the list of failed jobs" in flashes(response)
    missing = client.post(f"{PAGE}/999999/discard", data={"csrf_token": token})
    assert missing.status_code == 302
    with app.app_context():
        statuses = {i: st for i, st in db.session.execute(sa.select(Job.id, Job.status))}
        assert statuses[ids["queued"]] == JobStatus.QUEUED
        assert statuses[ids["stalled"]] == JobStatus.RUNNING
        assert statuses[ids["done"]] == JobStatus.DONE
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_without_the_csrf_token_or_as_anyone_but_the_office_nothing_changes(
    app: Flask, login_as: Any, officer: User
) -> None:
    ids = _world(app)
    client = login_as(officer)
    for verb in ("run-again", "discard"):
        assert client.post(f"{PAGE}/{ids['dead']}/{verb}").status_code == 400
    with app.app_context():
        owner = make_user(Role.MSME)
        buyer = make_user(Role.BUYER)
        coordinator = make_user(Role.COORDINATOR)
        db.session.commit()
        others = [login_as(user) for user in (owner, buyer, coordinator)]
    for other in others:
        assert other.get(PAGE).status_code == 403
        for verb in ("run-again", "discard"):
            assert other.post(f"{PAGE}/{ids['dead']}/{verb}").status_code in (400, 403)
    assert app.test_client().get(PAGE).status_code == 302  # to the login page
    with app.app_context():
        job = db.session.get_one(Job, ids["dead"])
        assert (job.status, job.attempts) == (JobStatus.DEAD, 8)
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0
