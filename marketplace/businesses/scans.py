"""Scans of certificates: an image or a PDF, judged by content, kept private.

Images go through the same checks as product photos and are stored as a metadata-free WebP;
PDFs must start like a PDF and end like one, and are stored re-written as pages only, without
scripts, actions, forms or attached files (`media.pdfs`; a PDF that cannot be cleaned so is
refused). Scans live under ``scans/``, which the public media route never serves: only the
owner and the office can open them.
"""

from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l

from marketplace.businesses.models import BusinessCertification
from marketplace.businesses.services import StoredScan
from marketplace.media.images import DEFAULT_MAX_BYTES, ORIGINAL, ImageError, process_image
from marketplace.media.pdfs import clean_pdf
from marketplace.media.storage import Storage

PDF_TYPE = "application/pdf"
WEBP_TYPE = "image/webp"


def _looks_like_pdf(data: bytes) -> bool:
    # A PDF starts with its header and ends with %%EOF (allowing trailing whitespace/garbage
    # some generators add); anything else is not a complete PDF document.
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]


def scan_key(data: bytes, extension: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"scans/{digest[:2]}/{digest}.{extension}"


def store_scan(storage: Storage, data: bytes) -> StoredScan:
    """Check and store a scan; raises ImageError (with a message to show) and stores nothing."""
    if len(data) > DEFAULT_MAX_BYTES:
        raise ImageError(
            _l("This file is larger than %(mb)s MB.", mb=DEFAULT_MAX_BYTES // 2**20), "too_large"
        )
    if data.startswith(b"%PDF-"):
        if not _looks_like_pdf(data):
            raise ImageError(_l("This PDF file is damaged or incomplete."), "damaged")
        cleaned = clean_pdf(data)
        scan = StoredScan(scan_key(cleaned, "pdf"), PDF_TYPE)
        storage.save(scan.key, cleaned)
        return scan
    try:
        processed, files = process_image(data)
    except ImageError as error:
        if error.code == "not_image":
            raise ImageError(
                _l("A scan must be a JPEG, PNG or WebP image, or a PDF."), error.code
            ) from None
        raise
    original = files[processed.variants[ORIGINAL].key]
    scan = StoredScan(scan_key(original, "webp"), WEBP_TYPE)
    storage.save(scan.key, original)
    return scan


def scan_name(certification: BusinessCertification) -> str:
    """The file name a downloaded scan gets."""
    extension = "pdf" if certification.scan_content_type == PDF_TYPE else "webp"
    return f"certificate-{certification.certification_code}-{certification.id}.{extension}"
