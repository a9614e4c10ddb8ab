"""Safe processing of uploaded product photos.

An upload is judged by its content, never its file name: only JPEG, PNG and WebP are
accepted, size and pixel limits are checked before the pixels are decoded (decompression
bombs), and damaged files are refused with a message a seller can understand. Accepted
photos are rotated per EXIF, converted to sRGB, stripped of all metadata (GPS included) and
stored as WebP: a normalised original plus smaller variants, named by content hash so a
URL always means the same bytes and can be cached forever.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import random
import re
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from PIL import Image, ImageCms, ImageDraw, ImageFont

from marketplace.media.storage import Storage

ALLOWED_FORMATS = ["JPEG", "PNG", "WEBP"]
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
MAX_SIDE = 2400  # longest side of the stored original
VARIANT_SIZES = (320, 800, 1600)  # longest side of each variant
ORIGINAL = 0  # the variants-dict key of the normalised original
WEBP_QUALITY = 80

_DIGEST = re.compile(r"[0-9a-f]{64}")
# EXIF orientation tag (0x0112) value -> the transpose that shows the image upright.
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Anything a malformed file can make a Pillow decoder raise.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


class ImageError(Exception):
    """An upload was refused; ``message`` is a short sentence safe to show to the user."""

    def __init__(self, message: str | LazyString, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # stable, untranslated: "not_image", "too_large", ...


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    key: str


@dataclass(frozen=True)
class ProcessedImage:
    digest: str  # sha256 hex of the normalised original's WebP bytes
    width: int
    height: int
    variants: dict[int, Variant]  # target size (320, 800, 1600) or ORIGINAL -> variant

    def key_for(self, size: int) -> str:
        """Key of the smallest variant at least ``size`` px, else the original (``0``).

        Small photos have no variant larger than themselves (we never upscale), so a page
        may always ask for 320/800/1600 and gets the best file that exists.
        """
        if size <= ORIGINAL:
            return self.variants[ORIGINAL].key
        fits = [s for s in self.variants if s != ORIGINAL and s >= size]
        return self.variants[min(fits) if fits else ORIGINAL].key


def _refusal(code: str, limit: float = 0) -> ImageError:
    """The refusal for ``code``; ``limit`` is in MB or megapixels, shown as "10" or "0.5"."""
    amount = f"{limit:.3g}"
    messages = {
        "not_image": _l("This file is not a JPEG, PNG or WebP image."),
        "too_large": _l("This file is larger than %(mb)s MB.", mb=amount),
        "too_many_pixels": _l("This image has more than %(mp)s megapixels.", mp=amount),
        "damaged": _l("This image file is damaged or incomplete."),
    }
    return ImageError(messages[code], code)


def image_key(digest: str, size: int) -> str:
    """Storage key of one file: ``img/<digest[:2]>/<digest>-<size|orig>.webp``."""
    if not _DIGEST.fullmatch(digest):
        raise ValueError(f"Not a sha256 hex digest: {digest!r}")
    return f"img/{digest[:2]}/{digest}-{size or 'orig'}.webp"


def image_keys(digest: str) -> list[str]:
    """Every key a digest may have (for deleting a photo or collecting orphans)."""
    return [image_key(digest, size) for size in (ORIGINAL, *VARIANT_SIZES)]


def _fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """``size`` scaled down so its longest side is ``longest`` (never scaled up)."""
    w, h = size
    scale = min(1.0, longest / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    """Open and decode ``data``, enforcing format and pixel limits before decoding.

    ``Image.open`` only reads the header, so the pixel count is checked before any pixel
    data is decompressed. That explicit check is the guard: Pillow itself only warns at
    89.5 MP. Its warning is made an error as well, for callers that raise ``max_pixels``
    (``catch_warnings`` is not thread-safe, which is why it is not the only guard).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            if image.width * image.height > max_pixels:
                raise _refusal("too_many_pixels", max_pixels / 1e6)
            if image.format in ("JPEG", "MPO"):  # MPO: multi-picture JPEG from phones
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when we shrink anyway: faster
                # and less memory. The target is already fitted, so quality is unaffected.
                image.draft(None, _fit(image.size, MAX_SIDE))
            image.load()  # a truncated file raises here: LOAD_TRUNCATED_IMAGES stays off
        except Image.UnidentifiedImageError:
            raise _refusal("not_image") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refusal("too_many_pixels", max_pixels / 1e6) from None
        except _DECODE_ERRORS:
            raise _refusal("damaged") from None
    return image


