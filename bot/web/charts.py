"""Charts drawn on the server as SVG: no script, no CDN, nothing fetched.

Each chart is a horizontal bar chart with a title and a description for screen readers
(`role="img"`, `aria-labelledby`); every page shows the same figures in a table beside it.
Colours meet WCAG 2.2 AA: text #0b0c0c on white, bars #1d70b8 (5.2:1 against white).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 220
BAR_AREA = 330
ROW = 30
TOP = 10


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value on the chart's scale, and the text shown beside it."""

    label: str
    value: float
    text: str


def bar_chart(
    *, chart_id: str, title: str, description: str, bars: list[Bar], maximum: float
) -> Markup:
    """An accessible SVG bar chart; `maximum` is the value of a full-length bar."""
    height = TOP * 2 + ROW * max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    if not bars:
        parts.append(
            f'<text x="0" y="{TOP + 18}" fill="#0b0c0c">No figures for this period.</text>'
        )
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        length = (
            0 if maximum <= 0 else round(BAR_AREA * max(0.0, min(bar.value, maximum)) / maximum)
        )
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end" fill="#0b0c0c" '
            f'font-size="14">{escape(_short(bar.label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{ROW - 10}" '
            f'fill="#1d70b8" data-value="{bar.value:g}"/>',
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 19}" fill="#0b0c0c" '
            f'font-size="14">{escape(bar.text)}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
