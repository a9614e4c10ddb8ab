"""The interests' cron jobs: `flask remind-unanswered` reminds MSMEs of interests left
unanswered; `flask purge-pending-interests` deletes visitors' interests nobody confirmed."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.db import begin_write, db
from marketplace.interests.pending import link_lifetime, purge_expired
from marketplace.interests.reminders import ESCALATE_AFTER, REMIND_AFTER, remind_unanswered


@click.command("remind-unanswered")
@with_appcontext
def remind_unanswered_command() -> None:
    """Remind owners of interests unanswered after 48 hours; tell the office after 5 days."""
    begin_write()
    run = remind_unanswered()
    db.session.commit()
    hours = int(REMIND_AFTER.total_seconds() // 3600)
    click.echo(f"Reminded the owners of {run.reminded} interest(s) unanswered after {hours} hours.")
    if not run.officers:
        click.echo("There is no active officer to tell about long-unanswered interests.")
    else:
        click.echo(
            f"Told {run.officers} officer(s) about {run.escalated} interest(s) "
            f"unanswered after {ESCALATE_AFTER.days} days."
        )


@click.command("purge-pending-interests")
@with_appcontext
def purge_pending_command() -> None:
    """Delete visitors' interests sent longer ago than their confirmation link lives."""
    begin_write()
    gone = purge_expired()
    db.session.commit()
    hours = int(link_lifetime().total_seconds() // 3600)
    click.echo(f"Deleted {gone} pending interest(s) older than {hours} hours.")
