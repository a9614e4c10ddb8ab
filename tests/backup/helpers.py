"""Builders for backup tests: a marketplace with files on disk, snapshots of the whole state,
the two commands, and hand-edited archives (to play a damaged or hostile one).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.businesses.scans import store_scan
from marketplace.db import db
from marketplace.media.backend import current_storage
from marketplace.media.images import store_image
from marketplace.products.models import Product, ProductImage
from tests.businesses.helpers import media_files
from tests.factories import make_business, make_buyer, make_certification, make_product, make_user
from tests.interests.helpers import express
from tests.products.images import jpeg

Members = dict[str, bytes]


@dataclass
class World:
    """Ids and names of what `make_world` built, readable outside the app context."""

    kept_product_id: int
    doomed_product_id: int
    doomed_product_name: str
    photo_keys: list[str]


def _photo(product: Product, seed: int, position: int) -> list[str]:
    processed = store_image(current_storage(), jpeg((600, 450), seed=seed))
    product.images.append(
        ProductImage(
            digest=processed.digest,
            width=processed.width,
            height=processed.height,
            position=position,
        )
    )
    return [variant.key for variant in processed.variants.values()]


def make_world(app: Flask) -> World:
    """Users, a verified business with a logo and a scanned certificate, two published products
    with photos on disk, an interest with its conversation and notifications; committed."""
    with app.app_context():
        storage = current_storage()
        logo = store_image(storage, jpeg((400, 400), seed=80))
        business = make_business(make_user(Role.MSME), logo_key=logo.key_for(320))
        scan = store_scan(storage, jpeg((500, 700), seed=81))
        make_certification(business, scan_key=scan.key, scan_content_type=scan.content_type)
        kept = make_product(business, name="Batik silk scarf", photos=0)
        doomed = make_product(business, name="Bamboo lampshade", photos=0)
        keys = _photo(kept, 82, 0) + _photo(kept, 83, 1) + _photo(doomed, 84, 0)
        db.session.flush()
        express(make_buyer(), kept)
        make_user(Role.OFFICER)
        db.session.commit()
        return World(kept.id, doomed.id, doomed.name, keys)


def change_everything(app: Flask, world: World) -> None:
    """What happens after a backup: a product deleted, a user added, another renamed, a photo
    file lost, a new file stored."""
    with app.app_context():
        db.session.delete(db.session.get_one(Product, world.doomed_product_id))
        make_user(Role.BUYER, name="Arrived after the backup")
        db.session.execute(sa.text("UPDATE users SET name = 'Renamed' WHERE role = 'officer'"))
        store_image(current_storage(), jpeg((300, 300), seed=85))
        db.session.commit()
        current_storage().delete(world.photo_keys[0])


def database_rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the database has (alembic_version and the search index
    included), each table's rows in a stable order."""
    with app.app_context(), db.engine.connect() as connection:
        rows = {}
        for name in sa.inspect(connection).get_table_names():
            result = connection.execute(sa.select(sa.text("*")).select_from(sa.table(name)))
            rows[name] = sorted((tuple(row) for row in result), key=repr)
        return rows


SCHEMA_QUERIES = {
    # Tables, the FTS5 table, indexes and triggers, as SQLite keeps them.
    "sqlite": "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
    "postgresql": (
        "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        # A CHECK's text may come back deparsed differently (same meaning): name and kind.
        " UNION ALL SELECT 'constraint', conname, contype::text FROM pg_constraint"
        " WHERE connamespace = 'public'::regnamespace"
        " UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger"
        " WHERE NOT tgisinternal"
        " UNION ALL SELECT 'function', proname, pg_get_functiondef(oid) FROM pg_proc"
        " WHERE pronamespace = 'public'::regnamespace"
    ),
}


def schema_objects(app: Flask) -> list[tuple[Any, ...]]:
    """Every index, constraint, trigger and function of the database, as the database says."""
    with app.app_context(), db.engine.connect() as connection:
        query = SCHEMA_QUERIES[connection.dialect.name]
        return sorted(tuple(row) for row in connection.exec_driver_sql(query))


def media_bytes(app: Flask) -> dict[str, bytes]:
    with app.app_context():
        storage = current_storage()
        return {key: storage.open(key) for key in media_files(app)}


def backup(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["backup", *args])


def restore(app: Flask, archive: Path, *args: str, confirm: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=["restore", str(archive), *args], input=confirm)


# --- hand-edited archives --------------------------------------------------------------------


def read_members(archive: Path) -> Members:
    with tarfile.open(archive, "r:gz") as tar:
        members = {}
        for member in tar:
            handle = tar.extractfile(member)
            assert handle is not None
            members[member.name] = handle.read()
        return members


def write_members(
    archive: Path, members: Members, extra: Callable[[tarfile.TarFile], None] | None = None
) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if extra:
            extra(tar)
    return archive


def manifest(members: Members) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(members["manifest.json"])
    return data


def set_manifest(members: Members, data: dict[str, Any]) -> None:
    members["manifest.json"] = json.dumps(data).encode()


def reseal(members: Members) -> None:
    """List every entry in the manifest with its true size and checksum (a consistent archive
    whose only fault is the one a test put there)."""
    data = manifest(members)
    data["files"] = [
        {"path": name, "size": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
        for name, blob in members.items()
        if name != "manifest.json"
    ]
    set_manifest(members, data)
