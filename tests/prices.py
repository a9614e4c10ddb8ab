"""Reading prices out of pages as a person reads them: tags dropped, entities and no-break
spaces made plain spaces, whitespace collapsed."""

from __future__ import annotations

import re
from html import unescape

SPACES = re.compile(r"[\s\u00a0\u202f]+")


def plain(html: str) -> str:
    """The text of `html` on one line."""
    return SPACES.sub(" ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def price_blocks(html: str) -> list[str]:
    """The text of every price on the page (rupiah, unit, converted price, rate)."""
    blocks = []
    for part in html.split('<div class="price-block">')[1:]:
        blocks.append(plain(part.split("</div>", 1)[0]))
    return blocks


def first_price(html: str) -> str:
    found = price_blocks(html)
    assert found, "no price on the page"
    return found[0]
