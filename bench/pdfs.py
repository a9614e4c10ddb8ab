"""Time and size of the printed PDFs: a 24-product catalog and a 30-tag sheet per channel.

    python -m bench.pdfs             # Little Bandung (ko, KRW) and Harz und Heide (de, EUR)
    python -m bench.pdfs --repeat 10 --products 24 --tags 30

Nothing touches a database: the channel, the products (each with its own photo, stored in a
throwaway media folder, and a Korean and a German translation) and the exchange rate are built
in memory and handed to `catalog_pdf` and `tag_sheet` as the views hand them the loaded rows.
Each document is made once to warm up (fonts read, code imported), then `--repeat` times;
the median and the slowest time, the median CPU time of the process (steadier than the clock on
a shared machine) and the size in bytes are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from flask import Flask

from marketplace.businesses.models import Business
from marketplace.channels.catalog import catalog_pdf
from marketplace.channels.models import Channel, ChannelKind, Nomination
from marketplace.channels.tag_sheet import tag_sheet
from marketplace.ledger.models import ExchangeRate
from marketplace.media.backend import current_storage
from marketplace.media.images import make_placeholder_photo, store_image
from marketplace.products.models import Product, ProductImage, ProductTranslation

TODAY = date(2026, 12, 3)
KOREAN = (
    "대나무 앙클룽 세트",
    "반둥 장인이 손으로 조율한 대나무 악기입니다. 한 세트는 여덟 음을 냅니다.",
)
GERMAN = ("Angklung-Satz aus Bambus", "Von Hand gestimmt in Bandung, acht Töne pro Satz.")


@dataclass(frozen=True)
class Measured:
    label: str
    samples: list[float]
    cpu: list[float]
    size: int

    def line(self) -> str:
        p50 = statistics.median(self.samples) * 1000
        worst = max(self.samples) * 1000
        cpu = statistics.median(self.cpu) * 1000
        return (
            f"{self.label:<32} p50 {p50:7.1f} ms   max {worst:7.1f} ms   "
            f"cpu p50 {cpu:7.1f} ms   {self.size:>9,} bytes"
        )


def _app() -> Flask:
    instance = tempfile.mkdtemp(prefix="bench-pdfs-")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret")
    from marketplace import create_app  # after the environment is set

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/unused.db",
            "INSTANCE_PATH": instance,
            "MEDIA_ROOT": f"{instance}/media",
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "BASE_URL": "https://marketplace.example.org",
        }
    )


def _lineup(
    locale: str, currency: str, count: int
) -> tuple[Channel, list[Nomination], ExchangeRate]:
    """A channel, `count` accepted nominations of photographed products, and a rate (unsaved)."""
    channel = Channel(
        slug=f"bench-{locale}",
        name="Little Bandung" if locale == "ko" else "Harz und Heide",
        kind=ChannelKind.SHOWROOM,
        city="Seoul" if locale == "ko" else "Braunschweig",
        country_code="KR" if locale == "ko" else "DE",
        venue="Hongdae, Seoul" if locale == "ko" else None,
        description="Bandung's creative products on a shelf abroad.",
        locale=locale,
        currency=currency,
        starts_on=date(2026, 5, 21),
        ends_on=date(2026, 5, 25),
    )
    businesses = [Business(name=f"Kriya Bambu {n}", slug=f"kriya-{n}") for n in range(4)]
    storage = current_storage()
    nominations = []
    for n in range(count):
        photo = store_image(storage, make_placeholder_photo(n + 1, f"Product {n}"))
        product = Product(
            business=businesses[n % len(businesses)],
            name=f"Bamboo angklung set {n:02d}",
            slug=f"angklung-{n}",
            description="Tuned by hand in Bandung; eight notes a set. " * 3,
            price_idr=950_000 + 1_000 * n,
            unit="set",
            moq=10,
            lead_time_days=30,
            monthly_capacity=200,
            hs_code="920590",
            materials="Bamboo, rattan",
            dimensions="40 x 30 x 20 cm",
            weight_grams=1200,
            translations=[
                ProductTranslation(locale="ko", name=f"{KOREAN[0]} {n}", description=KOREAN[1]),
                ProductTranslation(locale="de", name=f"{GERMAN[0]} {n}", description=GERMAN[1]),
            ],
            images=[ProductImage(digest=photo.digest, width=photo.width, height=photo.height)],
        )
        nominations.append(
            Nomination(
                product=product,
                channel=channel,
                shelf_code=f"A-{n + 1:03d}",
                qr_token=f"benchtoken{locale}{n:04d}",
            )
        )
    per_unit = {"KRW": "11.75", "EUR": "18150.50"}[currency]
    rate = ExchangeRate(currency=currency, idr_per_unit=Decimal(per_unit), effective_on=TODAY)
    return channel, nominations, rate


def _time(action: Callable[[], bytes], repeat: int) -> tuple[list[float], list[float], int]:
    size = len(action())  # warm-up
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return samples, cpu, size


def measure(products: int, tags: int, repeat: int) -> list[Measured]:
    app = _app()
    results = []
    with app.test_request_context("/"):
        for locale, currency in (("ko", "KRW"), ("de", "EUR")):
            channel, nominations, rate = _lineup(locale, currency, max(products, tags))
            cases: list[tuple[str, Callable[[], bytes]]] = [
                (
                    f"catalog, {products} products ({locale})",
                    partial(catalog_pdf, channel, nominations[:products], rate, TODAY),
                ),
                (
                    f"tag sheet, {tags} tags ({locale})",
                    partial(tag_sheet, channel, nominations[:tags], rate, TODAY),
                ),
            ]
            for label, action in cases:
                samples, cpu, size = _time(action, repeat)
                results.append(Measured(label, samples, cpu, size))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=24, help="entries in the catalog")
    parser.add_argument("--tags", type=int, default=30, help="tags on the sheet")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the warm-up")
    args = parser.parse_args(argv)
    for result in measure(args.products, args.tags, args.repeat):
        print(result.line())


if __name__ == "__main__":
    main()