def _orientation(image: Image.Image) -> int:
    """EXIF orientation (1 = upright). Broken EXIF is ignored rather than refused."""
    try:
        value = image.getexif().get(0x0112, 1)
    except _DECODE_ERRORS:
        return 1
    return value if isinstance(value, int) else 1


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to RGB or RGBA in sRGB, since the ICC profile is dropped with the metadata.

    With an embedded profile (phones often use Display P3, print shops CMYK profiles) we
    convert through it; otherwise Pillow's plain conversion, which is right for CMYK too
    (Adobe's inverted CMYK JPEGs are undone by the JPEG decoder).
    """
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    if image.mode.startswith("I") or image.mode == "F":  # 16/32-bit grey: scale, not clip
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # unusable profile: fall back to the plain conversion below
    image = image.convert(mode) if image.mode != mode else image
    if mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")  # "transparent" PNG that is fully opaque
    return image


def _normalise(image: Image.Image) -> Image.Image:
    """Upright, sRGB RGB(A), longest side at most MAX_SIDE, no metadata at all."""
    orientation = _orientation(image)
    icc = image.info.get("icc_profile")
    if image.mode in ("P", "PA", "1"):  # palette images cannot be resized smoothly
        image = image.convert(
            "RGBA" if image.mode == "PA" or "transparency" in image.info else "RGB"
        )
    if max(image.size) > MAX_SIDE:
        image = image.resize(_fit(image.size, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if orientation in _ORIENTATION:
        image = image.transpose(_ORIENTATION[orientation])
    image = _to_srgb(image, icc if isinstance(icc, bytes) else None)
    # EXIF (GPS, camera serial), XMP and ICC ride along in .info; WebP saving only writes
    # what we pass explicitly, but clear it so no later code can re-attach it.
    image.info.clear()
    return image


def _webp(image: Image.Image) -> bytes:
    """Encode as WebP. Effort (method) 4 squeezes the small, most-served variants; the two
    large files use method 2, which is twice as fast for ~10% more bytes, keeping a 12 MP
    upload well under a second. No exif/icc_profile/xmp arguments: none are written."""
    method = 4 if max(image.size) <= 800 else 2
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=method)
    return buffer.getvalue()


def process_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> tuple[ProcessedImage, dict[str, bytes]]:
    """Validate and normalise an upload; return its description and the files to store.

    Raises :class:`ImageError` for anything that is not an acceptable photo. Only variants
    smaller than the normalised original are made (no upscaling); the original is always
    there. The digest hashes the stored original, so every key changes with the bytes.
    """
    if len(data) > max_bytes:
        raise _refusal("too_large", max_bytes / 2**20)
    if not data:
        raise _refusal("not_image")
    image = _normalise(_decode(data, max_pixels))
    original = _webp(image)
    digest = hashlib.sha256(original).hexdigest()
    variants = {ORIGINAL: Variant(image.width, image.height, image_key(digest, ORIGINAL))}
    files = {variants[ORIGINAL].key: original}
    source = image
    for size in sorted(VARIANT_SIZES, reverse=True):
        if size >= max(image.size):
            continue
        # Each variant is resized from the next larger one (cheaper; every step shrinks by
        # 1.5x or more) to dimensions computed from the original, so rounding does not add
        # up. Pillow premultiplies alpha when resizing RGBA: no dark fringes.
        source = source.resize(_fit(image.size, size), Image.Resampling.LANCZOS)
        variants[size] = Variant(source.width, source.height, image_key(digest, size))
        files[variants[size].key] = _webp(source)
    return ProcessedImage(digest, image.width, image.height, variants), files


def store_image(storage: Storage, data: bytes, **limits: int) -> ProcessedImage:
    """Process ``data`` and save every file, or leave nothing behind.

    If a save fails, the files this call created are deleted and the error re-raised.
    Files that already existed (the same photo uploaded before) are not ours to delete.
    """
    processed, files = process_image(data, **limits)
    created: list[str] = []
    try:
        for key, blob in files.items():
            existed = storage.exists(key)
            storage.save(key, blob)
            if not existed:
                created.append(key)
    except BaseException:
        for key in created:
            try:
                storage.delete(key)
            except Exception:  # keep the original error; an orphan is collected later
                pass
        raise
    return processed


def make_placeholder_photo(seed: int, text: str, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A pleasant generated JPEG for demo products: a gradient and soft circles in a hue
    derived from ``seed``, with ``text`` centred. The same arguments give the same bytes."""
    rng = random.Random(seed)
    hue = (seed * 0.618033988749895) % 1.0  # golden-ratio steps spread hues of nearby seeds
    dark = tuple(round(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.65, 0.45))
    light = tuple(round(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.08) % 1.0, 0.35, 0.95))
    # A diagonal gradient: rotate the 256 px ramp, keep the middle, which has no corners.
    mask = Image.linear_gradient("L").rotate(rng.choice((30, 60, 120, 150)), expand=True)
    c = mask.width // 2  # the rotated canvas is square
    ramp = mask.crop((c - 90, c - 90, c + 90, c + 90)).resize(size, Image.Resampling.BICUBIC)
    image = Image.composite(Image.new("RGB", size, light), Image.new("RGB", size, dark), ramp)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    w, h = size
    for _ in range(7):
        r = rng.randint(min(size) // 10, min(size) // 3)
        x, y = rng.randint(0, w), rng.randint(0, h)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(25, 70)))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    font_size = max(12, h // 9)
    font = ImageFont.load_default(size=font_size)
    while font_size > 12 and draw.textlength(text, font=font) > w * 0.85:
        font_size = max(12, int(font_size * 0.85))  # shrink long names to fit the width
        font = ImageFont.load_default(size=font_size)
    stroke = max(1, font_size // 18)
    draw.text((w / 2, h / 2), text, "white", font, "mm", stroke_width=stroke, stroke_fill=dark)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
