"""The nightly removal of stored files no row uses (see `jobs.schedule`), as `flask media-gc`."""

from __future__ import annotations

from marketplace.jobs.registry import Payload, task
from marketplace.media.cli import DEFAULT_MIN_AGE_MINUTES, remove_orphans


@task("media-gc")
def media_gc_task(_payload: Payload) -> None:
    remove_orphans(DEFAULT_MIN_AGE_MINUTES)
