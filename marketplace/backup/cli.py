"""`flask backup` and `flask restore`: the whole marketplace in one archive, and back.

The archive holds password hashes and private certificate scans: it is written readable by its
owner only, and must be kept as safe as the server. Stop the server before a restore.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace.backup.archive import BackupError
from marketplace.backup.services import archive_name, create_backup, open_backup, restore_backup
from marketplace.db import utcnow
from marketplace.media.backend import current_storage


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _output(option: Path | None) -> Path:
    """The archive to write: --output as given, a default name inside --output when it is a
    folder, or instance/backups/ when there is no --output."""
    name = archive_name(utcnow())
    if option is None:
        return Path(current_app.instance_path) / "backups" / name
    return option / name if option.is_dir() else option


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
    help="The archive to write, or a folder for it "
    "[default: instance/backups/marketplace-<UTC time>.tar.gz].",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Back up the database and every media file into one .tar.gz archive."""
    target = _output(output)
    try:
        manifest = create_backup(current_storage(), target)
    except BackupError as error:
        raise click.ClickException(error.message) from None
    media = manifest.media_keys
    click.echo(
        f"Backed up the {manifest.dialect} database (schema {manifest.alembic_revision}) and "
        f"{len(media)} media file(s) ({_megabytes(manifest.media_bytes)}) to {target}"
    )
    click.echo("It holds password hashes and private scans: keep it as safe as the server.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Restore without asking for confirmation.")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """Replace the database and every media file with the contents of ARCHIVE.

    Stop the server first. The archive is checked completely before anything is changed.
    """
    with tempfile.TemporaryDirectory(prefix="marketplace-restore-") as staging:
        try:
            backup = open_backup(archive, Path(staging))
        except BackupError as error:
            raise click.ClickException(error.message) from None
        manifest = backup.manifest
        click.echo(
            f"Backup of {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC: {manifest.dialect} database "
            f"at schema {manifest.alembic_revision}, {len(manifest.media_keys)} media file(s) "
            f"({_megabytes(manifest.media_bytes)})."
        )
        if not yes:
            click.confirm(
                "Replace the current database and media files with this backup?", abort=True
            )
        try:
            restore_backup(current_storage(), backup)
        except BackupError as error:
            raise click.ClickException(error.message) from None
    click.echo("Restored the database and the media files.")
    if backup.needs_upgrade:
        click.echo("The backup's schema is older than this code: run `flask db upgrade` now.")
