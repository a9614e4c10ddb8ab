"""Uploaded PDFs (certificate scans) re-written as plain documents: pages, and nothing that runs.

A PDF can carry more than pages: JavaScript, actions run when it opens (OpenAction) or on page
and field events (AA), forms, embedded files. The office opens certificate scans in its own
viewers, so an upload is taken apart with pypdf and only its pages are written into a new
document:

- the document's catalog, where scripts, forms, attachments and the opening action live, is
  left behind;
- every action and trigger (/A, /AA, /JS, /OpenAction) is cut from what the pages bring along;
- annotations that play, attach files or take input are dropped: only markup (notes, links
  made inert, stamps, highlights...) stays;
- a digital signature's field is dropped (re-writing the file breaks the signature anyway).

Fillable form fields are refused rather than dropped, as dropping them would lose what they
show: printing the form to a new PDF or a photo of the certificate is asked for. So is a PDF
pypdf cannot read, one protected by a password, and one of more than MAX_PAGES pages. The
result is read back and refused if anything active is still found in it (a second line of
defence). Raises `PdfError` (an `ImageError`, as for every refused upload) with a message to
show.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from marketplace.media.images import ImageError

MAX_PAGES = 20  # a certificate is a page or a few; more is not a certificate scan
MAX_OBJECTS = 200_000  # objects read back in the final check: bounds a crafted file's cost

# Never copied from a page or anything it refers to. /P (an annotation's page) and /Parent
# (a field's form, a popup's note) would bring back what was left behind.
CUT_KEYS = ["/A", "/AA", "/JS", "/OpenAction", "/P", "/Parent", "/B", "/Thumb", "/StructParent"]
KEPT_ANNOTATIONS = frozenset(
    {
        "/Text",
        "/Link",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Stamp",
        "/Caret",
        "/Ink",
        "/Popup",
    }
)
ACTIVE_KEYS = frozenset(
    {
        "/A",
        "/AA",
        "/JS",
        "/JavaScript",
        "/OpenAction",
        "/AcroForm",
        "/XFA",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/Launch",
        "/RichMediaContent",
    }
)

DAMAGED = _l("This PDF file is damaged or incomplete.")


class PdfError(ImageError):
    """A PDF was refused; `message` is safe to show."""


def _field_type(annotation: DictionaryObject) -> object:
    """A widget's field type, which it may inherit from the fields above it."""
    node: DictionaryObject | None = annotation
    for _ in range(32):
        if node is None:
            break
        if "/FT" in node:
            return node["/FT"]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def _annotations(page: DictionaryObject) -> list[DictionaryObject]:
    found = page.get("/Annots")
    annots = found.get_object() if found is not None else None
    if not isinstance(annots, ArrayObject):
        return []
    return [a for a in (item.get_object() for item in annots) if isinstance(a, DictionaryObject)]


def _refuse_forms(reader: PdfReader) -> None:
    for page in reader.pages:
        for annotation in _annotations(page):
            if annotation.get("/Subtype") == "/Widget" and _field_type(annotation) != "/Sig":
                raise PdfError(
                    _l(
                        "This PDF is a form with fields to fill in. Please print it to a new "
                        "PDF (Save as PDF) or upload a photo of the certificate."
                    ),
                    "pdf_form",
                )


def _pages_only(reader: PdfReader) -> bytes:
    writer = PdfWriter()
    for page in reader.pages:
        copy = writer.add_page(page, excluded_keys=[*CUT_KEYS, "/Annots"])
        kept = ArrayObject()
        for annotation in _annotations(page):
            if annotation.get("/Subtype") not in KEPT_ANNOTATIONS:
                continue
            clone = annotation.clone(writer, ignore_fields=CUT_KEYS)
            kept.append(clone.indirect_reference or clone)
        if kept:
            copy[NameObject("/Annots")] = kept
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _objects(root: PdfObject) -> Iterator[DictionaryObject]:
    """Every dictionary reachable from `root`, each once, without recursion."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [root]
    count = 0
    while stack:
        item: PdfObject | None = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        count += 1
        if count > MAX_OBJECTS:
            raise PdfError(DAMAGED, "damaged")
        if isinstance(item, DictionaryObject):  # streams too: their dictionary
            yield item
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _still_active(data: bytes) -> bool:
    reader = PdfReader(io.BytesIO(data), strict=False)
    return any(ACTIVE_KEYS.intersection(obj.keys()) for obj in _objects(reader.trailer))


def clean_pdf(data: bytes) -> bytes:
    """The PDF's pages in a new file without anything that runs; raises PdfError."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfError(
                _l("This PDF is protected by a password. Please upload it without protection."),
                "pdf_encrypted",
            )
        pages = len(reader.pages)
        if pages == 0:
            raise PdfError(DAMAGED, "damaged")
        if pages > MAX_PAGES:
            raise PdfError(
                _l("A certificate scan may have at most %(num)d pages.", num=MAX_PAGES),
                "pdf_pages",
            )
        _refuse_forms(reader)
        cleaned = _pages_only(reader)
        active = _still_active(cleaned)
    except PdfError:
        raise
    except Exception:  # pypdf raises many kinds of error on a malformed file: all mean "damaged"
        raise PdfError(DAMAGED, "damaged") from None
    if active:
        raise PdfError(
            _l(
                "This PDF contains scripts, forms or attached files that cannot be removed. "
                "Please print it to a new PDF (Save as PDF) or upload a photo of the certificate."
            ),
            "pdf_active",
        )
    return cleaned
