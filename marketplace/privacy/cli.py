"""`flask purge-stand-visitors`: erase the details of visitors met at a stand once they have
been kept as long as the privacy notice says (run daily, like the other cron jobs)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from marketplace.db import begin_write, db, utcnow
from marketplace.privacy.services import VISITOR_KEEP_DAYS, purge_visitors


@click.command("purge-stand-visitors")
@with_appcontext
def purge_stand_visitors_command() -> None:
    """Erase the details of stand visitors whose lead is older than the notice allows."""
    begin_write()
    gone = purge_visitors(utcnow() - timedelta(days=VISITOR_KEEP_DAYS))
    db.session.commit()
    click.echo(
        f"Erased the details of {gone} stand visitor(s) older than {VISITOR_KEEP_DAYS} days."
    )
