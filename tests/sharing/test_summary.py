"""The description a preview shows: one line, cut on a word boundary near 160 columns."""

from __future__ import annotations

import unicodedata

from marketplace.i18n import UI_LOCALES
from marketplace.link_preview import OG_LOCALES, summary


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def test_a_short_text_is_kept_whole_on_one_line() -> None:
    assert summary("  Hand-woven\n\nbamboo   basket. ") == "Hand-woven bamboo basket."


def test_a_long_text_is_cut_after_its_last_whole_word() -> None:
    text = "Bamboo " * 40

    shown = summary(text)

    assert shown.endswith("Bamboo…")
    assert len(shown) <= 160
    assert len(shown) >= 150  # not cut far before the limit


def test_a_word_that_ends_right_at_the_limit_is_kept() -> None:
    text = "a" * 150 + " bcdefgh" + " tail of the text"

    assert summary(text) == "a" * 150 + " bcdefgh…"


def test_punctuation_before_the_cut_is_dropped() -> None:
    text = ("word, " * 40) + "end"  # a comma right before the last space that fits

    shown = summary(text)

    assert shown.endswith("word…")


def test_chinese_is_cut_at_its_last_punctuation_mark_and_counts_double() -> None:
    text = "竹制吊灯由万隆工匠手工编织，" * 12

    shown = summary(text)

    assert _width(shown) <= 160
    assert shown.endswith("编织…")
    assert text.startswith(shown.removesuffix("…"))


def test_text_without_any_break_is_cut_at_the_limit() -> None:
    shown = summary("竹" * 200)

    assert shown == "竹" * 79 + "…"


def test_every_language_has_an_open_graph_locale() -> None:
    assert set(OG_LOCALES) == set(UI_LOCALES)
    assert OG_LOCALES["ko"] == "ko_KR" and OG_LOCALES["zh"] == "zh_CN"
