"""The outbox's jobs: each message delivered by a job queued with it, and a sweep every minute
for any message whose job could not deliver it (a safety net)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from marketplace.jobs.registry import Payload, task
from marketplace.mail.sending import send_one, send_pending

# The sweep leaves younger messages to their own jobs.
SWEEP_AFTER = timedelta(minutes=2)


@task("send-email", max_attempts=8)
def send_email(payload: Payload) -> None:
    send_one(int(payload["email_id"]))


@task("send-outbox")
def send_outbox(_payload: Payload) -> None:
    sweep = send_pending(older_than=SWEEP_AFTER)
    if sweep.sent or sweep.failed:
        current_app.logger.getChild("mail").info(
            "Outbox sweep: sent %d message(s); %d failed.", sweep.sent, sweep.failed
        )
