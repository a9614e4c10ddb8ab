"""`flask close-buying-requests`: tells buyers that the quotes for their requests closed."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.db import begin_write, db
from marketplace.rfq.services import tell_closed


@click.command("close-buying-requests")
@with_appcontext
def close_buying_requests_command() -> None:
    """Tell each buyer once that their request passed its deadline, with its quotes."""
    begin_write()
    told = tell_closed()
    db.session.commit()
    click.echo(f"Told the buyers of {told} buying request(s) that quotes had closed.")
