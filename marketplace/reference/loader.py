"""Loads the city's reference facts into the database: subsectors, certifications and partner
cities, from the JSON files in ``marketplace/reference/data`` (the promotion channels listed
there are loaded by `marketplace.channels.seed`, which calls this first).

Loading is an upsert by natural key (subsector and certification code, city name, channel
slug): a missing row is added, a row whose facts drifted is put back, nothing is duplicated,
so it is safe to run on every deployment. The lists that forms offer (incoterms, units,
currencies) are read from the same files once per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa

from marketplace.db import db
from marketplace.reference.models import Certification, PartnerCity, Subsector


@cache
def read_data(name: str) -> dict[str, Any]:
    """One data file, parsed once per process (callers must not mutate the result)."""
    text = resources.files("marketplace.reference").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def incoterms() -> tuple[str, ...]:
    """The Incoterms 2020 rules, in the ICC's order."""
    return tuple(read_data("export_terms.json")["incoterms_2020"])


@cache
def units() -> tuple[str, ...]:
    """Units a price, a minimum order or a quantity may be given in."""
    return tuple(read_data("export_terms.json")["units"])


@cache
def currencies() -> tuple[str, ...]:
    """ISO 4217 codes a buyer may state a target price in; rupiah first."""
    return tuple(read_data("export_terms.json")["currencies"])


@dataclass
class Tally:
    created: int = 0
    updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated}


def _apply(row: Any, values: dict[str, Any]) -> bool:
    """Set only the fields that differ, so an unchanged row is not written at all."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _upsert(tally: Tally, row: Any | None, make: type[Any], values: dict[str, Any]) -> Any:
    if row is None:
        row = make(**values)
        db.session.add(row)
        tally.created += 1
    elif _apply(row, values):
        tally.updated += 1
    return row


def create_missing(tally: Tally, row: Any | None, make: type[Any], values: dict[str, Any]) -> Any:
    if row is None:
        row = make(**values)
        db.session.add(row)
        tally.created += 1
    return row


def load_reference_lists(tally: Tally) -> dict[str, PartnerCity]:
    """Load the subsectors, certifications and partner cities; return the cities by name.

    Adds and flushes; the caller commits. Subsectors and certifications are fixed lists that
    only the shipped data changes, so they are brought up to date. Partner cities are the
    office's to edit once they exist: they are created when missing and otherwise left alone,
    so restarting the app never undoes an officer's edit; only a partner city's time zone is
    filled in where none is set. The channels they name are loaded by
    `marketplace.channels.seed`.
    """
    _load_subsectors(tally)
    _load_certifications(tally)
    cities = _load_partner_cities(tally)
    db.session.flush()
    return cities


def _load_subsectors(tally: Tally) -> None:
    existing = {row.code: row for row in db.session.scalars(sa.select(Subsector))}
    for item in read_data("subsectors.json")["subsectors"]:
        values = {
            "code": item["code"],
            "name_id": item["id"],
            "name_en": item["en"],
            "goods": item["goods"],
        }
        _upsert(tally, existing.get(item["code"]), Subsector, values)


def _load_certifications(tally: Tally) -> None:
    existing = {row.code: row for row in db.session.scalars(sa.select(Certification))}
    for item in read_data("export_terms.json")["certifications"]:
        values = {"code": item["code"], "name": item["name"], "description": item["what"]}
        _upsert(tally, existing.get(item["code"]), Certification, values)


def _load_partner_cities(tally: Tally) -> dict[str, PartnerCity]:
    existing = {row.name: row for row in db.session.scalars(sa.select(PartnerCity))}
    cities: dict[str, PartnerCity] = {}
    for item in read_data("partner_cities.json")["partner_cities"]:
        values = {
            "name": item["name"],
            "country_code": item["country_code"],
            "country": item["country"],
            # Unknown years stay unknown: the sources give none, and none is invented.
            "since_year": item["since_year"],
            "currency": item["currency"],
            "locale": item["locale"],
            "timezone": item["timezone"],
            "notes": item["notes"],
        }
        row = existing.get(item["name"])
        if row is not None and row.timezone is None:
            # A zone nobody has set yet is filled in; one the office chose is kept.
            row.timezone = item["timezone"]
            tally.updated += 1
        cities[item["name"]] = create_missing(tally, row, PartnerCity, values)
    return cities
