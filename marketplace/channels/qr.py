"""QR codes for printed tags and catalogs, and the permanent short address they encode.

The address is built from the configured BASE_URL (the public address of the marketplace), not
from the request: an officer may reach the server by another name, but a printed tag must carry
the address the public uses.
"""

from __future__ import annotations

import io

import segno

from marketplace.urls import public_url

# Medium error correction survives a scuffed or partly covered tag and keeps the code small.
ERROR_LEVEL = "m"
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
PIXELS_PER_MODULE = 10


def tag_url(token: str) -> str:
    """The absolute short address printed in a tag's QR code: <BASE_URL>/t/<token>."""
    return public_url("channels.tag", token=token)


def qr_png(data: str) -> bytes:
    """A black-on-white PNG of the QR code, sharp at print size (1-bit, no smoothing)."""
    code = segno.make(data, error=ERROR_LEVEL, micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=PIXELS_PER_MODULE, border=QUIET_ZONE)
    return out.getvalue()
