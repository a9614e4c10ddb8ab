"""Requests at the same moment: each a real request through the app's whole stack, in a thread
of its own with its own client, released together by a barrier.

Everything a request needs (its CSRF token, its encoded body) is prepared before the barrier, so
the requests really overlap inside the views and the database.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import csrf_token

TIMEOUT = 60

Request = Callable[[], Any]


def run_together(requests: Sequence[Request]) -> list[Any]:
    """Run every request at once; the results (or the exception raised) in the same order."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def run(index: int) -> None:
        barrier.wait(timeout=TIMEOUT)
        try:
            results[index] = requests[index]()
        except BaseException as error:  # surfaced by the caller's assertions
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    return results


def form_post(client: FlaskClient, url: str, data: dict[str, Any], page: str) -> Request:
    """A form post, its CSRF token read from `page` now; the status code when run."""
    payload = {**data, "csrf_token": csrf_token(client, page)}

    def post() -> int:
        with client.post(url, data=payload) as response:
            return response.status_code

    return post


def files_post(
    client: FlaskClient, url: str, files: dict[str, list[tuple[bytes, str]]], page: str
) -> Request:
    """A multipart post of named files, encoded now; the status code when run."""
    values: MultiDict[str, Any] = MultiDict({"csrf_token": csrf_token(client, page)})
    for name, items in files.items():
        for data, filename in items:
            values.add(name, FileStorage(io.BytesIO(data), filename=filename))
    boundary, body = encode_multipart(values)

    def post() -> int:
        with client.post(
            url, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        ) as response:
            return response.status_code

    return post
