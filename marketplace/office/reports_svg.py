"""Charts of the outcome reports as SVG drawn on the server: no script, no build step, and they
print. Each chart has a title and a description for screen readers (the table beside it holds
every figure), and every bar a <title> that a pointer shows as a tooltip. All text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

INK = "#1d2330"
MUTED = "#4b5567"
LINE = "#d6d2c8"
SERIES = ("#0b5d4b", "#b35c00")  # interests, deals: tell apart without colour too (legend)
WIDTH = 640
LABEL_WIDTH = 190
LABEL_CHARS = 28


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def _text(value: object) -> str:
    return str(escape(str(value)))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(desc)}</desc>',
    ]


def _legend(series: Sequence[Series], y: int) -> list[str]:
    parts, x = [], LABEL_WIDTH
    for index, item in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{SERIES[index]}"/>'
            f'<text x="{x + 18}" y="{y}" font-size="12" fill="{INK}">{_text(item.name)}</text>'
        )
        x += 30 + 8 * len(item.name)
    return parts


def bar_chart(
    chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]
) -> Markup:
    """Horizontal bars, one group of bars per label, on one scale."""
    bar, gap = 12, 10
    band = bar * len(series) + gap
    height = 30 + band * max(1, len(labels)) + 10
    top = max([1, *(v for s in series for v in s.values)])
    scale = (WIDTH - LABEL_WIDTH - 70) / top
    parts = _open(chart_id, WIDTH, height, title, desc)
    parts += _legend(series, 16)
    for row, label in enumerate(labels):
        y = 30 + row * band
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + bar * len(series) / 2 + 4:.0f}" '
            f'font-size="12" text-anchor="end" fill="{INK}">{_text(_short(label))}'
            f"<title>{_text(label)}</title></text>"
        )
        for index, item in enumerate(series):
            value = item.values[row]
            length = value * scale
            by = y + index * bar
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{by}" width="{length:.1f}" height="{bar - 2}" '
                f'fill="{SERIES[index]}"><title>{_text(label)}: {_text(value)} '
                f"{_text(item.name)}</title></rect>"
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{by + bar - 3}" font-size="10" '
                f'fill="{MUTED}">{_text(value)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel(chart_id: str, title: str, desc: str, stages: Sequence[tuple[str, int]]) -> Markup:
    """Centred bars narrowing from the first stage to the last, each with its count."""
    bar, gap = 28, 8
    height = len(stages) * (bar + gap) + gap
    top = max([1, *(value for _label, value in stages)])
    inner = WIDTH - LABEL_WIDTH - 110  # room for the count beside the widest bar
    parts = _open(chart_id, WIDTH, height, title, desc)
    for row, (label, value) in enumerate(stages):
        y = gap + row * (bar + gap)
        length = max(2.0, inner * value / top)
        x = LABEL_WIDTH + (inner - length) / 2
        share = f" ({100 * value / stages[0][1]:.1f}%)" if row and stages[0][1] else ""
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + bar / 2 + 4:.0f}" font-size="12" '
            f'text-anchor="end" fill="{INK}">{_text(label)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar}" fill="{SERIES[0]}">'
            f"<title>{_text(label)}: {_text(value)}{_text(share)}</title></rect>"
            f'<text x="{x + length + 6:.1f}" y="{y + bar / 2 + 4:.0f}" font-size="12" '
            f'fill="{INK}">{_text(value)}{_text(share)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def month_chart(
    chart_id: str, title: str, desc: str, months: Sequence[str], series: Sequence[Series]
) -> Markup:
    """Vertical bars per month, one per series side by side, with a baseline and every month
    labelled (every second or third one when there are many)."""
    left, bottom, plot_height = 40, 40, 180
    slot = max(14, min(48, (WIDTH - left - 10) // max(1, len(months))))
    width = max(WIDTH, left + slot * len(months) + 10)
    height = 30 + plot_height + bottom
    top = max([1, *(v for s in series for v in s.values)])
    bar = max(3, (slot - 4) // len(series))
    step = 1 if len(months) <= 16 else (2 if len(months) <= 32 else 3)
    base = 30 + plot_height
    parts = _open(chart_id, width, height, title, desc)
    parts += _legend(series, 16)
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{LINE}"/>'
        f'<text x="{left - 6}" y="{30 + 4}" font-size="10" text-anchor="end" '
        f'fill="{MUTED}">{_text(top)}</text>'
        f'<text x="{left - 6}" y="{base}" font-size="10" text-anchor="end" fill="{MUTED}">0</text>'
    )
    for index, month in enumerate(months):
        x = left + index * slot + 2
        for number, item in enumerate(series):
            value = item.values[index]
            bar_height = plot_height * value / top
            parts.append(
                f'<rect x="{x + number * bar}" y="{base - bar_height:.1f}" width="{bar - 1}" '
                f'height="{bar_height:.1f}" fill="{SERIES[number]}"><title>{_text(month)}: '
                f"{_text(value)} {_text(item.name)}</title></rect>"
            )
        if index % step == 0:
            parts.append(
                f'<text x="{x + slot / 2 - 2:.0f}" y="{base + 14}" font-size="10" '
                f'text-anchor="middle" fill="{MUTED}">{_text(month[5:] + "/" + month[2:4])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
