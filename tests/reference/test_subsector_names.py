"""Subsector names in the reader's language: the data file's own for English and Indonesian,
the catalogs' for the partner cities' languages, on the catalog's filter as a reader meets them."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace.db import db
from marketplace.reference.models import SUBSECTOR_NAMES, Subsector

pytestmark = pytest.mark.usefixtures("storefront")

CRAFTS = {
    "en": "Crafts",
    "id": "Kriya",
    "de": "Kunsthandwerk",
    "fr": "Artisanat",
    "ko": "공예",
    "ms": "Kraf",
    "zh": "手工艺",
}


def test_every_subsector_of_the_data_has_words_in_the_catalogs(ctx: Flask) -> None:
    codes = set(db.session.scalars(sa.select(Subsector.code)))

    assert codes == set(SUBSECTOR_NAMES)


@pytest.mark.parametrize("locale", ["de", "fr", "ko", "ms", "zh"])
def test_names_are_in_the_partner_cities_languages(ctx: Flask, locale: str) -> None:
    subsectors = list(db.session.scalars(sa.select(Subsector)))
    names = {s.code: s.name_for(locale) for s in subsectors}

    assert names["kriya"] == CRAFTS[locale]
    # Most names differ from the English ones; a few are the same word (French "Architecture").
    differing = [s for s in subsectors if names[s.code] != s.name_en]
    assert len(differing) >= len(subsectors) - 3, names


@pytest.mark.parametrize("locale", sorted(CRAFTS))
def test_the_catalog_filter_names_subsectors_in_the_readers_language(
    client: FlaskClient, locale: str
) -> None:
    page = client.get("/catalog", headers={"Accept-Language": locale}).get_data(as_text=True)

    options = re.findall(r'<option value="kriya"[^>]*>([^<]*)</option>', page)
    assert options == [CRAFTS[locale]]
