"""Outcome reports (/office/reports): the figures of a period per partner city, channel,
subsector or buyer country, with the table and its SVG charts side by side, the months' chart,
CSV downloads of each, and a printable one-page summary per partnership for the city council.

Each page first writes the views and scans this process has counted and not yet written
(`counting.buffer.reads_counts`); other workers' counts arrive within their flush interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from marketplace.channels.queries import partner_cities
from marketplace.counting.buffer import reads_counts
from marketplace.db import db
from marketplace.office import report_columns as columns
from marketplace.office.blueprint import bp
from marketplace.office.forms import ReportForm
from marketplace.office.models import Grouping
from marketplace.office.reports import Report, build_partnership, build_report
from marketplace.office.reports_svg import Series, bar_chart, funnel, month_chart
from marketplace.periods import Period
from marketplace.reference.models import PartnerCity
from marketplace.rfq import queries as rfq_queries
from marketplace.spreadsheets import Format, spreadsheet_response

GROUPING_NAMES = {
    Grouping.PARTNER: "partner-city",
    Grouping.CHANNEL: "channel",
    Grouping.SUBSECTOR: "subsector",
    Grouping.COUNTRY: "buyer-country",
}


def _locale() -> str:
    return str(get_locale() or "en")


def _read_form() -> tuple[ReportForm, Period | None, Grouping]:
    """The period and grouping asked for; None as the period when the input is refused."""
    form = ReportForm(request.args)
    if not form.validate():
        return form, None, Grouping.PARTNER
    default = Period.default()
    first = form.first.data or default.first
    last = form.last.data or default.last
    if last < first:
        form.last.errors = [_("The end date must not be before the start date.")]
        return form, None, Grouping.PARTNER
    form.first.data, form.last.data = first, last
    return form, Period(first, last), Grouping(form.by.data)


def _dates(period: Period) -> dict[str, Any]:
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def charts(report: Report, prefix: str) -> dict[str, Any]:
    """The report's three charts: per group, the funnel of the total, and the months."""
    total = report.total.figures
    labels = [row.group.label for row in report.rows]
    interests = _("interests")
    deals = _("deals won")
    return {
        "groups": bar_chart(
            f"{prefix}-groups",
            _("Interests and deals won per group"),
            "; ".join(
                _(
                    "%(group)s: %(interests)d interests, %(deals)d deals won",
                    group=row.group.label,
                    interests=row.figures.interests,
                    deals=row.figures.deals,
                )
                for row in report.rows
            ),
            labels,
            [
                Series(interests, [row.figures.interests for row in report.rows]),
                Series(deals, [row.figures.deals for row in report.rows]),
            ],
        ),
        "funnel": funnel(
            f"{prefix}-funnel",
            _("From views to deals"),
            _(
                "%(views)d product views, %(interests)d interests, %(replies)d answered, "
                "%(deals)d deals won.",
                views=total.views,
                interests=total.interests,
                replies=total.replies,
                deals=total.deals,
            ),
            [
                (_("Product views"), total.views),
                (_("Interests"), total.interests),
                (_("Answered"), total.replies),
                (_("Deals won"), total.deals),
            ],
        ),
        "months": month_chart(
            f"{prefix}-months",
            _("Interests and deals won by month"),
            "; ".join(
                _(
                    "%(month)s: %(interests)d interests, %(deals)d deals won",
                    month=m.month,
                    interests=m.interests,
                    deals=m.deals,
                )
                for m in report.months
            ),
            [m.month for m in report.months],
            [
                Series(interests, [m.interests for m in report.months]),
                Series(deals, [m.deals for m in report.months]),
            ],
        ),
    }


@bp.get("/reports")
@reads_counts
def reports() -> str | tuple[str, int]:
    form, period, grouping = _read_form()
    cities = db.session.scalars(partner_cities()).unique().all()
    if period is None:
        return render_template(
            "office/reports/index.html", form=form, report=None, cities=cities
        ), 400
    report = build_report(period, grouping, _locale())
    args: dict[str, Any] = {"by": grouping.value, **_dates(period)}
    return render_template(
        "office/reports/index.html",
        form=form,
        report=report,
        columns=columns.PAGE_COLUMNS,
        shown=columns.shown,
        beneath=columns.beneath,
        beneath_labels=columns.BENEATH_LABELS,
        locale=_locale(),
        charts=charts(report, "report"),
        csv_url=url_for(".reports_csv", fmt="csv", **args),
        xlsx_url=url_for(".reports_csv", fmt="xlsx", **args),
        months_csv_url=url_for(".months_csv", fmt="csv", **_dates(period)),
        months_xlsx_url=url_for(".months_csv", fmt="xlsx", **_dates(period)),
        cities=cities,
        dates=_dates(period),
        buying=buying_requests_by_city(period, cities),
    )


