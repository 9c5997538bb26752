"""Charts drawn on the server as SVG markup: columns over categories (days), horizontal bars
(reasons, methods, types), grouped or stacked, with an optional marker per bar. No script and
no drawing library: plain elements a screen reader is told about through `<title>`/`<desc>`
(`role="img"`), with the numbers in a table beside each chart. Every word comes in already
translated; every label is escaped here."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colours at 3:1 or more against white (WCAG 1.4.11), told apart by hue and lightness.
PALETTE = ("#3446b8", "#b45309", "#1d6b3a", "#b42318", "#6d28d9", "#0e7490", "#596273")
TEXT = "#1c2230"
MUTED = "#596273"
GRID = "#dde1e8"
MARKER = "#1c2230"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

Format = Callable[[float], str]


def plain(value: float) -> str:
    """1 → '1', 2.5 → '2.5': the default tick and value words."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


@dataclass(frozen=True, slots=True)
class Series:
    """One named row of values; `colour` keeps a category's colour the same from one chart
    (or period) to the next, else the series' place in the palette is used."""

    name: str
    values: tuple[float, ...]
    colour: str | None = None


def _colours(series: Sequence[Series]) -> list[str]:
    return [s.colour or PALETTE[k % len(PALETTE)] for k, s in enumerate(series)]


@dataclass(frozen=True, slots=True)
class Scale:
    """An axis from 0 to `top` in steps a reader can count in (1, 2, 2.5 or 5 times a power
    of ten)."""

    top: float
    step: float

    @property
    def ticks(self) -> tuple[float, ...]:
        n = round(self.top / self.step)
        return tuple(round(i * self.step, 10) for i in range(n + 1))


def nice_scale(maximum: float, *, ticks: int = 5, whole: bool = True) -> Scale:
    """The scale for values up to `maximum`; nothing to show still draws 0 to 1."""
    if not math.isfinite(maximum) or maximum <= 0:
        return Scale(1.0, 1.0)
    rough = maximum / max(ticks, 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= rough)
    if whole:
        step = max(1.0, float(math.ceil(step)))
        if step > 2 and step % 5 and step < 10:
            step = 5.0
    top = math.ceil(maximum / step - 1e-9) * step
    return Scale(float(top), float(step))


def label_stride(count: int, room: float, per_label: float) -> int:
    """Every how many categories a label is written so that labels do not run into each
    other: 7 days all, 90 days one a week or so."""
    if count <= 0:
        return 1
    fits = max(1, int(room // per_label))
    return max(1, math.ceil(count / fits))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, words: str, *, anchor: str = "start", fill: str = TEXT,
          size: int = 12, extra: str = "") -> str:  # fmt: skip
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{fill}" '
        f'font-size="{size}"{extra}>{escape(words)}</text>'
    )


def _short(words: str, limit: int) -> str:
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _open(ident: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{FONT}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]


def _legend(series: Sequence[Series], x: float, y: float, width: float, extra: str | None) -> str:
    """One row of swatches (wrapping when it runs out of room), the marker's name last."""
    parts: list[str] = []
    cx, cy = x, y
    items = [(s.name, colour, "box") for s, colour in zip(series, _colours(series), strict=True)]
    if extra:
        items.append((extra, MARKER, "tick"))
    for name, colour, kind in items:
        need = 22 + 7 * len(name)
        if cx > x and cx + need > x + width:
            cx, cy = x, cy + 18
        if kind == "box":
            parts.append(
                f'<rect x="{_num(cx)}" y="{_num(cy - 10)}" width="12" height="12" rx="2" '
                f'fill="{colour}"/>'
            )
        else:
            parts.append(
                f'<rect x="{_num(cx + 5)}" y="{_num(cy - 12)}" width="3" height="16" '
                f'fill="{colour}"/>'
            )
        parts.append(_text(cx + 17, cy, name, fill=TEXT))
        cx += need + 14
    return "".join(parts)


def _legend_rows(names: Sequence[str], width: float, extra: str | None) -> int:
    rows, cx = 1, 0.0
    for name in [*names, *([extra] if extra else [])]:
        need = 22 + 7 * len(name)
        if cx > 0 and cx + need > width:
            rows, cx = rows + 1, 0.0
        cx += need + 14
    return rows


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(categories)}")


def _maximum(series: Sequence[Series], n: int, stacked: bool, extra: Sequence[float]) -> float:
    if not series or n == 0:
        return max(extra, default=0.0)
    if stacked:
        top = max(sum(max(s.values[i], 0) for s in series) for i in range(n))
    else:
        top = max(max(s.values) for s in series)
    return max(top, max(extra, default=0.0))


