"""PDF uploads come out as pages only: nothing that runs, opens, attaches or takes input."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from marketplace.media.pdfs import MAX_PAGES, PdfError, clean_pdf
from tests.media.pdfs import (
    SCRIPT,
    SECRET,
    active_pdf,
    form_pdf,
    plain_pdf,
    protected_pdf,
)

RUNNING = ("/JavaScript", "/JS", "/OpenAction", "/AA", "/EmbeddedFile", "/AcroForm", "/Launch")


def _every_key(data: bytes) -> set[str]:
    """The keys of every object in the file, reachable or not."""
    reader = PdfReader(io.BytesIO(data))
    numbers = {n for by_number in reader.xref.values() for n in by_number}
    keys: set[str] = set()
    for number in numbers | set(reader.xref_objStm):
        obj = reader.get_object(number)
        if isinstance(obj, DictionaryObject):
            keys.update(str(key) for key in obj)
    return keys


def test_active_content_is_removed_and_the_pages_kept(ctx: Flask) -> None:
    original = active_pdf()
    assert {"/JavaScript", "/OpenAction", "/AA", "/EmbeddedFiles"} <= _every_key(original)
    cleaned = clean_pdf(original)
    reader = PdfReader(io.BytesIO(cleaned))
    assert len(reader.pages) == 2
    assert not set(RUNNING) & _every_key(cleaned)
    assert "/A" not in _every_key(cleaned)
    assert SECRET not in cleaned and SCRIPT.encode() not in cleaned and b"run.exe" not in cleaned
    # Markup stays (inert): the note and the link; the attachment and the signature field go.
    kept = [a.get_object()["/Subtype"] for a in reader.pages[0]["/Annots"]]
    assert kept == ["/Link", "/Text"]


def test_a_plain_pdf_is_kept_as_it_reads(ctx: Flask) -> None:
    cleaned = clean_pdf(plain_pdf(3))
    assert len(PdfReader(io.BytesIO(cleaned)).pages) == 3


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (form_pdf(), "pdf_form", "This PDF is a form with fields to fill in."),
        (protected_pdf(), "pdf_encrypted", "This PDF is protected by a password."),
        (plain_pdf(MAX_PAGES + 1), "pdf_pages", f"at most {MAX_PAGES} pages"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "damaged", "damaged"),
        (plain_pdf()[:-200] + b"%%EOF", "damaged", "damaged"),
        (b"%PDF-1.7\n" + b"[" * 100_000 + b"\n%%EOF", "damaged", "damaged"),
    ],
)
def test_pdfs_that_cannot_be_made_plain_are_refused(
    ctx: Flask, data: bytes, code: str, message: str
) -> None:
    with pytest.raises(PdfError) as refused:
        clean_pdf(data)
    assert refused.value.code == code
    assert message in str(refused.value.message)
