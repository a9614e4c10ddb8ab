"""PDFs for upload tests, built with pypdf: plain ones, and ones carrying everything that runs
(a document-level script, an opening action, page and annotation triggers, a script link, an
attached file and a file-attachment annotation), a fillable form, a password-protected file."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

SECRET = b"attached secret payload"
SCRIPT = "app.alert('opened')"


def _name(value: str) -> NameObject:
    return NameObject(value)


def _script(code: str) -> DictionaryObject:
    return DictionaryObject(
        {_name("/S"): _name("/JavaScript"), _name("/JS"): TextStringObject(code)}
    )


def _annotation(subtype: str, x: float, **entries: PdfObject) -> DictionaryObject:
    rect = ArrayObject([FloatObject(x), FloatObject(x), FloatObject(x + 40), FloatObject(x + 20)])
    values: dict[NameObject, PdfObject] = {
        _name("/Type"): _name("/Annot"),
        _name("/Subtype"): _name(subtype),
        _name("/Rect"): rect,
    }
    values.update({_name(f"/{key}"): value for key, value in entries.items()})
    return DictionaryObject(values)


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plain_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    return _bytes(writer)


def active_pdf() -> bytes:
    """Two pages, the first carrying every kind of active content pypdf can write."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    writer.add_attachment("payload.txt", SECRET)
    names = writer.root_object["/Names"]
    names[_name("/JavaScript")] = DictionaryObject(
        {
            _name("/Names"): ArrayObject(
                [TextStringObject("init"), writer._add_object(_script(SCRIPT))]
            )
        }
    )
    writer.root_object[_name("/OpenAction")] = writer._add_object(_script(SCRIPT))
    page = writer.pages[0]
    page[_name("/AA")] = DictionaryObject({_name("/O"): writer._add_object(_script(SCRIPT))})
    attached = StreamObject()
    attached.set_data(SECRET)
    annotations = [
        _annotation("/Link", 10, A=_script(SCRIPT)),
        _annotation(
            "/Text",
            60,
            Contents=TextStringObject("Checked by the notary"),
            AA=DictionaryObject({_name("/E"): _script(SCRIPT)}),
        ),
        _annotation(
            "/FileAttachment",
            110,
            FS=DictionaryObject(
                {
                    _name("/Type"): _name("/Filespec"),
                    _name("/F"): TextStringObject("run.exe"),
                    _name("/EF"): DictionaryObject({_name("/F"): writer._add_object(attached)}),
                }
            ),
        ),
        _annotation("/Widget", 160, FT=_name("/Sig"), T=TextStringObject("Signature1")),
    ]
    page[_name("/Annots")] = ArrayObject(writer._add_object(a) for a in annotations)
    return _bytes(writer)


def form_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    field = writer._add_object(
        _annotation("/Widget", 50, FT=_name("/Tx"), T=TextStringObject("holder"))
    )
    writer.pages[0][_name("/Annots")] = ArrayObject([field])
    writer.root_object[_name("/AcroForm")] = DictionaryObject(
        {_name("/Fields"): ArrayObject([field])}
    )
    return _bytes(writer)


def protected_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret", algorithm="RC4-128")
    return _bytes(writer)
