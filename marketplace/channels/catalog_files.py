"""A channel's printed catalog built ahead by the worker, so a visitor does not wait for it.

Building a catalog takes seconds (fonts, every product's photo re-encoded): 0.7 to 5 s for the
demo's line-ups on a busy 2-core machine. The scheduled job `refresh-catalog-pdfs` builds the
catalog of each public channel whose stored one is not current, stores it (media storage,
content-named) and records it with its version: the public data version (`versions.PUBLIC`,
moved by any change a catalog could show) and Bandung's day (the rate and the printed date).
The catalog page serves the stored file only while that version is still current, and
otherwise builds the catalog there and then as before: a visitor never gets an older catalog,
and never none. The version is read before the data, so a file is never labelled newer than
what it holds.
"""

from __future__ import annotations

import hashlib
from datetime import date

import sqlalchemy as sa
from flask import current_app

from marketplace import versions
from marketplace.channels import queries
from marketplace.channels.catalog import catalog_pdf
from marketplace.channels.models import CatalogFile, Channel
from marketplace.db import begin_write, db
from marketplace.ledger.rates import rate_in_force
from marketplace.media.backend import current_storage
from marketplace.media.transaction_files import discard_after_commit, track_new_files
from marketplace.periods import bandung_today


def catalog_version(public_version: int, today: date) -> str:
    return f"{public_version}@{today.isoformat()}"


def _public_version_now() -> int:
    """The public data version as committed now (not the process's copy of it)."""
    found = db.session.scalar(
        sa.select(versions.VERSIONS.c.version).where(versions.VERSIONS.c.name == versions.PUBLIC)
    )
    return int(found or 0)


def build_catalog(channel: Channel, today: date) -> bytes:
    nominations = list(db.session.scalars(queries.lineup(channel.id)).unique())
    rate = db.session.scalar(rate_in_force(channel.currency, today))
    return catalog_pdf(channel, nominations, rate, today)


def kept_catalog(channel: Channel, today: date) -> bytes | None:
    """The stored catalog if it was built from the data and day current now, else None."""
    kept = db.session.get(CatalogFile, channel.id)
    if kept is None or kept.version != catalog_version(versions.current(versions.PUBLIC), today):
        return None
    try:
        return current_storage().open(kept.file_key)
    except (OSError, KeyError, ValueError):
        current_app.logger.warning("The stored catalog %s could not be read", kept.file_key)
        return None


def refresh_catalog(channel_id: int) -> bool:
    """Build and store the channel's catalog unless the stored one is current; whether it was
    built. Leaves the transaction open (the job commits it, with the file settled then)."""
    begin_write()
    today = bandung_today()
    version = catalog_version(_public_version_now(), today)
    kept = db.session.get(CatalogFile, channel_id, with_for_update=True)
    if kept is not None and kept.version == version:
        return False
    channel = db.session.get_one(Channel, channel_id)
    data = build_catalog(channel, today)
    key = f"catalogs/{channel_id}/{hashlib.sha256(data).hexdigest()}.pdf"
    current_storage().save(key, data)
    track_new_files(key)
    if kept is None:
        db.session.add(CatalogFile(channel_id=channel_id, version=version, file_key=key))
    else:
        if kept.file_key != key:
            discard_after_commit(kept.file_key)
        kept.version, kept.file_key = version, key
    db.session.flush()
    return True


def public_channel_ids() -> list[int]:
    return list(db.session.scalars(queries.visible_channels().with_only_columns(Channel.id)))