def buying_requests_by_city(
    period: Period, cities: Sequence[PartnerCity]
) -> list[tuple[str | None, int, int, int, int, int]]:
    """Requests posted in the period, their quotes, picks, deals and value, per partner city
    of the buyer (None last: buyers of no partner city)."""
    names = {city.id: city.name for city in cities}
    rows: list[tuple[str | None, int, int, int, int, int]] = []
    for city_id, requests, quotes, picks, deals, value in db.session.execute(
        rfq_queries.report_rows(period)
    ):
        name = names.get(city_id) if city_id is not None else None
        rows.append((name, int(requests), int(quotes), int(picks), int(deals), int(value)))
    return sorted(rows, key=lambda row: (row[0] is None, row[0] or ""))


def _refused(form: ReportForm) -> tuple[str, int]:
    return render_template("office/reports/index.html", form=form, report=None, cities=[]), 400


@bp.get("/reports.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/reports.csv", defaults={"fmt": "csv"})
@reads_counts
def reports_csv(fmt: Format) -> Response | tuple[str, int]:
    form, period, grouping = _read_form()
    if period is None:
        return _refused(form)
    report = build_report(period, grouping, _locale())
    name = f"outcomes-by-{GROUPING_NAMES[grouping]}-{period.first}-{period.last}"
    return spreadsheet_response(name, columns.HEADER, columns.table_rows(report), fmt)


@bp.get("/reports/months.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/reports/months.csv", defaults={"fmt": "csv"})
@reads_counts
def months_csv(fmt: Format) -> Response | tuple[str, int]:
    form, period, _grouping = _read_form()
    if period is None:
        return _refused(form)
    report_months = build_report(period, Grouping.CHANNEL, _locale()).months
    name = f"outcomes-by-month-{period.first}-{period.last}"
    return spreadsheet_response(name, columns.MONTH_HEADER, columns.month_rows(report_months), fmt)


def _partnership(city_id: int) -> tuple[ReportForm, Period | None, PartnerCity]:
    city = db.get_or_404(PartnerCity, city_id)
    form, period, _grouping = _read_form()
    return form, period, city


@bp.get("/reports/partners/<int:city_id>/summary")
@reads_counts
def partner_summary(city_id: int) -> str | tuple[str, int]:
    form, period, city = _partnership(city_id)
    if period is None:
        return _refused(form)
    report = build_partnership(period, city, _locale())
    return render_template(
        "office/reports/summary.html",
        city=city,
        report=report,
        columns=columns.PAGE_COLUMNS,
        shown=columns.shown,
        beneath=columns.beneath,
        beneath_labels=columns.BENEATH_LABELS,
        locale=_locale(),
        charts=charts(report, "summary"),
        csv_url=url_for(".partner_summary_csv", city_id=city.id, fmt="csv", **_dates(period)),
        xlsx_url=url_for(".partner_summary_csv", city_id=city.id, fmt="xlsx", **_dates(period)),
    )


@bp.get("/reports/partners/<int:city_id>/summary.xlsx", defaults={"fmt": "xlsx"})
@bp.get("/reports/partners/<int:city_id>/summary.csv", defaults={"fmt": "csv"})
@reads_counts
def partner_summary_csv(city_id: int, fmt: Format) -> Response | tuple[str, int]:
    form, period, city = _partnership(city_id)
    if period is None:
        return _refused(form)
    report = build_partnership(period, city, _locale())
    slug = "".join(ch if ch.isalnum() else "-" for ch in city.name.lower())
    name = f"partnership-{slug}-{period.first}-{period.last}"
    return spreadsheet_response(name, columns.HEADER, columns.table_rows(report), fmt)
