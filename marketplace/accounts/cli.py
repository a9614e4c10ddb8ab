"""Command-line account management: staff accounts are created here and nowhere else."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from marketplace.accounts.models import BuyerType, Role
from marketplace.accounts.services import BuyerDetails, create_account
from marketplace.db import begin_write, db
from marketplace.errors import ServiceError
from marketplace.i18n import UI_LOCALES


def _read_password() -> str:
    """From standard input when it is a pipe (scripts), else asked twice without echo."""
    if sys.stdin.isatty():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        return password
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException("No password was given on standard input.")
    return password


@click.command("create-user")
@click.option(
    "--role", type=click.Choice([role.value for role in Role]), required=True, help="The role."
)
@click.option("--email", required=True, help="The e-mail address, used to log in.")
@click.option("--name", required=True, help="The person's name.")
@click.option("--locale", type=click.Choice(list(UI_LOCALES)), default="en", show_default=True)
@click.option("--company", default="", help="Buyers: the company's name (required).")
@click.option("--country", default="", help="Buyers: ISO 3166 alpha-2 code, e.g. DE (required).")
@click.option("--city", default="", help="Buyers: the company's city.")
@click.option(
    "--buyer-type",
    type=click.Choice([kind.value for kind in BuyerType]),
    default=BuyerType.IMPORTER.value,
    show_default=True,
)
@with_appcontext
def create_user(
    role: str,
    email: str,
    name: str,
    locale: str,
    company: str,
    country: str,
    city: str,
    buyer_type: str,
) -> None:
    """Create an account whose e-mail address counts as verified.

    The password is read from standard input when it is not a terminal:
    `printf '%s\\n' "$PASSWORD" | flask --app wsgi create-user --role officer --email E --name N`
    """
    buyer = None
    if role == Role.BUYER:
        if not company.strip() or not country.strip():
            raise click.UsageError("A buyer needs --company and --country.")
        buyer = BuyerDetails(
            company=company,
            buyer_type=BuyerType(buyer_type),
            city=city,
            country_code=country.strip().upper(),
        )
    password = _read_password()
    begin_write()
    try:
        user = create_account(
            email=email,
            name=name,
            password=password,
            role=Role(role),
            locale=locale,
            buyer=buyer,
            verified=True,
        )
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {role} {user.email}")
