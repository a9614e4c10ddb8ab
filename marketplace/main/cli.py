"""`flask seed-demo`: the reference data and a ready-to-click demo, with its logins."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.channels.seed import load_reference_data
from marketplace.db import begin_write, db
from marketplace.main.demo import (
    DEMO_PASSWORD,
    DemoContentError,
    DemoLogin,
    create_demo_content,
)
from marketplace.media.backend import current_storage


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the reference data and create the demo accounts, businesses and products.

    Safe to run again: what exists is left as it is, and nothing is created twice.
    """
    begin_write()
    try:
        reference = load_reference_data()
        report = create_demo_content(current_storage())
    except DemoContentError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()

    click.echo(
        f"Reference data: {reference['created']} rows created, {reference['updated']} updated."
    )
    click.echo(
        f"Demo content: {report.accounts} accounts, {report.businesses} businesses, "
        f"{report.products} products and {report.photos} photos created."
    )
    click.echo(f"Channel line-ups: {report.placed} products placed.")
    click.echo(f"Exchange rates: {report.rates} set.")
    click.echo(f"Announcements: {report.announcements} sent.")
    click.echo(f"Conversations of the demo buyer: {report.conversations} created.")
    click.echo(f"Business-matching events created: {report.matching}.")
    click.echo()
    click.echo(f"Demo logins (every account uses the password {DEMO_PASSWORD}):")
    click.echo()
    click.echo(_table(report.logins))


def _table(logins: list[DemoLogin]) -> str:
    rows = [["Role", "E-mail", "Password", "Who"]]
    rows += [[login.role.value, login.email, DEMO_PASSWORD, login.who] for login in logins]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    rows.insert(1, ["-" * width for width in widths])
    lines = (
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    )
    return "\n".join("  " + line.rstrip() for line in lines)
