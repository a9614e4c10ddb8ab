"""The storage the application is configured with: the one place that picks a backend.

MEDIA_S3_BUCKET set: the S3-compatible object store (`S3Storage`), through one boto3 client
per app, kept in `app.extensions` (a client takes tens of milliseconds to make and is safe to
share between threads). Else the local disk under MEDIA_ROOT (`LocalStorage`), the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from marketplace.media.storage import LocalStorage, S3Storage, Storage

CLIENT = "media_s3_clients"  # key in app.extensions
CLIENT_SETTINGS = (
    "MEDIA_S3_ENDPOINT_URL",
    "MEDIA_S3_REGION",
    "MEDIA_S3_ACCESS_KEY_ID",
    "MEDIA_S3_SECRET_ACCESS_KEY",
)


def current_storage() -> Storage:
    config = current_app.config
    bucket = config.get("MEDIA_S3_BUCKET", "")
    if not bucket:
        return LocalStorage(config["MEDIA_ROOT"])
    # Kept under what it was made from: a setting changed at run time (tests) gets its own.
    made_from = tuple(config.get(name) for name in CLIENT_SETTINGS)
    clients = current_app.extensions.setdefault(CLIENT, {})
    client = clients.get(made_from)
    if client is None:
        client = clients.setdefault(made_from, s3_client(config))
    return S3Storage(client, bucket, config.get("MEDIA_S3_PREFIX", ""))


def s3_client(config: Mapping[str, Any]) -> Any:
    """A client that gives up quickly (a page waits on it) and retries what S3 asks to be
    retried (botocore's standard mode: throttling, 5xx, dropped connections)."""
    import boto3  # only a deployment with a bucket pays for the import
    from botocore.config import Config

    endpoint = config.get("MEDIA_S3_ENDPOINT_URL") or None
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=config.get("MEDIA_S3_REGION") or "us-east-1",
        aws_access_key_id=config.get("MEDIA_S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
        config=Config(
            connect_timeout=2,
            read_timeout=5,
            retries={"mode": "standard", "max_attempts": 3},
            # Another store than AWS's is addressed by path (bucket names as host names need
            # a DNS entry per bucket there).
            s3={"addressing_style": "path" if endpoint else "auto"},
        ),
    )
