"""The demo content's texts in the six languages beside English, from `demo_texts.toml`.

Every demo product has its name, description, materials and story, and every demo business the
free text of its profile, in each of them; a test holds the file to that.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

Texts = dict[str, dict[str, str]]  # locale -> field -> text


@cache
def _all() -> dict[str, dict[str, Texts]]:
    text = resources.files("marketplace.main").joinpath("demo_texts.toml").read_text("utf-8")
    return tomllib.loads(text)


def product_texts(slug: str) -> Texts:
    return dict(_all().get("products", {}).get(slug, {}))


def business_texts(slug: str) -> Texts:
    return dict(_all().get("businesses", {}).get(slug, {}))
