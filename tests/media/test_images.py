"""Photo processing: real files built with Pillow, no mocks.

Covers the rules of the upload issue: content-based format check, size and pixel limits
before decoding, damaged files, EXIF orientation, metadata stripping (GPS), alpha, CMYK,
variant sizes and content-hashed keys. store_image rollback is in test_storage.py.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import flask
import flask_babel
import pytest
from PIL import Image, ImageCms

from marketplace.media.images import (
    ImageError,
    image_keys,
    make_placeholder_photo,
    process_image,
    store_image,
)
from marketplace.media.storage import LocalStorage

KEY = re.compile(r"img/([0-9a-f]{2})/([0-9a-f]{64})-(orig|320|800|1600)\.webp")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.fixture
def app_ctx() -> Iterator[None]:
    """Lazy messages render inside an app context with Babel, as they will in the app."""
    app = flask.Flask(__name__)
    flask_babel.Babel(app)
    with app.app_context():
        yield


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def photo(size: tuple[int, int] = (640, 480), seed: int = 1) -> Image.Image:
    """A photo-like RGB image (gradient plus noise) that does not compress to nothing."""
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.effect_noise(size, 40 + seed).convert("RGB")
    return Image.blend(gradient, noise, 0.3)


def refused(data: bytes, code: str, text: str, **limits: int) -> None:
    with pytest.raises(ImageError) as info:
        process_image(data, **limits)
    assert info.value.code == code
    assert text in str(info.value.message)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` but carries (almost) no pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def px(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def opened(files: dict[str, bytes], key: str) -> Image.Image:
    return Image.open(io.BytesIO(files[key]))


def outputs(files: dict[str, bytes]) -> Iterator[tuple[bytes, Image.Image]]:
    for data in files.values():
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP"
        yield data, image


# --- metadata, orientation, colour -------------------------------------------------------


def test_gps_exif_xmp_and_icc_are_stripped_from_every_file() -> None:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (6.0, 54.0, 50.0), 3: "E", 4: (107.0, 36.0, 35.0)})  # Bandung
    xmp = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF/></x:xmpmeta>"
    data = encode(photo((1800, 1200)), "JPEG", exif=exif, icc_profile=SRGB, xmp=xmp)
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)[1] == "S"  # the input really carries GPS
    assert {"exif", "xmp", "icc_profile"} <= source.info.keys()

    processed, files = process_image(data)
    assert len(files) == 4
    for raw, image in outputs(files):
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile"} & image.info.keys()
        for marker in (b"EXIF", b"XMP ", b"ICCP", b"TestCam"):  # WebP metadata chunks
            assert marker not in raw


def test_exif_orientation_is_applied() -> None:
    stored = Image.new("RGB", (600, 400), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 100, 100))  # red in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    processed, files = process_image(encode(stored, "JPEG", exif=exif, quality=95))
    assert (processed.width, processed.height) == (400, 600)
    upright = opened(files, processed.key_for(0))
    assert upright.size == (400, 600)
    r, g, b = px(upright, (350, 50))  # clockwise turn: top-left goes to top-right
    assert r > 200 and b < 60
    assert not upright.getexif()  # the orientation tag is gone too: no double rotation
    assert opened(files, processed.key_for(320)).size == (213, 320)


def test_png_alpha_is_kept() -> None:
    image = Image.new("RGBA", (1000, 500), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (500, 0, 1000, 500))
    processed, files = process_image(encode(image, "PNG"))
    assert set(processed.variants) == {0, 320, 800}
    for _, out in outputs(files):
        assert out.mode == "RGBA"
        w, h = out.size
        assert px(out, (w // 8, h // 2))[3] == 0
        r, g, b, a = px(out, (w * 7 // 8, h // 2))
        assert a == 255 and r > 180 and g < 60


def test_palette_png_with_transparency_keeps_alpha() -> None:
    image = Image.new("P", (400, 300), 0)
    image.putpalette([0, 0, 0, 10, 160, 60] + [0] * 762)
    image.paste(1, (200, 0, 400, 300))
    processed, files = process_image(encode(image, "PNG", transparency=0))
    out = opened(files, processed.key_for(0))
    assert out.mode == "RGBA"
    assert px(out, (20, 150))[3] == 0
    assert px(out, (380, 150))[3] == 255


def test_opaque_rgba_png_is_stored_without_alpha() -> None:
    processed, files = process_image(encode(photo().convert("RGBA"), "PNG"))
    assert opened(files, processed.key_for(0)).mode == "RGB"


def test_cmyk_jpeg_comes_out_red_not_inverted() -> None:
    cmyk = Image.new("CMYK", (400, 300), (0, 255, 255, 0))  # pure red in CMYK
    data = encode(cmyk, "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"  # Pillow writes Adobe (inverted) CMYK
    processed, files = process_image(data)
    for _, out in outputs(files):
        assert out.mode == "RGB"
        r, g, b = px(out, (out.width // 2, out.height // 2))
        assert r > 230 and g < 30 and b < 30, (r, g, b)


@pytest.mark.parametrize("icc", [SRGB, b"not a colour profile"])
def test_embedded_profile_is_applied_or_ignored_and_dropped(icc: bytes) -> None:
    image = Image.new("RGB", (300, 200), (40, 150, 90))
    processed, files = process_image(encode(image, "PNG", icc_profile=icc))
    out = opened(files, processed.key_for(0))
    assert "icc_profile" not in out.info
    assert all(abs(c - e) <= 6 for c, e in zip(px(out, (150, 100)), (40, 150, 90), strict=True))


def test_16_bit_grey_png_is_scaled_not_clipped() -> None:
    image = Image.new("I;16", (200, 100), 40000)  # 40000 / 65535 of white
    processed, files = process_image(encode(image, "PNG"))
    value = px(opened(files, processed.key_for(0)), (100, 50))
    assert all(140 <= c <= 170 for c in value), value


# --- sizes and keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((2000, 1500), {0: (2000, 1500), 1600: (1600, 1200), 800: (800, 600), 320: (320, 240)}),
        ((3000, 1000), {0: (2400, 800), 1600: (1600, 533), 800: (800, 267), 320: (320, 107)}),
        ((1000, 3000), {0: (800, 2400), 1600: (533, 1600), 800: (267, 800), 320: (107, 320)}),
        ((500, 400), {0: (500, 400), 320: (320, 256)}),
        ((800, 600), {0: (800, 600), 320: (320, 240)}),
        ((200, 150), {0: (200, 150)}),
    ],
)
def test_variant_sizes(size: tuple[int, int], expected: dict[int, tuple[int, int]]) -> None:
    processed, files = process_image(encode(photo(size), "JPEG"))
    assert {s: (v.width, v.height) for s, v in processed.variants.items()} == expected
    assert (processed.width, processed.height) == expected[0]
    assert set(files) == {v.key for v in processed.variants.values()}
    for size_key, variant in processed.variants.items():
        assert opened(files, variant.key).size == (variant.width, variant.height)
        match = KEY.fullmatch(variant.key)
        assert match and match[2] == processed.digest and match[1] == processed.digest[:2]
        assert match[3] == (str(size_key) if size_key else "orig")


def test_key_for_falls_back_to_the_next_larger_file() -> None:
    processed, _ = process_image(encode(photo((500, 400)), "JPEG"))
    orig, small = processed.variants[0].key, processed.variants[320].key
    assert processed.key_for(320) == small
    assert processed.key_for(100) == small
    assert processed.key_for(800) == orig
    assert processed.key_for(1600) == orig
    assert processed.key_for(0) == orig


def test_keys_are_content_hashes() -> None:
    data = encode(photo((900, 600), seed=1), "JPEG")
    first, files = process_image(data)
    second, again = process_image(data)
    assert first == second and files == again  # same upload, same keys and bytes
    assert first.digest == hashlib.sha256(files[first.key_for(0)]).hexdigest()
    other, _ = process_image(encode(photo((900, 600), seed=2), "JPEG"))
    assert other.digest != first.digest
    assert not set(image_keys(other.digest)) & set(image_keys(first.digest))
    assert set(files) <= set(image_keys(first.digest))
    assert image_keys(first.digest)[0].endswith(f"{first.digest}-orig.webp")
    with pytest.raises(ValueError):
        image_keys("../../etc")


def test_same_picture_in_another_format_gets_the_same_keys() -> None:
    image = Image.new("RGB", (300, 200), (10, 120, 200))
    via_png, _ = process_image(encode(image, "PNG"))
    via_webp, _ = process_image(encode(image, "WEBP", lossless=True))
    assert via_png.digest == via_webp.digest  # the key names the pixels, not the upload


def test_multi_picture_jpeg_from_a_phone_is_accepted() -> None:
    first, second = photo((3000, 2000)), Image.new("RGB", (300, 200), (0, 0, 255))
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    processed, _ = process_image(data)
    assert (processed.width, processed.height) == (2400, 1600)


def test_a_12_megapixel_jpeg_is_normalised_to_2400_px() -> None:
    data = encode(photo((4000, 3000)), "JPEG", quality=90)
    processed, _ = process_image(data)
    assert (processed.width, processed.height) == (2400, 1800)


# --- refusals ----------------------------------------------------------------------------


def test_text_file_named_jpg_is_refused(tmp_path: Path, app_ctx: None) -> None:
    fake = tmp_path / "product.jpg"
    fake.write_text("Keripik tempe, 250 g\n" * 20)
    refused(fake.read_bytes(), "not_image", "not a JPEG, PNG or WebP image")
    refused(b"", "not_image", "not a JPEG, PNG or WebP image")


def test_other_image_formats_are_refused(app_ctx: None) -> None:
    small = Image.new("RGB", (40, 30), (1, 2, 3))
    for fmt in ("GIF", "BMP", "TIFF"):
        refused(encode(small, fmt), "not_image", "not a JPEG, PNG or WebP image")


def test_truncated_files_are_refused(app_ctx: None) -> None:
    jpeg = encode(photo((800, 600)), "JPEG")
    refused(jpeg[: len(jpeg) // 2], "damaged", "damaged or incomplete")
    png = encode(photo((300, 200)), "PNG")
    refused(png[: len(png) // 2], "damaged", "damaged or incomplete")
    refused(jpeg[:40], "damaged", "damaged or incomplete")


def test_oversized_file_is_refused_before_anything_else(app_ctx: None) -> None:
    blob = b"\xff\xd8\xff\xe0" + bytes(11 * 1024 * 1024)
    refused(blob, "too_large", "larger than 10 MB")
    data = encode(photo(), "JPEG")
    refused(data, "too_large", "larger than 0.01 MB", max_bytes=10_485)
    refused(data, "too_large", "larger than", max_bytes=len(data) - 1)  # one byte over
    process_image(data, max_bytes=len(data))  # exactly at the limit is fine


def test_50_megapixel_png_is_refused_and_nothing_is_stored(tmp_path: Path, app_ctx: None) -> None:
    data = encode(Image.new("1", (10_000, 5_000)), "PNG")  # real, small on disk
    assert len(data) < 10 * 1024 * 1024
    storage = LocalStorage(tmp_path / "media")
    with pytest.raises(ImageError) as info:
        store_image(storage, data)
    assert info.value.code == "too_many_pixels"
    assert "more than 40 megapixels" in str(info.value.message)
    assert list(storage.keys()) == []


@pytest.mark.parametrize("size", [(9_000, 5_000), (10_000, 10_000), (30_000, 30_000)])
def test_bomb_headers_are_refused_without_decoding(size: tuple[int, int], app_ctx: None) -> None:
    # 45 MP is over our cap, 100 MP makes Pillow warn, 900 MP makes it raise; the pixel
    # data is garbage, so "damaged" would mean we tried to decode it.
    refused(png_header_only(*size), "too_many_pixels", "more than 40 megapixels")


def test_custom_pixel_limit(app_ctx: None) -> None:
    refused(
        encode(photo((1000, 1000)), "JPEG"),
        "too_many_pixels",
        "more than 0.5 megapixels",
        max_pixels=500_000,
    )


# --- demo photos -------------------------------------------------------------------------


def test_placeholder_photo_is_deterministic_and_processable() -> None:
    data = make_placeholder_photo(3, "Batik Tulis Mega Mendung")
    assert data == make_placeholder_photo(3, "Batik Tulis Mega Mendung")
    assert data != make_placeholder_photo(4, "Batik Tulis Mega Mendung")
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size, image.mode) == ("JPEG", (1200, 900), "RGB")
    processed, files = process_image(data)
    assert set(processed.variants) == {0, 320, 800}
    long_name = make_placeholder_photo(5, "Kopi Arabika Java Preanger " * 4, size=(640, 480))
    assert Image.open(io.BytesIO(long_name)).size == (640, 480)