def column_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    fmt: Format = plain,
    whole: bool = True,
    width: int = 720,
    height: int = 240,
) -> Markup:
    """Vertical columns over categories read left to right (days): one column per series side
    by side, or stacked into one."""
    _check(categories, series)
    n = len(categories)
    colours = _colours(series)
    left, right, bottom = 44, 12, 40
    rows = _legend_rows([s.name for s in series], width - left - right, None)
    top = 16 + rows * 18 + 8
    plot_w, plot_h = width - left - right, height - top - bottom
    scale = nice_scale(_maximum(series, n, stacked, ()), whole=whole)
    out = _open(ident, title, desc, width, height)
    out.append(_legend(series, left, 24, plot_w, None))
    for tick in scale.ticks:
        y = top + plot_h - tick / scale.top * plot_h
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{GRID}"/>'
        )
        out.append(_text(left - 6, y + 4, fmt(tick), anchor="end", fill=MUTED, size=11))
    band = plot_w / n if n else plot_w
    stride = label_stride(n, plot_w, 64)
    groups = 1 if stacked else max(len(series), 1)
    bar = max(band * 0.8 / groups, 1.0)
    for i, category in enumerate(categories):
        x0 = left + i * band + band * 0.1
        base = 0.0
        for k, s in enumerate(series):
            value = max(s.values[i], 0)
            if value <= 0:
                continue
            h = value / scale.top * plot_h
            x = x0 if stacked else x0 + k * bar
            y = top + plot_h - (base / scale.top * plot_h) - h
            out.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar)}" height="{_num(h)}" '
                f'fill="{colours[k]}"/>'
            )
            if stacked:
                base += value
        if i % stride == 0:
            cx = left + i * band + band / 2
            out.append(_text(cx, top + plot_h + 18, category, anchor="middle", size=11))
    out.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>'
    )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every word escaped above, numbers ours


def bar_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    markers: Sequence[float | None] = (),
    marker_name: str | None = None,
    fmt: Format = plain,
    whole: bool = True,
    width: int = 720,
    label_width: int = 220,
    row: int = 30,
) -> Markup:
    """Horizontal bars, one row per category (long labels read well), grouped or stacked; a
    marker per row draws a limit (a window's last day) across its bars."""
    _check(categories, series)
    n = len(categories)
    colours = _colours(series)
    marks = list(markers) + [None] * (n - len(markers))
    left, right = label_width, 52
    plot_w = width - left - right
    rows = _legend_rows([s.name for s in series], width - 24, marker_name if markers else None)
    top = 16 + rows * 18 + 8
    plot_h = max(n, 1) * row
    height = top + plot_h + 28
    values = [m for m in marks if m is not None]
    scale = nice_scale(_maximum(series, n, stacked, values), whole=whole)
    out = _open(ident, title, desc, width, height)
    out.append(_legend(series, 12, 24, width - 24, marker_name if values else None))
    for tick in scale.ticks:
        x = left + tick / scale.top * plot_w
        out.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top}" y2="{top + plot_h}" stroke="{GRID}"/>'
        )
        out.append(_text(x, top + plot_h + 16, fmt(tick), anchor="middle", fill=MUTED, size=11))
    groups = 1 if stacked else max(len(series), 1)
    bar = row * 0.7 / groups
    chars = max(8, int((label_width - 12) / 6.6))
    for i, category in enumerate(categories):
        y0 = top + i * row + row * 0.15
        out.append(
            _text(left - 8, top + i * row + row / 2 + 4, _short(category, chars), anchor="end")
        )
        base = 0.0
        for k, s in enumerate(series):
            value = max(s.values[i], 0)
            if value <= 0:
                continue
            w = value / scale.top * plot_w
            x = left + base / scale.top * plot_w
            y = y0 if stacked else y0 + k * bar
            out.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(bar)}" '
                f'fill="{colours[k]}"/>'
            )
            if stacked:
                base += value
            else:
                out.append(_text(x + w + 4, y + bar / 2 + 4, fmt(value), fill=TEXT, size=11))
        if stacked and base > 0:
            end = left + base / scale.top * plot_w
            out.append(_text(end + 4, y0 + bar / 2 + 4, fmt(base), fill=TEXT, size=11))
        mark = marks[i]
        if mark is not None:
            x = left + mark / scale.top * plot_w
            out.append(
                f'<rect x="{_num(x - 1.5)}" y="{_num(top + i * row + 2)}" width="3" '
                f'height="{row - 4}" fill="{MARKER}"/>'
            )
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every word escaped above, numbers ours
