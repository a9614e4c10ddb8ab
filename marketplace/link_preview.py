"""What a shared link shows: the page's description, its Open Graph and Twitter tags, and its
canonical address (templates/sharing/_meta.html writes them into the page's head). The
features build the `Share` of their own pages (`products/sharing.py`, `channels/sharing.py`)
with the helpers here.

WhatsApp, KakaoTalk, Facebook and the like build a link's preview from the page's `og:` tags.
The rules:
- Only the views of public pages build a `Share`, from things they have already loaded through
  the visibility queries; the owner's preview, office and account pages never carry one, so a
  draft's text never reaches a preview.
- Every address is absolute under BASE_URL (`public_url`) and carries `?lang=` of the page's
  language, so the preview and the page a friend opens from it speak the language the link was
  shared in. The canonical address is the same address.
- The description is the page's own text in the page's language, cut on a word boundary near
  160 characters (a Chinese, Korean or Japanese character counts twice: it is twice as wide).
- The photo is the product's cover in the smallest stored size of at least 1200 px, or the
  largest stored when the original is smaller (previews show about 1200 x 630).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import request
from flask_babel import get_locale

from marketplace.i18n import LANG_ARG, UI_LOCALES
from marketplace.urls import public_url

# og:locale of each language: the partner city's country where one language has several.
OG_LOCALES = {
    "en": "en_US",
    "id": "id_ID",
    "de": "de_DE",
    "fr": "fr_BE",
    "ko": "ko_KR",
    "ms": "ms_MY",
    "zh": "zh_CN",
}
DESCRIPTION_WIDTH = 160
PREVIEW_SIZE = 1200
# Below this width a photo is shown as a small square beside the text, not as a banner.
LARGE_CARD_WIDTH = 600
_ELLIPSIS = "…"
# Left at the end of a cut text, they would stand before the ellipsis.
_TRAILING = " ,;:.-–—、，。；：!?！？"
# Where a text without spaces (Chinese) may be cut.
_CJK_BREAKS = "。，、；：！？"


@dataclass(frozen=True)
class ShareImage:
    url: str
    alt: str
    width: int | None = None
    height: int | None = None
    mimetype: str = "image/webp"  # stored photos and logos are WebP (media/images.py)

    @property
    def large(self) -> bool:
        return (self.width or 0) >= LARGE_CARD_WIDTH


@dataclass(frozen=True)
class Share:
    og_type: str
    title: str
    description: str
    url: str  # og:url and the canonical address
    locale: str  # og:locale
    image: ShareImage | None = None
    # The language of the description when it is not the page's (a missing translation).
    description_lang: str | None = None
    price_idr: int | None = None

    @property
    def alternate_locales(self) -> list[str]:
        return [tag for tag in OG_LOCALES.values() if tag != self.locale]

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image and self.image.large else "summary"


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@lru_cache(maxsize=1024)  # the site pages ask for the same few on every visit
def summary(text: str, limit: int = DESCRIPTION_WIDTH) -> str:
    """The text on one line, at most `limit` columns wide; a longer text is cut at the last space
    in its second half (for text without spaces, the last CJK punctuation mark, else at the
    limit) and ends with an ellipsis."""
    flat = " ".join(text.split())
    if sum(_width(c) for c in flat) <= limit:
        return flat
    room, end = limit - _width(_ELLIPSIS), 0
    for char in flat:
        room -= _width(char)
        if room < 0:
            break
        end += 1
    head = flat[:end]
    # The text is longer than the room, so a character follows the head.
    cut = end if flat[end] == " " else head.rfind(" ")
    if cut < len(head) // 2:
        cut = max(head.rfind(mark) + 1 for mark in _CJK_BREAKS)
    if cut < len(head) // 2:
        cut = len(head)
    return head[:cut].rstrip(_TRAILING) + _ELLIPSIS


def page_locale() -> str:
    code = str(get_locale() or "en")
    return code if code in UI_LOCALES else "en"


def shared_url(endpoint: str, locale: str, keep_args: bool = False, **values: Any) -> str:
    """The page's absolute address in `locale`; `keep_args` keeps the query (the catalog's
    filters), other pages drop it (tracking arguments must not become the canonical address)."""
    if keep_args:
        query = request.args.to_dict(flat=False)
        query.pop(LANG_ARG, None)
        values = {**query, **values}
    return public_url(endpoint, **values, **{LANG_ARG: locale})


def page_arg(page: int) -> dict[str, Any]:
    """`page=` of a numbered listing's canonical address: none for its first page."""
    return {"page": page} if page > 1 else {}


def share_page(title: str, description: str, keep_args: bool = False) -> Share:
    """A page of the site itself (home, catalog, channels, partners), under its own endpoint."""
    locale = page_locale()
    return Share(
        og_type="website",
        title=title,
        description=summary(description),
        url=shared_url(request.endpoint or "main.home", locale, keep_args=keep_args),
        locale=OG_LOCALES[locale],
    )
