"""Charts drawn on the server as SVG: horizontal bars (a figure per wijk, per week) and a trend (a line
per series over the months). No script, no inline style (the pages' CSP forbids both): the colours
come from classes in app.css, so they print too. A chart is a picture of a table: each page puts the
table with the same figures beside it, and the chart names it (`role="img"`, a title and a
description for screen readers); the series differ in more than colour (the order in a group of bars,
the marker and the dashes of a line), and each bar carries its value as text."""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
FONT = 13  # the text's size in the drawing's units (the drawing scales to the page's width)
SERIES = 4  # as many series as app.css has colours for (grafiek__reeks-1 …)


@dataclass(frozen=True)
class Reeks:
    """One series: its name (in the legend) and a value per category or point (None: no figure)."""

    naam: str
    waarden: Sequence[float | None]


def _fmt(value: float, eenheid: str) -> str:
    text = f"{value:.0f}" if eenheid == "%" or float(value).is_integer() else f"{value:.1f}".replace(".", ",")
    return f"{text}{eenheid}"


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _legend(reeksen: Sequence[Reeks], y: int, lines: bool = False) -> tuple[list[str], int]:
    """The legend in rows across the top: a swatch (or a piece of line with its marker) and the name."""
    parts, x = [], 0
    for i, reeks in enumerate(reeksen, start=1):
        width = 28 + int(len(reeks.naam) * FONT * 0.55) + 16
        if x and x + width > WIDTH:
            x, y = 0, y + 22
        if lines:
            parts.append(
                f'<line class="grafiek__lijn grafiek__reeks-{i}" x1="{x}" y1="{y}" x2="{x + 22}" y2="{y}"/>'
                + _marker(i, x + 11, y)
            )
        else:
            parts.append(f'<rect class="grafiek__reeks-{i}" x="{x}" y="{y - 6}" width="14" height="12"/>')
        parts.append(f'<text class="grafiek__tekst" x="{x + 28}" y="{y + 4}">{escape(reeks.naam)}</text>')
        x += width
    return parts, y + 26


def _open(ident: str, titel: str, uitleg: str, height: int) -> str:
    return (
        f'<svg class="grafiek__svg" viewBox="0 0 {WIDTH} {height}" role="img" focusable="false"'
        f' aria-labelledby="{ident}-titel {ident}-uitleg" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-titel">{escape(titel)}</title><desc id="{ident}-uitleg">{escape(uitleg)}</desc>'
    )


