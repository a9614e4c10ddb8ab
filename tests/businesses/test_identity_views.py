"""A verified owner's change of name, NIB or district through the real pages: the owner sees it
wait for review, and every public place keeps the verified name until the office approves."""

from __future__ import annotations

import io
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from marketplace.accounts.models import Role, User
from marketplace.businesses.models import Business, BusinessIdentityChange, BusinessStatus
from marketplace.db import db
from marketplace.ledger.models import AuditEntry
from tests.businesses.helpers import commit_and_detach
from tests.catalog.helpers import channel
from tests.conftest import post_form
from tests.factories import accept, make_business, make_product, make_user

OTHER_NIB = "8120215678904"


def form_of(business: Business, **changes: str) -> dict[str, str]:
    """The profile form as the edit page fills it, with `changes`."""
    values = {
        "name": business.name,
        "nib": business.nib or "",
        "subsector_code": business.subsector_code or "",
        "district": business.district or "",
        "description": business.description,
        "export_experience": business.export_experience.value,
        "contact_email": business.contact_email or "",
        "contact_phone": business.contact_phone or "",
    }
    return {**values, **changes}


def verified_world(app: Flask) -> tuple[User, dict[str, str], str, str]:
    """A verified business with a published product shown in a channel, and a second
    verified business whose name and NIB the first will try to take."""
    with app.app_context():
        other = make_business(name="Kopi Aroma Priangan", nib=OTHER_NIB)
        make_product(other, name="Java Preanger arabica")
        business = make_business(name="Batik Sekar Jagad")
        product = make_product(business, name="Batik silk scarf")
        accept(product, channel("harz-und-heide")).qr_token = "batikscarf01"  # printed: in the PDF
        owner = business.owner
        form, slug = form_of(business), business.slug
        commit_and_detach(owner)
        return owner, form, slug, product.slug


def public_texts(client: FlaskClient, slug: str, product_slug: str) -> dict[str, str]:
    pdf = PdfReader(io.BytesIO(client.get("/channels/harz-und-heide/catalog.pdf").data))
    return {
        "profile": client.get(f"/msmes/{slug}").get_data(as_text=True),
        "product": client.get(f"/products/{product_slug}").get_data(as_text=True),
        "catalog": client.get("/catalog").get_data(as_text=True),
        "channel": client.get("/channels/harz-und-heide").get_data(as_text=True),
        "search": client.get("/search?q=scarf").get_data(as_text=True),
        "api": client.get(f"/api/v1/products/{product_slug}").get_data(as_text=True),
        "pdf": "".join(page.extract_text() for page in pdf.pages),
    }


def test_another_business_nib_is_refused_on_the_form(app: Flask, login_as: Any) -> None:
    """The reported case: a verified business took another's name and NIB, quietly."""
    owner, form, slug, _product = verified_world(app)
    client = login_as(owner)
    response = post_form(
        client,
        "/my/business/edit",
        {**form, "name": "Kopi Aroma Priangan", "nib": "8120 2156 7890 4"},
    )
    assert response.status_code == 200
    assert "This NIB belongs to another business on the marketplace." in response.get_data(
        as_text=True
    )
    with app.app_context():
        business = db.session.scalars(sa.select(Business).where(Business.slug == slug)).one()
        assert (business.name, business.nib) == ("Batik Sekar Jagad", form["nib"])
        assert db.session.scalar(sa.select(sa.func.count(BusinessIdentityChange.id))) == 0


def test_a_verified_rename_waits_and_every_public_place_keeps_the_verified_name(
    app: Flask, login_as: Any, client: FlaskClient
) -> None:
    owner, form, slug, product_slug = verified_world(app)
    owner_client = login_as(owner)
    response = post_form(
        owner_client,
        "/my/business/edit",
        {**form, "name": "Kopi Aroma Priangan", "description": "Batik tulis since 1998."},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "The trade office reviews the new name, NIB or district" in html
    assert "Waiting for review by the trade office" in html
    assert "Batik Sekar Jagad" in html and "Kopi Aroma Priangan" in html
    # The edit page goes on with the name asked for, and says what the public sees.
    edit = owner_client.get("/my/business/edit").get_data(as_text=True)
    assert 'value="Kopi Aroma Priangan"' in edit
    assert "Shown publicly now: Batik Sekar Jagad" in edit

    texts = public_texts(client, slug, product_slug)
    for place, text in texts.items():
        assert "Batik Sekar Jagad" in text, place
    assert "<h1>Batik Sekar Jagad</h1>" in texts["profile"]
    assert "Batik tulis since 1998." in texts["profile"]  # other details apply at once
    # Only the real Kopi Aroma Priangan carries that name on the channel and the catalog.
    assert texts["catalog"].count("Kopi Aroma Priangan") == 1
    with app.app_context():
        business = db.session.scalars(sa.select(Business).where(Business.slug == slug)).one()
        assert (business.name, business.status) == ("Batik Sekar Jagad", BusinessStatus.VERIFIED)
        actions = db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.subject_type == "business", AuditEntry.subject_id == business.id)
            .order_by(AuditEntry.id)
        )
        assert list(actions) == ["business.identity_requested", "business.updated"]


def test_an_owner_not_verified_yet_renames_at_once_but_never_changes_the_owner(
    app: Flask, login_as: Any
) -> None:
    with app.app_context():
        business = make_business(status=BusinessStatus.PENDING)
        owner, form, business_id = business.owner, form_of(business), business.id
        someone = make_user(Role.MSME)
        commit_and_detach(owner, someone)
    response = post_form(
        login_as(owner),
        "/my/business/edit",
        {**form, "name": "Batik Baru", "owner_id": str(someone.id), "owner": str(someone.id)},
    )
    assert response.status_code == 302
    with app.app_context():
        business = db.session.get_one(Business, business_id)
        assert (business.name, business.owner_id) == ("Batik Baru", owner.id)
        assert db.session.scalar(sa.select(sa.func.count(BusinessIdentityChange.id))) == 0


def test_a_rejected_change_shows_its_reason_until_the_next_save(app: Flask, login_as: Any) -> None:
    with app.app_context():
        business = make_business()
        db.session.add(
            BusinessIdentityChange(
                business=business,
                status="rejected",
                name="Kopi Aroma Priangan",
                nib=business.nib,
                district=business.district,
                reason="That is another company's name.",
            )
        )
        owner, form = business.owner, form_of(business)
        commit_and_detach(owner)
    client = login_as(owner)
    html = client.get("/my/business").get_data(as_text=True)
    assert "did not accept your change of name, NIB or district" in html
    assert "That is another company&#39;s name." in html
    assert 'value="Batik Sekar Jagad"' in client.get("/my/business/edit").get_data(as_text=True)
    post_form(client, "/my/business/edit", form)
    assert "did not accept" not in client.get("/my/business").get_data(as_text=True)


def test_officer_role_cannot_use_the_owner_edit(app: Flask, login_as: Any) -> None:
    with app.app_context():
        officer = make_user(Role.OFFICER)
        commit_and_detach(officer)
    assert login_as(officer).get("/my/business/edit").status_code == 403
