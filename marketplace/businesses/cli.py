"""The businesses' cron job: `flask remind-certificates` reminds owners of certificates about
to expire."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.businesses.reminders import REMIND_BEFORE, remind_certificates
from marketplace.db import begin_write, db


@click.command("remind-certificates")
@with_appcontext
def remind_certificates_command() -> None:
    """Remind owners of certificates expiring within 30 days, once per expiry date."""
    begin_write()
    reminded = remind_certificates()
    db.session.commit()
    click.echo(
        f"Reminded the owners of {reminded} certificate(s) expiring within "
        f"{REMIND_BEFORE.days} days."
    )
