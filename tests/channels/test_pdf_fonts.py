"""The fonts the PDFs embed: what they can draw, which one draws what, and that a document
carries only the glyphs it prints."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from pypdf import PdfReader

from marketplace.channels.fontbuild import repertoire
from marketplace.channels.pdf import (
    SCRIPT_FONTS,
    Document,
    _codepoints,
    print_text,
    printable,
    renderable,
)
from marketplace.db import db
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept, nominate_all
from tests.factories import (
    add_translation,
    little_bandung,
    make_business,
    make_officer,
    make_product,
)

TRANSLATIONS = Path(__file__).resolve().parents[2] / "marketplace" / "translations"


@pytest.mark.parametrize("locale", ["ko", "zh"])
def test_every_korean_and_chinese_translation_prints_whole(locale: str) -> None:
    """A translator's character beyond the fonts would vanish from tags: none may."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    texts = [
        text
        for message in catalog
        if message.id
        for text in ([message.string] if isinstance(message.string, str) else message.string)
        if text
    ]
    assert len(texts) > 500
    assert [text for text in texts if printable(text) != text] == []


def test_the_fonts_draw_every_hangul_syllable_and_every_gb2312_character() -> None:
    hangul = set(range(0xAC00, 0xD7A4)) | set(range(0x3131, 0x318F))
    hanzi = {code for code in repertoire("sc") if 0x4E00 <= code <= 0x9FFF}
    assert len(hanzi) == 6763  # GB 2312's two levels
    for name in SCRIPT_FONTS["NotoKR"].values():
        assert hangul <= _codepoints(name), name
    for name in SCRIPT_FONTS["NotoSC"].values():
        assert hanzi <= _codepoints(name), name
    assert renderable("대나무 앙클룽 세트") and renderable("竹制安克隆套装，八音。")


def test_the_fallback_for_shared_characters_follows_the_documents_language(app: Flask) -> None:
    """CJK punctuation is in both fonts: a Korean document draws it in Korean forms."""
    with app.app_context():
        korean, chinese = Document("t", "ko"), Document("t", "zh")
        for doc in (korean, chinese):
            doc.use_fonts_for("대나무。竹")
        assert korean.fallbacks == ["NotoKR", "NotoSC"]
        assert chinese.fallbacks == ["NotoSC", "NotoKR"]
        assert korean.get_fallback_font("。") == "notokr"
        assert chinese.get_fallback_font("。") == "notosc"
        assert korean.get_fallback_font("竹") == chinese.get_fallback_font("竹") == "notosc"
        for doc in (korean, chinese):
            doc.add_page()
            doc.text_at(15, 15, 180, "대나무。竹", 10)
            assert doc.output()  # (and closes the font files)


def test_a_document_in_a_latin_script_reads_no_cjk_font(app: Flask) -> None:
    with app.app_context():
        doc = Document("Katalog", "de")
        doc.add_page()
        doc.text_at(15, 15, 180, "Angklung-Satz, 8 Töne (C-Dur) – Kurs vom 03.12.2026", 10)
        assert sorted(doc.fonts) == ["dejavu", "dejavuB"]
        doc.text_at(15, 25, 180, "Angklung 앙클룽", 10)
        assert sorted(doc.fonts) == ["dejavu", "dejavuB", "notokr", "notokrB"]
        assert doc.output()


def test_a_translation_falls_back_to_english_only_for_letters_no_font_has(app: Flask) -> None:
    with app.app_context():
        product = make_product(make_business(), name="Rattan lamp", description="Woven.")
        add_translation(product, "ko", "라탄 램프 🎋", "손으로 엮었습니다.")
        add_translation(product, "zh", "藤编灯 𠮷", "手工编织。")  # 𠮷: CJK extension B
        assert print_text(product, "ko").name == "라탄 램프 "  # the emoji alone is left out
        assert print_text(product, "ko").locale == "ko"
        assert print_text(product, "zh").name == "Rattan lamp"
        assert print_text(product, "zh").locale == "en"


def test_a_korean_tag_sheet_carries_only_the_glyphs_it_prints(app: Flask, login_as: Any) -> None:
    """The Korean font file is 2.5 MB; a sheet of twelve tags embeds a few hundred glyphs."""
    with app.app_context():
        channel = little_bandung()
        products = [
            make_product(make_business(name=f"Kriya {n}"), name=f"Lamp {n}") for n in range(12)
        ]
        for n, product in enumerate(products):
            add_translation(product, "ko", f"대나무 라탄 조명 {n}", "반둥에서 손으로 엮었습니다.")
        officer = make_officer()
        for nomination in nominate_all(products, channel):
            accept(officer, nomination)
        channel_id = channel.id
        db.session.flush()
        commit_and_detach(officer)
    response = login_as(officer).get(f"/office/channels/{channel_id}/tags.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    assert "대나무 라탄 조명 11" in reader.pages[0].extract_text()
    assert len(response.data) < 150_000
