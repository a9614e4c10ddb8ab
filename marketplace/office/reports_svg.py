"""Charts of the outcome reports as SVG drawn on the server: no script, no build step, and they
print. Each chart has a title and a description for screen readers (the table beside it holds
every figure), and every bar a <title> that a pointer shows as a tooltip. All text is escaped.

The charts are as wide as their column (width="100%") and have no viewBox, so nothing is
scaled: text keeps its 12 CSS pixels on a phone, a wide screen and paper alike. Lengths along
the width are percentages of it (bars, months), lengths down the chart are pixels; a group's
name stands on its own line above its bars, so it never needs room beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

from markupsafe import Markup, escape

INK = "#1d2330"
MUTED = "#4b5567"
LINE = "#d6d2c8"
SERIES = ("#0b5d4b", "#b35c00")  # interests, deals: tell apart without colour too (legend)
FONT = 12  # px: every label, as rendered
LABEL_CHARS = 48
BAR_SPAN = 82.0  # % of the width the longest bar takes; the rest holds its figure
LEGEND = 28  # px above the first row
CHAR_WIDTH = 7.5  # px an average character of the legend takes (its entries' spacing)
MONTH_LABELS = 6  # at most this many months are named, so they fit a phone's width


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def _text(value: object) -> str:
    return str(escape(str(value)))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _open(chart_id: str, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{height}" '
        f'font-size="{FONT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(desc)}</desc>',
    ]


def _legend(series: Sequence[Series], y: int) -> list[str]:
    parts, x = [], 0.0
    for index, item in enumerate(series):
        parts.append(
            f'<rect x="{x:.0f}" y="{y - 10}" width="12" height="12" fill="{SERIES[index]}"/>'
            f'<text x="{x + 18:.0f}" y="{y}" fill="{INK}">{_text(item.name)}</text>'
        )
        x += 36 + CHAR_WIDTH * len(item.name)
    return parts


def _share(value: int, top: int) -> float:
    """A bar's length in % of the chart's width."""
    return BAR_SPAN * value / top


def bar_chart(
    chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]
) -> Markup:
    """Horizontal bars, one group of bars per label (named above them), on one scale."""
    label_height, bar, gap = 18, 16, 12
    band = label_height + bar * len(series) + gap
    height = LEGEND + band * max(1, len(labels))
    top = max([1, *(v for s in series for v in s.values)])
    parts = _open(chart_id, height, title, desc)
    parts += _legend(series, 16)
    for row, label in enumerate(labels):
        y = LEGEND + row * band
        parts.append(
            f'<text x="0" y="{y + 13}" fill="{INK}">{_text(_short(label))}'
            f"<title>{_text(label)}</title></text>"
        )
        for index, item in enumerate(series):
            value = item.values[row]
            length = _share(value, top)
            by = y + label_height + index * bar
            parts.append(
                f'<rect x="0" y="{by}" width="{length:.2f}%" height="{bar - 3}" '
                f'fill="{SERIES[index]}"><title>{_text(label)}: {_text(value)} '
                f"{_text(item.name)}</title></rect>"
                f'<text x="{length:.2f}%" dx="4" y="{by + bar - 4}" '
                f'fill="{MUTED}">{_text(value)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel(chart_id: str, title: str, desc: str, stages: Sequence[tuple[str, int]]) -> Markup:
    """A bar per stage, narrowing from the first to the last, each named above its bar and
    with its count (and its share of the first stage) beside it."""
    label_height, bar, gap = 18, 20, 8
    step = label_height + bar + gap
    height = len(stages) * step
    top = max([1, *(value for _label, value in stages)])
    parts = _open(chart_id, height, title, desc)
    for row, (label, value) in enumerate(stages):
        y = row * step
        length = max(0.5, _share(value, top))
        share = f" ({100 * value / stages[0][1]:.1f}%)" if row and stages[0][1] else ""
        parts.append(
            f'<text x="0" y="{y + 13}" fill="{INK}">{_text(label)}</text>'
            f'<rect x="0" y="{y + label_height}" width="{length:.2f}%" height="{bar}" '
            f'fill="{SERIES[0]}"><title>{_text(label)}: {_text(value)}{_text(share)}</title></rect>'
            f'<text x="{length:.2f}%" dx="6" y="{y + label_height + bar / 2 + 4:.0f}" '
            f'fill="{INK}">{_text(value)}{_text(share)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def month_chart(
    chart_id: str, title: str, desc: str, months: Sequence[str], series: Sequence[Series]
) -> Markup:
    """Vertical bars per month, one per series side by side, with a baseline, the scale's top
    written above its line, and the months named below (every second or third one, or fewer,
    when there are many)."""
    plot_top, plot_height, below = LEGEND + 18, 130, 22
    base = plot_top + plot_height
    height = base + below
    top = max([1, *(v for s in series for v in s.values)])
    slot = 100 / max(1, len(months))
    bar = slot * 0.8 / max(1, len(series))
    every = max(1, ceil(len(months) / MONTH_LABELS))
    parts = _open(chart_id, height, title, desc)
    parts += _legend(series, 16)
    parts.append(
        f'<line x1="0" y1="{plot_top}" x2="100%" y2="{plot_top}" stroke="{LINE}" '
        f'stroke-dasharray="4 4"/>'
        f'<text x="0" y="{plot_top - 4}" fill="{MUTED}">{_text(top)}</text>'
        f'<line x1="0" y1="{base}" x2="100%" y2="{base}" stroke="{LINE}"/>'
    )
    for index, month in enumerate(months):
        x = index * slot + slot * 0.1
        for number, item in enumerate(series):
            value = item.values[index]
            bar_height = plot_height * value / top
            parts.append(
                f'<rect x="{x + number * bar:.2f}%" y="{base - bar_height:.1f}" '
                f'width="{bar * 0.9:.2f}%" height="{bar_height:.1f}" fill="{SERIES[number]}">'
                f"<title>{_text(month)}: {_text(value)} {_text(item.name)}</title></rect>"
            )
        if index % every == 0:
            parts.append(
                f'<text x="{index * slot + slot / 2:.2f}%" y="{base + 16}" '
                f'text-anchor="middle" fill="{MUTED}">{_text(month[5:] + "/" + month[2:4])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
