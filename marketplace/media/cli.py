"""`flask media-gc`: remove stored files that no row refers to any more.

A request's own files are settled when its transaction ends (`media.transaction_files`), so
orphans appear only when a process dies between storing and committing, or a deletion failed.
Files younger than --min-age minutes are kept, because an upload in flight stores its files
before its transaction commits (a file's age is its time in the store's own listing: the
file's mtime on disk, an object's LastModified).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import click
from flask.cli import with_appcontext

from marketplace.media.backend import current_storage
from marketplace.media.references import referenced_keys

DEFAULT_MIN_AGE_MINUTES = 60


@dataclass
class Collected:
    removed: list[str] = field(default_factory=list)
    kept_young: int = 0


def remove_orphans(min_age: int, dry_run: bool = False) -> Collected:
    """Delete (or with `dry_run` only list) the stored files no row names, but those younger
    than `min_age` minutes."""
    storage = current_storage()
    keep = referenced_keys()
    cutoff = time.time() - min_age * 60
    collected = Collected()
    for key, modified in list(storage.entries()):
        if key in keep:
            continue
        if min_age and modified > cutoff:
            collected.kept_young += 1
            continue
        if not dry_run:
            storage.delete(key)
        collected.removed.append(key)
    return collected


@click.command("media-gc")
@click.option(
    "--min-age",
    default=DEFAULT_MIN_AGE_MINUTES,
    show_default=True,
    type=click.IntRange(min=0),
    help="Keep orphans younger than this many minutes (uploads in flight).",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@with_appcontext
def media_gc(min_age: int, dry_run: bool) -> None:
    """Delete media files that no product photo, logo or certificate scan uses."""
    collected = remove_orphans(min_age, dry_run)
    if dry_run:
        for key in collected.removed:
            click.echo(f"would remove {key}")
    removed, kept_young = len(collected.removed), collected.kept_young
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"{verb} {removed} orphaned file(s); kept {kept_young} younger than {min_age} min.")
