"""Outcome reports: every figure of every grouping equals the figure computed again from the raw
rows; the CSV parses and matches the page; the charts are well-formed SVG; the partnership
summary prints the partnership's own figures; bad input changes nothing."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import User
from marketplace.channels.models import Channel
from marketplace.db import db
from marketplace.office import rollups
from marketplace.office.models import Grouping
from marketplace.office.report_columns import PAGE_COLUMNS, beneath
from marketplace.office.reports import Figures, Report, build_partnership, build_report
from marketplace.reference.models import PartnerCity
from tests.office import report_world as world

SVG = "{http://www.w3.org/2000/svg}"
DATES = "from=2026-03-01&to=2026-08-31"


@pytest.fixture
def activity(app: Flask) -> None:
    with app.app_context():
        world.build()


def figures_of(figures: Figures) -> dict[str, Any]:
    return {
        "msmes": figures.msmes,
        "products_shown": figures.products_shown,
        "scans": figures.scans,
        "views": figures.views,
        "interests": figures.interests,
        "replies": figures.replies,
        "within_48h": figures.within_48h,
        "median_reply_seconds": figures.median_reply_seconds,
        "deals": figures.deals,
        "value_idr": figures.value_idr,
    }


def same(actual: dict[str, Any], wanted: dict[str, Any]) -> bool:
    median, other = actual.pop("median_reply_seconds"), wanted.pop("median_reply_seconds")
    close = (median is None and other is None) or (
        median is not None and other is not None and abs(median - other) < 1e-6
    )
    return close and actual == wanted


def check(report: Report, grouping: Grouping, partner_id: int | None = None) -> None:
    groups, total = world.expected(grouping, partner_id)
    listed = {row.group.key: row for row in report.rows}
    assert set(groups) <= set(listed), grouping
    for key, row in listed.items():
        wanted = groups[key].figures() if key in groups else world.Expected().figures()
        assert same(figures_of(row.figures), wanted), (grouping, key, row.figures, wanted)
        money = world.converted(row.figures.value_idr, world.currency_of(grouping, key))
        got = (row.converted.amount, row.converted.rate_date) if row.converted else None
        assert got == money, (grouping, key)
    assert same(figures_of(report.total.figures), total.figures()), (grouping, "total")
    assert [(m.month, m.interests, m.deals) for m in report.months] == world.months(partner_id)


@pytest.mark.committing  # the recount runs on a connection of its own
@pytest.mark.parametrize("grouping", list(Grouping))
def test_every_figure_equals_the_raw_rows(app: Flask, activity: None, grouping: Grouping) -> None:
    with app.app_context():
        report = build_report(world.PERIOD, grouping)
        check(report, grouping)
        # What the sums kept as interests changed equals a recount from scratch.
        with db.engine.begin() as connection:
            rollups.rebuild(connection)
        check(build_report(world.PERIOD, grouping), grouping)


def test_the_figures_are_the_ones_the_world_was_built_for(app: Flask, activity: None) -> None:
    """A few figures by hand, so the independent computation is checked too."""
    with app.app_context():
        report = build_report(world.PERIOD, Grouping.PARTNER)
        braunschweig = next(r for r in report.rows if r.group.label == "Braunschweig")
        figures = braunschweig.figures
        assert (figures.msmes, figures.products_shown, figures.scans, figures.views) == (1, 1, 2, 3)
        assert (figures.interests, figures.replies, figures.within_48h, figures.deals) == (
            2,
            2,
            2,
            2,
        )
        assert figures.value_idr == 102_500_000
        assert figures.median_reply_seconds == (5 + 48) * 3600 / 2
        assert braunschweig.converted is not None
        assert braunschweig.converted.amount == Decimal("5694.44")  # 102.5 M / 18,000
        total = report.total.figures
        assert (total.interests, total.deals, total.value_idr) == (9, 4, 112_500_000)
        assert (total.msmes, total.products_shown) == (2, 2)


def test_a_partnership_summary_has_the_partnerships_own_figures(app: Flask, activity: None) -> None:
    with app.app_context():
        city = db.session.scalars(
            sa.select(PartnerCity).where(PartnerCity.name == "Braunschweig")
        ).one()
        report = build_partnership(world.PERIOD, city)
        check(report, Grouping.CHANNEL, city.id)
        assert [row.group.label for row in report.rows] == ["Harz und Heide"]
        assert report.total.converted is not None and report.total.converted.currency == "EUR"


def table_cells(html: str) -> list[list[tuple[str, str]]]:
    """Each row's cells as (the figure, the second line beneath it or "")."""
    table = re.search(
        r'<table class="report-table">\s*<caption>Figures per group.*?</table>', html, re.S
    )
    assert table
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)[1:]  # after the header

    def parts(cell: str) -> tuple[str, str]:
        first, _br, second = cell.partition("<br>")
        return re.sub(r"<[^>]+>", "", first).strip(), re.sub(r"<[^>]+>", "", second).strip()

    return [
        [parts(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def plain(cell: str) -> str:
    """A page's cell as the CSV writes it: no grouping, no currency symbol ("Rp", "€", "₩")."""
    cell = cell.replace(",", "").replace("—", "")
    return re.sub(r"^[^\d-]+|[^\d.]+$", "", cell) if re.search(r"\d", cell) else cell


@pytest.mark.parametrize("grouping", list(Grouping))
def test_the_csv_parses_and_matches_the_page(
    app: Flask, login_as: Any, officer: User, activity: None, grouping: Grouping
) -> None:
    client = login_as(officer)
    page = client.get(f"/office/reports?by={grouping.value}&{DATES}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    response = client.get(f"/office/reports.csv?by={grouping.value}&{DATES}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8"))))
    header, lines = rows[0], rows[1:]
    assert header[:3] == ["group", "msmes_taking_part", "products_shown"]
    assert lines[-1][0] == "Total"
    cells = table_cells(html)
    assert len(cells) == len(lines)
    text = re.sub(r"<[^>]+>", " ", html)
    for line, shown in zip(lines, cells, strict=True):
        values = dict(zip(header, line, strict=True))
        for column, (figure, second) in zip(PAGE_COLUMNS, shown, strict=True):
            if column.name == "group":
                assert values["group"] == figure
                continue
            assert values[column.name] == plain(figure), (grouping, line[0], column.name, figure)
            under = beneath(column)
            if under is not None:
                assert values[under.name] == plain(second), (grouping, line[0], under.name)
        # The rate a converted value used is written under the table.
        if values["rate_idr_per_unit"]:
            assert f"(rate of {values['rate_date']})" in text
    with app.app_context():
        groups, total = world.expected(grouping)
        wanted = total.figures()
    by_name = dict(zip(header, lines[-1], strict=True))
    assert int(by_name["interests"]) == wanted["interests"]
    assert int(by_name["export_value_idr"]) == wanted["value_idr"]
    share = 100 * wanted["within_48h"] / wanted["interests"]
    assert by_name["answered_within_48h_percent"] == f"{share:.1f}"
    assert by_name["median_first_reply_hours"] == f"{wanted['median_reply_seconds'] / 3600:.1f}"


def test_the_charts_are_well_formed_svg_next_to_their_tables(
    app: Flask, login_as: Any, officer: User, activity: None
) -> None:
    html = login_as(officer).get(f"/office/reports?by=channel&{DATES}").get_data(as_text=True)
    charts = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(charts) == 3
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
        assert root.findall(f".//{SVG}rect/{SVG}title")  # tooltips on the bars
    assert "<script" not in html and "style=" not in html
    assert "Harz und Heide: 2 interests, 2 deals won" in html


def test_the_months_csv_and_the_summary_download(
    app: Flask, login_as: Any, officer: User, activity: None
) -> None:
    client = login_as(officer)
    text = client.get(f"/office/reports/months.csv?{DATES}").get_data().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    with app.app_context():
        assert [(r["month"], int(r["interests"]), int(r["deals_won"])) for r in rows] == (
            world.months()
        )
        city_id = db.session.scalars(
            sa.select(PartnerCity.id).where(PartnerCity.name == "Braunschweig")
        ).one()
        harz = db.session.scalars(sa.select(Channel).where(Channel.slug == "harz-und-heide")).one()
    summary = client.get(f"/office/reports/partners/{city_id}/summary?{DATES}")
    html = summary.get_data(as_text=True)
    assert summary.status_code == 200 and "Bandung and Braunschweig" in html
    assert "@media print" not in html  # print styles live in the stylesheet
    assert all(ET.fromstring(svg) is not None for svg in re.findall(r"<svg\b.*?</svg>", html, re.S))
    text = client.get(f"/office/reports/partners/{city_id}/summary.csv?{DATES}").get_data()
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8"))))
    assert [r["group"] for r in rows] == [harz.name, "Total"]
    assert rows[-1]["interests"] == "2" and rows[-1]["export_value_partner_currency"] == "5694.44"
    assert rows[-1]["rate_date"] == "2026-08-15"


def test_bad_report_input_is_refused_with_a_message(
    app: Flask, login_as: Any, officer: User
) -> None:
    client = login_as(officer)
    for query, message in (
        ("by=planet", "Not a valid choice"),
        ("from=2026-13-01", "Not a valid date value"),
        ("from=2026-05-01&to=2026-04-01", "The end date must not be before the start date."),
        ("from=2000-01-01&to=2026-01-01", "A report covers at most ten years."),
    ):
        for path in ("/office/reports", "/office/reports.csv", "/office/reports/months.csv"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)
            assert message in response.get_data(as_text=True), (path, query)


def test_the_default_period_is_the_last_twelve_months(
    app: Flask, login_as: Any, officer: User
) -> None:
    html = login_as(officer).get("/office/reports").get_data(as_text=True)
    months = re.findall(r'<tr><th scope="row">(\d{4}-\d{2})</th>', html)
    assert len(months) == 12 and months == sorted(months)
