"""Real image files for upload tests, made with Pillow (no fixtures on disk).

The same arguments give the same bytes: each file is made once per session."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image

GPS_IFD = 0x8825


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def photo(size: tuple[int, int] = (1200, 900), seed: int = 1) -> Image.Image:
    """Photo-like pixels (gradient plus noise), different for each seed."""
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.effect_noise(size, 30 + seed).convert("RGB")
    return Image.blend(gradient, noise, 0.3 + seed / 100)


@cache
def jpeg(size: tuple[int, int] = (1200, 900), seed: int = 1) -> bytes:
    return encode(photo(size, seed), "JPEG", quality=85)


@cache
def jpeg_with_gps(seed: int = 7) -> bytes:
    """A phone photo that tells where it was taken (Bandung) and with which camera."""
    image = photo((2400, 1800), seed)
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "S"
    gps[2] = (6.0, 54.0, 51.0)
    gps[3] = "E"
    gps[4] = (107.0, 36.0, 34.0)
    return encode(image, "JPEG", quality=85, exif=exif)


@cache
def png_with_alpha(size: tuple[int, int] = (900, 600)) -> bytes:
    """Left half fully transparent, right half opaque red."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (size[0] // 2, 0, size[0], size[1]))
    return encode(image, "PNG")


@cache
def cmyk_jpeg(size: tuple[int, int] = (900, 600)) -> bytes:
    """Pure red in CMYK (no cyan, full magenta and yellow, no black), as print shops send."""
    return encode(Image.new("CMYK", size, (0, 255, 255, 0)), "JPEG", quality=95)


@cache
def png_50_megapixels() -> bytes:
    """A real 50-megapixel PNG (grey, so it is small on disk but huge once decoded)."""
    return encode(Image.new("L", (10_000, 5_000), 128), "PNG")


def truncated_jpeg() -> bytes:
    data = jpeg((1200, 900), seed=3)
    return data[: len(data) // 2]


def text_file() -> bytes:
    return b"This is a text file, not a photo.\n" * 20


def eleven_megabytes() -> bytes:
    """A JPEG header followed by filler: over the 10 MB limit whatever its content."""
    head = jpeg((64, 64), seed=5)
    return head + b"\0" * (11 * 1024 * 1024 - len(head))
