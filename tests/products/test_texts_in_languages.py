"""Product and business texts in the reader's language, everywhere a product appears; where
the reader's language has no text, the English one, marked lang="en" and said so."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask

from marketplace.accounts.models import Role
from marketplace.businesses.models import BusinessStatus, BusinessTranslation
from marketplace.channels import curation
from marketplace.channels.pdf import print_text
from marketplace.db import db
from marketplace.interests.shortlist import add_to_shortlist
from marketplace.products.display import texts
from marketplace.products.models import Product, ProductStatus, ProductTranslation
from marketplace.products.services import approve_product
from marketplace.products.snapshot import changes, take_snapshot
from tests.businesses.helpers import commit_and_detach
from tests.channels.helpers import accept
from tests.conftest import post_form
from tests.factories import (
    make_business,
    make_buyer,
    make_channel,
    make_officer,
    make_product,
    make_user,
)
from tests.interests.helpers import express
from tests.products.test_views import FORM, product_named, setup_owner

KO_NAME = "수제 라탄 바구니"
KO_DESCRIPTION = "손으로 엮은 라탄 바구니입니다."
KO_MATERIALS = "라탄, 천연 염료"
KO_STORY = "Cibiru의 장인 가족이 엮습니다."
FALLBACK = re.compile(r'<p class="text-fallback">[^<]+</p>')


def _korean(product: Product, **fields: str) -> None:
    values = {"name": KO_NAME, "description": KO_DESCRIPTION}
    values.update(fields)
    product.translations.append(ProductTranslation(locale="ko", **values))
    db.session.flush()


def _ko_reader(app: Flask, login_as: Any, **fields: Any) -> Any:
    with app.app_context():
        reader = make_buyer(locale="ko", **fields)
        commit_and_detach(reader)
    return login_as(reader)


def test_the_owner_writes_materials_and_story_in_korean_and_a_korean_reader_reads_them(
    app: Flask, login_as: Any, client: Any
) -> None:
    owner, _business_id = setup_owner(app)
    owner_client = login_as(owner)
    form_html = owner_client.get("/my/products/new").get_data(as_text=True)
    for field in ("name_ko", "description_ko", "materials_ko", "story_ko", "story_zh"):
        assert f'name="{field}"' in form_html
    # One fold per language; English and Indonesian open, the others folded until written.
    assert form_html.count('<details class="language-fold"') == 7
    assert re.search(r'<details class="language-fold">\s*<summary><span lang="ko">', form_html)
    korean = {
        "name_ko": KO_NAME,
        "description_ko": KO_DESCRIPTION,
        "materials_ko": KO_MATERIALS,
        "story_ko": KO_STORY,
    }
    response = post_form(owner_client, "/my/products/new", {**FORM, **korean})
    assert response.status_code == 302
    product = product_named(app, "Rattan basket")
    (ko,) = [t for t in product.translations if t.locale == "ko"]
    assert (ko.name, ko.description, ko.materials, ko.story) == (
        KO_NAME,
        KO_DESCRIPTION,
        KO_MATERIALS,
        KO_STORY,
    )
    # The edit form shows them again, its Korean fold open.
    edit_html = owner_client.get(f"/my/products/{product.id}/edit").get_data(as_text=True)
    assert KO_MATERIALS in edit_html and KO_STORY in edit_html
    assert re.search(r'<details class="language-fold" open>\s*<summary><span lang="ko">', edit_html)

    with app.app_context():
        saved = db.session.get_one(Product, product.id)
        saved.status = ProductStatus.PUBLISHED
        db.session.commit()
    page = client.get(f"/products/{product.slug}", headers={"Accept-Language": "ko"})
    html = page.get_data(as_text=True)
    assert f'<h1 lang="ko">{KO_NAME}</h1>' in html
    assert f'<span lang="ko">{KO_MATERIALS}</span>' in html
    assert f'<p lang="ko">{KO_STORY}</p>' in html
    assert f'<div lang="ko">{KO_DESCRIPTION}</div>' in html
    assert not FALLBACK.search(html)
    assert "rattan</span>" not in html  # the English materials are not shown as the reader's


def test_a_text_missing_in_the_readers_language_is_shown_in_english_marked_and_said(
    app: Flask, client: Any
) -> None:
    with app.app_context():
        product = make_product(
            make_business(), name="Bamboo lamp", materials="Apus bamboo", story="Bent over steam."
        )
        _korean(product)  # name and description only
        slug = product.slug
        db.session.commit()
    html = client.get(f"/products/{slug}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert f'<h1 lang="ko">{KO_NAME}</h1>' in html
    assert '<span lang="en">Apus bamboo</span>' in html
    assert '<p lang="en">Bent over steam.</p>' in html
    assert len(FALLBACK.findall(html)) == 2  # materials and story, each said once
    assert "Shown in English" in html or "영어로 표시" in html

    # A reader whose language has no text at all: everything in English, said once.
    html = client.get(f"/products/{slug}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<h1 lang="en">Bamboo lamp</h1>' in html
    assert len(FALLBACK.findall(html)) == 1
    assert '<div lang="en">Silk scarf, hand-drawn batik, 180 x 50 cm.</div>' in html

    # The English reader: no notice.
    html = client.get(f"/products/{slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert not FALLBACK.search(html)


def test_display_texts_fill_each_field_from_english_and_say_so(ctx: Flask) -> None:
    product = make_product(make_business(), name="Lamp", materials="Bamboo", story="")
    _korean(product, materials="대나무")
    main, others = texts(product, "ko")
    assert (main.name, main.materials, main.story) == (KO_NAME, "대나무", "")
    assert main.lang("name") == "ko" and not main.fallback("materials")
    main, _others = texts(product, "de")
    assert main.lang("materials") == "en" and main.fallback("materials") and main.all_fallback
    assert {t.locale for t in others} == {"en", "id"}


def test_a_changed_translation_of_materials_goes_back_to_review(ctx: Flask) -> None:
    officer = make_user(Role.OFFICER)
    product = make_product(make_business(), status=ProductStatus.PENDING_REVIEW)
    approve_product(product, officer)
    approved = take_snapshot(product)
    _korean(product, materials="라탄")
    found = changes(approved, take_snapshot(product))
    assert "materials [ko]" in {change.field for change in found}
    assert next(c for c in found if c.field == "materials [ko]").after == "라탄"


def test_every_place_a_product_appears_names_it_in_the_readers_language(
    app: Flask, login_as: Any
) -> None:
    with app.app_context():
        owner = make_user(Role.MSME, locale="ko")
        product = make_product(make_business(owner), name="Rattan basket")
        _korean(product)
        buyer = make_buyer(locale="ko")
        add_to_shortlist(product, buyer)
        interest = express(buyer, product)
        channel = make_channel("Little Bandung Seoul", locale="ko", city="Seoul")
        nomination = curation.nominate(product, owner, channel, "For the wall.")
        accept(make_officer(), nomination)
        ids = (product.slug, interest.id, channel.slug)
        commit_and_detach(owner, buyer)
    slug, interest_id, channel_slug = ids
    marked = f'<span lang="ko">{KO_NAME}</span>'
    buyer_client = login_as(buyer)
    pages = {
        "catalog card": (buyer_client, "/catalog", f"{KO_NAME}</a>"),
        "shortlist": (buyer_client, "/shortlist/", marked),
        "interest form": (buyer_client, f"/products/{slug}/interest", marked),
        "conversation header": (buyer_client, f"/interests/{interest_id}", f"<h1>{marked}</h1>"),
        "buyer's list": (buyer_client, "/interests", marked),
        "owner's inbox": (login_as(owner), "/interests", marked),
        "owner's conversation": (login_as(owner), f"/interests/{interest_id}", marked),
        "channel line-up": (app.test_client(), f"/channels/{channel_slug}", f"{KO_NAME}</a></h3>"),
    }
    for place, (client, url, expected) in pages.items():
        response = client.get(url, headers={"Accept-Language": "ko"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200, place
        assert expected in html, place
    # The quick form of a visitor without an account, in Korean too.
    visitor = app.test_client()
    html = visitor.get(f"/products/{slug}/interest", headers={"Accept-Language": "ko"}).get_data(
        as_text=True
    )
    assert marked in html
    # The channel line-up marks the name with its language.
    html = app.test_client().get(f"/channels/{channel_slug}").get_data(as_text=True)
    assert '<h3 lang="ko"><a href=' in html


def test_the_business_profile_in_every_language(app: Flask, login_as: Any, client: Any) -> None:
    with app.app_context():
        business = make_business(status=BusinessStatus.VERIFIED)
        business.export_markets = ["JP"]
        owner, slug = business.owner, business.slug
        commit_and_detach(owner)
    owner_client = login_as(owner)
    edit_html = owner_client.get("/my/business/edit").get_data(as_text=True)
    assert 'name="description_ko"' in edit_html and 'name="monthly_capacity_zh"' in edit_html
    assert 'name="export_markets_zh"' not in edit_html  # countries are no text to translate
    form = _business_form(edit_html)
    form.update({"description_ko": "대나무 공방입니다.", "monthly_capacity_ko": "바구니 600개"})
    response = post_form(owner_client, "/my/business/edit", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(sa.select(BusinessTranslation)).all()
        assert [(r.locale, r.description, r.monthly_capacity) for r in rows] == [
            ("ko", "대나무 공방입니다.", "바구니 600개")
        ]
    html = client.get(f"/msmes/{slug}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert '<p lang="ko">대나무 공방입니다.</p>' in html
    assert '<span lang="ko">바구니 600개</span>' in html
    assert "<dd>일본</dd>" in html  # the export markets, named in Korean
    assert not FALLBACK.search(html)
    html = client.get(f"/msmes/{slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "대나무" not in html and not FALLBACK.search(html)


def _business_form(html: str) -> dict[str, Any]:
    """The profile form's current values, as a browser would post them back."""
    inputs = re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"[^>]*>', html)
    values: dict[str, Any] = {name: value for name, value in inputs if name != "export_markets"}
    values["export_markets"] = re.findall(
        r'<input checked[^>]*name="export_markets"[^>]*value="([^"]*)"', html
    )
    for name, text in re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*>([^<]*)</textarea>', html):
        values[name] = text.strip()
    for name, chosen in re.findall(
        r'<select[^>]*name="([a-z_]+)"[^>]*>.*?<option selected value="([^"]*)"', html, re.S
    ):
        values[name] = chosen
    values.pop("csrf_token", None)
    values.pop("remove_logo", None)
    return values


def test_channel_catalog_text_includes_the_translated_materials(ctx: Flask) -> None:
    product = make_product(make_business(), materials="Rattan")
    _korean(product, materials="라탄")
    assert print_text(product, "ko").materials == "라탄"
    assert print_text(product, "de").materials == "Rattan"