def staven(
    ident: str,
    titel: str,
    categorieen: Sequence[str],
    reeksen: Sequence[Reeks],
    *,
    eenheid: str = "%",
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars: per category (a wijk, a week) one bar per series, its value written after it.
    `maximum`: the scale's end (100 for shares; else the largest value)."""
    assert 1 <= len(reeksen) <= SERIES, "as many series as the stylesheet has colours for"
    label, right = 190, 56  # the categories' names on the left, the values on the right
    plot = WIDTH - label - right
    values = [v for r in reeksen for v in r.waarden if v is not None]
    # Without a maximum (counts): the largest value, rounded up so that the quarters are whole numbers.
    top = maximum if maximum is not None else max(4, -(-max(values, default=0) // 4) * 4)
    bar, gap, group_gap = 14, 3, 16
    group = len(reeksen) * (bar + gap) - gap
    legend, y0 = _legend(reeksen, 10) if len(reeksen) > 1 else ([], 4)
    height = y0 + len(categorieen) * (group + group_gap) + 24
    parts = [_open(ident, titel, "De cijfers staan ook in de tabel bij deze grafiek.", height), *legend]
    # The scale: a line at 0 and light lines at quarters, with their values along the bottom.
    bottom = height - 20
    for q in range(5):
        x = label + plot * q / 4
        parts.append(f'<line class="grafiek__raster" x1="{x:.1f}" y1="{y0 - 4}" x2="{x:.1f}" y2="{bottom}"/>')
        parts.append(
            f'<text class="grafiek__tekst grafiek__as" x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{escape(_fmt(top * q / 4, eenheid))}</text>"
        )
    y = y0
    for c, naam in enumerate(categorieen):
        middle = y + group / 2
        parts.append(
            f'<text class="grafiek__tekst" x="{label - 8}" y="{middle + 4:.1f}" text-anchor="end">'
            f"{escape(_short(naam, 26))}</text>"
        )
        for i, reeks in enumerate(reeksen, start=1):
            value = reeks.waarden[c]
            by = y + (i - 1) * (bar + gap)
            if value is None:
                parts.append(f'<text class="grafiek__tekst" x="{label + 4}" y="{by + bar - 2}">–</text>')
                continue
            width = max(plot * min(value, top) / top, 0)
            parts.append(
                f'<rect class="grafiek__reeks-{i}" x="{label}" y="{by}" width="{width:.1f}" height="{bar}"/>'
                f'<text class="grafiek__tekst" x="{label + width + 4:.1f}" y="{by + bar - 2}">'
                f"{escape(_fmt(value, eenheid))}</text>"
            )
        y += group + group_gap
    parts.append(f'<line class="grafiek__as-lijn" x1="{label}" y1="{y0 - 4}" x2="{label}" y2="{bottom}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _marker(i: int, x: float, y: float) -> str:
    """A marker per series: a circle, a square, a diamond, a triangle."""
    cls = f"grafiek__punt grafiek__reeks-{i}"
    match (i - 1) % 4:
        case 0:
            return f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
        case 1:
            return f'<rect class="{cls}" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8"/>'
        case 2:
            return f'<polygon class="{cls}" points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"/>'
        case _:
            return (
                f'<polygon class="{cls}" points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"/>'
            )


MAANDEN = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def maand(value: str) -> str:
    """`2026-03` → `mrt 2026`."""
    return f"{MAANDEN[int(value[5:7]) - 1]} {value[:4]}"


def trend(
    ident: str, titel: str, punten: Sequence[str], reeksen: Sequence[Reeks], *, eenheid: str = "%", maximum: float = 100
) -> Markup:
    """A line per series over the points (months, oldest first); a point without a figure breaks the line."""
    assert 1 <= len(reeksen) <= SERIES, "as many series as the stylesheet has colours for"
    left, right = 48, 16
    legend, y0 = _legend(reeksen, 10, lines=True)
    plot_h = 180
    height = y0 + plot_h + 44
    bottom = y0 + plot_h
    plot_w = WIDTH - left - right
    n = len(punten)

    def x_of(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n if n else 0)

    def y_of(v: float) -> float:
        return bottom - plot_h * min(v, maximum) / maximum

    parts = [_open(ident, titel, "De cijfers staan ook in de tabel bij deze grafiek.", height), *legend]
    for q in range(5):
        v = maximum * q / 4
        parts.append(
            f'<line class="grafiek__raster" x1="{left}" y1="{y_of(v):.1f}" x2="{WIDTH - right}" y2="{y_of(v):.1f}"/>'
        )
        parts.append(
            f'<text class="grafiek__tekst grafiek__as" x="{left - 6}" y="{y_of(v) + 4:.1f}" text-anchor="end">'
            f"{escape(_fmt(v, eenheid))}</text>"
        )
    step = max(1, -(-n // 8))  # at most eight names along the bottom
    for i, punt in enumerate(punten):
        if i % step == 0:
            parts.append(
                f'<text class="grafiek__tekst grafiek__as" x="{x_of(i):.1f}" y="{bottom + 18}" text-anchor="middle">'
                f"{escape(maand(punt))}</text>"
            )
    for s, reeks in enumerate(reeksen, start=1):
        segment: list[str] = []
        for i, value in enumerate(list(reeks.waarden) + [None]):
            if value is None:
                if len(segment) > 1:
                    parts.append(f'<polyline class="grafiek__lijn grafiek__reeks-{s}" points="{" ".join(segment)}"/>')
                segment = []
                continue
            segment.append(f"{x_of(i):.1f},{y_of(value):.1f}")
        for i, value in enumerate(reeks.waarden):
            if value is not None:
                parts.append(_marker(s, x_of(i), y_of(value)))
    parts.append(f'<line class="grafiek__as-lijn" x1="{left}" y1="{bottom}" x2="{WIDTH - right}" y2="{bottom}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def aandeel(op_tijd: int, te_laat: int) -> float | None:
    """The share on time, in percent; None when nothing was done."""
    total = op_tijd + te_laat
    return 100 * op_tijd / total if total else None
