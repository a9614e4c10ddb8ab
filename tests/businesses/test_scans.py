"""Certificate scans that are PDFs are stored re-written as pages only, through the real upload
form; PDFs that cannot be made plain are refused with a message and nothing is stored."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

from marketplace.businesses.models import BusinessCertification, BusinessStatus
from marketplace.db import db
from tests.businesses.helpers import fetch, media_bytes, media_files
from tests.businesses.test_views import certification_form, owner_of
from tests.media.pdfs import SCRIPT, SECRET, active_pdf, form_pdf, plain_pdf, protected_pdf

NEW = "/my/business/certifications/new"


def test_a_pdf_with_scripts_and_attachments_is_stored_without_them(
    app: Flask, login_as: Any
) -> None:
    user, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    owner = login_as(user)
    assert certification_form(owner, NEW, (active_pdf(), "halal.pdf")).status_code == 302
    [stored] = media_files(app)
    data = media_bytes(app, stored)
    assert SECRET not in data and SCRIPT.encode() not in data
    assert b"/JavaScript" not in data and b"/OpenAction" not in data
    assert len(PdfReader(io.BytesIO(data)).pages) == 2
    with app.app_context():
        cert_id = db.session.scalars(sa.select(BusinessCertification.id)).one()
    assert fetch(owner, f"/my/business/certifications/{cert_id}/scan")[2] == data


@pytest.mark.parametrize(
    ("pdf", "message"),
    [
        (form_pdf(), "This PDF is a form with fields to fill in."),
        (protected_pdf(), "This PDF is protected by a password."),
        (plain_pdf(21), "A certificate scan may have at most 20 pages."),
    ],
)
def test_pdfs_that_cannot_be_made_plain_are_refused_and_nothing_is_stored(
    app: Flask, login_as: Any, pdf: bytes, message: str
) -> None:
    user, _ = owner_of(app, status=BusinessStatus.VERIFIED)
    response = certification_form(login_as(user), NEW, (pdf, "scan.pdf"))
    assert message in response.get_data(as_text=True)
    assert media_files(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(BusinessCertification.id))) == 0
