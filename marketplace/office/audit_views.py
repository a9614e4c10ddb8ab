"""The audit log (/office/audit): every decision and change of status with who, when, what, the
state before and after, and why; filtered by who, the record, the action and the dates; newest
first, page by page; and downloadable as CSV or XLSX with the same filters. Read only: no route
changes or deletes an entry."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from flask import Response, render_template, request, url_for
from flask_babel import get_locale
from wtforms import SelectChoice

from marketplace.db import db
from marketplace.labels import label, status_label
from marketplace.ledger.models import AuditEntry
from marketplace.money import format_rupiah
from marketplace.office import queries
from marketplace.office.blueprint import bp
from marketplace.office.forms import AuditFilterForm
from marketplace.office.review_views import PageResponse
from marketplace.periods import bandung_time
from marketplace.spreadsheets import Format, spreadsheet_response

PER_PAGE = 50
CSV_HEADER = [
    "id",
    "at_utc",
    "actor_id",
    "actor_name",
    "actor_email",
    "action",
    "subject_type",
    "subject_id",
    "before",
    "after",
    "reason",
]
# Where an entry's record can be opened in the office.
SUBJECT_PAGES = {
    "business": ("office.business", "business_id"),
    "product": ("office.product", "product_id"),
    "user": ("office.account", "user_id"),
    "abuse_report": ("office.abuse_report", "report_id"),
    "announcement": ("announcements.show", "announcement_id"),
    "escalation": ("office.escalation", "escalation_id"),
}


def _form() -> tuple[AuditFilterForm, bool]:
    form = AuditFilterForm(request.args)
    form.subject_type.choices = [SelectChoice("", "—")] + [
        SelectChoice(value, label(value, "subject"))
        for value in db.session.scalars(queries.audit_subject_types())
    ]
    form.action.choices = [SelectChoice("", "—")] + [
        SelectChoice(value, label(value, "action"))
        for value in db.session.scalars(queries.audit_actions())
    ]
    return form, form.validate()


def _filters(form: AuditFilterForm, valid: bool) -> queries.AuditFilters:
    if not valid:
        return queries.AuditFilters()
    return queries.AuditFilters(
        actor=form.actor.data or "",
        subject_type=form.subject_type.data or "",
        subject_id=form.subject_id.data,
        action=form.action.data or "",
        first=form.first.data,
        last=form.last.data,
    )


def subject_link(entry: AuditEntry) -> str | None:
    page = SUBJECT_PAGES.get(entry.subject_type)
    if page is None or entry.subject_id is None:
        return None
    endpoint, argument = page
    values: dict[str, Any] = {argument: entry.subject_id}
    return url_for(endpoint, **values)


def compact(subject_type: str, values: dict[str, Any] | None) -> str:
    """The recorded fields in words: statuses, stages and stock movements by their names,
    amounts as the reader's language writes them, nothing as "—" (the CSV keeps the stored
    values)."""
    if not values:
        return ""
    return ", ".join(f"{key}: {_shown(subject_type, key, value)}" for key, value in values.items())


def _shown(subject_type: str, key: str, value: Any) -> Any:
    if value is None or value == "":
        return "—"
    if key == "status":
        return status_label(subject_type, value)
    if key == "stage":
        return label(value, "stage")
    if key == "movement":
        return label(value, "movement")
    if (subject_type, key) in LABELLED_KEYS:
        return label(value, LABELLED_KEYS[subject_type, key])
    locale = str(get_locale() or "en")
    if key.endswith("_idr") and isinstance(value, int):
        return format_rupiah(value, locale)
    if isinstance(value, str) and key in DECIMAL_KEYS and NUMBER.fullmatch(value):
        return format_decimal(Decimal(value).normalize(), format="#,##0.######", locale=locale)
    return value


# Keys whose stored values have words of their own.
LABELLED_KEYS = {
    ("escalation", "outcome"): "escalation_outcome",
    ("escalation", "channel"): "contact_channel",
}
# Stored as text with all their digits ("15900.000000"): shown as numbers.
DECIMAL_KEYS = frozenset({"idr_per_unit", "unit_price", "commission_percent", "target_price"})
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@bp.get("/audit")
def audit() -> PageResponse:
    form, valid = _form()
    before = form.before.data if valid else None
    rows = db.session.scalars(
        queries.audit_entries(_filters(form, valid), before).limit(PER_PAGE + 1)
    ).all()
    entries = rows[:PER_PAGE]
    args: dict[str, Any] = {
        k: v for k, v in request.args.items() if k not in ("before", "fmt") and v
    }
    older = url_for(".audit", **args, before=entries[-1].id) if len(rows) > PER_PAGE else None
    html = render_template(
        "office/audit.html",
        form=form,
        entries=entries,
        older=older,
        csv_url=url_for(".audit_csv", fmt="csv", **args),
        xlsx_url=url_for(".audit_csv", fmt="xlsx", **args),
        subject_link=subject_link,
        compact=compact,
        local=bandung_time,
    )
    return html if valid else (html, 400)


def _csv_rows(filters: queries.AuditFilters) -> Iterator[list[Any]]:
    query = queries.audit_entries(filters).execution_options(yield_per=500)
    for entry in db.session.scalars(query):
        actor = entry.actor
        yield [
            entry.id,
            entry.at.isoformat(),
            entry.actor_id or "",
            actor.name if actor else "",
            actor.email if actor else "",
            entry.action,
            entry.subject_type,
            entry.subject_id if entry.subject_id is not None else "",
            json.dumps(entry.before, ensure_ascii=False, sort_keys=True) if entry.before else "",
            json.dumps(entry.after, ensure_ascii=False, sort_keys=True) if entry.after else "",
            entry.reason or "",
        ]


@bp.get("/audit.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/audit.csv", defaults={"fmt": "csv"})
def audit_csv(fmt: Format) -> Response | tuple[str, int]:
    form, valid = _form()
    if not valid:
        return render_template(
            "office/audit.html",
            form=form,
            entries=[],
            older=None,
            csv_url=None,
            xlsx_url=None,
            subject_link=subject_link,
            compact=compact,
            local=bandung_time,
        ), 400
    filters = _filters(form, valid)
    return spreadsheet_response("audit-log", CSV_HEADER, _csv_rows(filters), fmt)
