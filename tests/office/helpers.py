"""Helpers for the office's tests: submitting a page's own form as a browser would (with its
hidden fields: the CSRF token and what the officer saw), and reading what the database holds.
"""

from __future__ import annotations

import html
import re
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.ledger.models import AuditEntry

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
ACTION = re.compile(r'action="([^"]*)"')
HIDDEN = re.compile(r'<input\b(?=[^>]*type="hidden")[^>]*>')
NAME = re.compile(r'name="([^"]*)"')
VALUE = re.compile(r'value="([^"]*)"')


def form_fields(page_html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form on the page that posts to `action`."""
    for form in FORM.findall(page_html):
        found = ACTION.search(form)
        if found and html.unescape(found.group(1)) == action:
            fields = {}
            for tag in HIDDEN.findall(form):
                name, value = NAME.search(tag), VALUE.search(tag)
                if name:
                    fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
            return fields
    raise AssertionError(f"no form posting to {action}")


def submit(
    client: FlaskClient,
    page: str,
    action: str,
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Open `page`, fill the form that posts to `action` with `data`, and send it."""
    page_html = client.get(page).get_data(as_text=True)
    return submit_from(client, page_html, action, data, **kwargs)


def submit_from(
    client: FlaskClient,
    page_html: str,
    action: str,
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Send a form of a page opened earlier (a stale page, when others decided since)."""
    return client.post(action, data={**form_fields(page_html, action), **(data or {})}, **kwargs)


def audit_actions(app: Flask, subject_type: str, subject_id: int) -> list[tuple[str, int | None]]:
    """(action, actor id) of every audit entry of a record, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.actor_id)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
        return [(action, actor) for action, actor in rows]


def flashes(response: Any) -> str:
    return " ".join(
        re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', response.get_data(as_text=True))
    )
