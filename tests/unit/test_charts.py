"""The dashboard's SVG charts: scales a reader can count in, nothing to draw, many days, and
labels that cannot break out of the drawing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from recourse.web.charts import (
    PALETTE,
    Scale,
    Series,
    bar_chart,
    column_chart,
    label_stride,
    nice_scale,
)

NS = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own drawing


def bars(svg: str) -> list[ET.Element]:
    """The data's rectangles (the legend's swatches are 12 by 12 at the top)."""
    return [r for r in parsed(svg).iter(f"{NS}rect") if r.get("height") != "12"]


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parsed(svg).iter(f"{NS}text")]


@pytest.mark.parametrize(
    ("maximum", "whole", "top", "step"),
    [
        (0, True, 1, 1),
        (-3, True, 1, 1),
        (float("nan"), True, 1, 1),
        (1, True, 1, 1),
        (3, True, 3, 1),
        (7, True, 8, 2),
        (12, True, 15, 5),
        (48, True, 50, 10),
        (100, True, 100, 20),
        (1234, True, 1250, 250),
        (0.3, False, 0.3, 0.1),
        (2.2, False, 2.5, 0.5),
        (12.5, False, 12.5, 2.5),
    ],
)
def test_the_scale_reaches_the_largest_value_in_round_steps(
    maximum: float, whole: bool, top: float, step: float
) -> None:
    scale = nice_scale(maximum, whole=whole)

    assert (scale.top, scale.step) == pytest.approx((top, step))
    assert scale.ticks[0] == 0
    assert scale.ticks[-1] == pytest.approx(scale.top)


def test_counts_are_never_ticked_in_fractions() -> None:
    assert Scale(4, 1).ticks == (0, 1, 2, 3, 4)
    assert all(float(t).is_integer() for t in nice_scale(2, whole=True).ticks)


def test_an_empty_chart_is_still_a_labelled_image() -> None:
    svg = column_chart(ident="c", title="Opened", desc="Nothing yet", categories=[], series=[])

    root = parsed(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{NS}title").text == "Opened"  # type: ignore[union-attr]
    assert root.find(f"{NS}desc").text == "Nothing yet"  # type: ignore[union-attr]
    assert bars(svg) == []


def test_zero_values_draw_no_bars_but_keep_the_days() -> None:
    days = [f"{d} Dec" for d in range(1, 8)]

    svg = column_chart(
        ident="c", title="t", desc="d", categories=days, series=[Series("Opened", (0.0,) * 7)]
    )

    assert bars(svg) == []
    assert [t for t in texts(svg) if t.endswith("Dec")] == days


def test_column_heights_follow_the_values_on_one_scale() -> None:
    svg = column_chart(
        ident="c",
        title="t",
        desc="d",
        categories=["a", "b"],
        series=[Series("Opened", (4.0, 2.0)), Series("Decided", (1.0, 0.0))],
    )

    heights = [float(r.get("height", "0")) for r in bars(svg)]
    assert len(heights) == 3
    assert heights[0] == pytest.approx(4 * heights[1], rel=0.01)
    assert heights[2] == pytest.approx(heights[0] / 2, rel=0.01)


def test_stacked_columns_sit_on_each_other() -> None:
    svg = column_chart(
        ident="c",
        title="t",
        desc="d",
        categories=["a"],
        series=[Series("x", (2.0,)), Series("y", (3.0,))],
        stacked=True,
    )

    lower, upper = bars(svg)
    assert float(upper.get("y", "0")) + float(upper.get("height", "0")) == pytest.approx(
        float(lower.get("y", "0"))
    )
    assert lower.get("x") == upper.get("x")


def test_ninety_days_write_only_as_many_labels_as_fit() -> None:
    days = [f"day {i}" for i in range(90)]

    svg = column_chart(
        ident="c", title="t", desc="d", categories=days, series=[Series("x", (1.0,) * 90)]
    )

    written = [t for t in texts(svg) if t.startswith("day ")]
    assert len(bars(svg)) == 90
    assert 5 <= len(written) <= 12
    assert written[0] == "day 0"
    assert label_stride(90, 664, 64) == 9
    assert label_stride(7, 664, 64) == 1


def test_labels_and_titles_are_escaped() -> None:
    evil = '<script>alert("x")</script> & "quotes"'

    svg = bar_chart(
        ident="c",
        title=evil,
        desc=evil,
        categories=[evil],
        series=[Series(evil, (1.0,))],
    )

    assert "<script>" not in svg
    root = parsed(svg)
    assert root.find(f"{NS}title").text == evil  # type: ignore[union-attr]
    assert evil[:10] in "".join(texts(svg))


def test_long_bar_labels_are_shortened_in_the_drawing() -> None:
    long = "The seller did not ship in time and never answered a single message"

    svg = bar_chart(
        ident="c",
        title="t",
        desc="d",
        categories=[long],
        series=[Series("x", (1.0,))],
        label_width=160,
    )

    (label,) = [t for t in texts(svg) if t.startswith("The seller")]
    assert label.endswith("…")
    assert len(label) < len(long)


def test_a_marker_past_every_bar_stretches_the_scale_to_it() -> None:
    svg = bar_chart(
        ident="c",
        title="t",
        desc="d",
        categories=["Card", "Wallet"],
        series=[Series("Median", (2.0, 1.0))],
        markers=[20.0, None],
        marker_name="Expected at most",
        whole=False,
    )

    assert "20" in texts(svg)
    assert "Expected at most" in texts(svg)
    marks = [r for r in parsed(svg).iter(f"{NS}rect") if r.get("width") == "3"]
    assert len(marks) == 2  # the legend's tick and Card's mark; Wallet has none


def test_a_series_with_a_value_missing_is_refused() -> None:
    with pytest.raises(ValueError, match="1 values for 2"):
        column_chart(
            ident="c", title="t", desc="d", categories=["a", "b"], series=[Series("x", (1.0,))]
        )


def test_no_script_and_no_outside_file_is_referenced() -> None:
    svg = column_chart(
        ident="c", title="t", desc="d", categories=["a"], series=[Series("x", (1.0,))]
    )

    assert not re.search(r"<script|href=|url\(", svg)


def test_a_series_keeps_its_own_colour_whatever_its_place() -> None:
    svg = bar_chart(
        ident="c",
        title="t",
        desc="d",
        categories=["a"],
        series=[Series("Buyer's fault", (2.0,), colour=PALETTE[1])],
        stacked=True,
    )

    fills = {r.get("fill") for r in parsed(svg).iter(f"{NS}rect")}
    assert fills == {PALETTE[1]}
