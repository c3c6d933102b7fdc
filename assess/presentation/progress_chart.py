"""A company's scores over the rounds as small multiples, in server-side SVG.

One small line chart per panel (the overall score, then each area): x the
fiscal years in order, y 0–100, every point labelled with its score; below
them a strip with the signature goals of each year in the goals' official
colours. The picture scales with its box, so it is laid out for a width of
`WIDTHS[medium]` units with type that stays readable on a 360 px phone: two
columns while the years fit, else one; beyond what one column holds, only
every other (third, …) year and score is labelled, always the latest. The
title and description give every number for screen readers.
"""

from __future__ import annotations

import math

from markupsafe import Markup

from assess.presentation.charts import BAR, GRID, INK, MUTED, TILE_FONT_SIZES, el, fit_label, svg, text_width

WIDTHS = {"screen": 360, "print": 480}
TITLE_FONT = 12.0  # a panel's name; smaller (fit_label) when it needs it
TITLE_K = TITLE_FONT / TILE_FONT_SIZES[0]
TITLE_LINE = 1.25  # line height, in font sizes
POINT_FONT = 11.0
YEAR_FONT = 11.0
AXIS_FONT = 9.5
MARK_FONT = 10.0
AXIS_W = 22.0  # the scale's numbers, right-aligned 4 short of the plot
COLUMN_GAP, ROW_GAP = 12.0, 14.0
PLOT_H = 60.0
HEAD_ROOM = 18.0  # between a panel's name and its 100 line: the label over a point at 100
FOOT = 20.0  # under the 0 line: the years
MARK, MARK_GAP, MARKS_PER_ROW = 18.0, 3.0, 5
SPARE = 1.1  # real fonts set Latin text up to about 8% wider than text_width estimates
BELOW_FROM = 25  # a score at least this, lower than its neighbours, is labelled under its point


def progress_chart(
    years: list[str],
    panels: list[dict],
    signatures: list[list[dict]],
    title: str,
    desc: str,
    signature_title: str,
    medium: str = "screen",
) -> Markup:
    """`years`: one label per point; `panels`: [{label, scores: [float | None per point]}];
    `signatures`: per point, its signature goals [{number, color, short}]."""
    width = WIDTHS[medium]
    n = len(years)
    parts = [el("desc", desc)]
    if n == 0:
        return svg(width, 20, "chart small-multiples", title, parts, title_id="progress-chart-title")
    columns = _columns(len(panels), n, width, years)
    panel_w = (width - COLUMN_GAP * (columns - 1)) / columns
    fits = [fit_label(p["label"], panel_w / SPARE, TITLE_K) for p in panels]
    y = 0.0
    for row in range(math.ceil(len(panels) / columns)):
        cells = range(row * columns, min(len(panels), (row + 1) * columns))
        head = max(len(fits[i][1]) * fits[i][0] * TITLE_LINE for i in cells)
        for col, i in enumerate(cells):
            x = col * (panel_w + COLUMN_GAP)
            parts += _panel(panels[i]["scores"], fits[i], x, y, panel_w, head, years)
        y += head + HEAD_ROOM + PLOT_H + FOOT + ROW_GAP
    strip, height = _strip(signatures, signature_title, y, width, years)
    return svg(width, height, "chart small-multiples", title, parts + strip, title_id="progress-chart-title")


def _need(years: list[str]) -> float:
    """The least distance between two points whose year and score labels both show."""
    widest = max([text_width(y, YEAR_FONT) for y in years] + [text_width("100", POINT_FONT)])
    return widest * SPARE + 4


def _plot_range(x: float, width: float, years: list[str]) -> tuple[float, float]:
    """Where the first and last points go: half a label in from the edges. On the left the years
    may reach under the scale's numbers (they sit lower), the scores not (they sit beside them)."""
    inset = (_need(years) - 4) / 2 + 1
    beside = AXIS_W + text_width("100", POINT_FONT) * SPARE / 2 + 2
    return x + max(beside, inset), x + width - inset


def _xs(left: float, right: float, n: int) -> list[float]:
    if n == 1:
        return [(left + right) / 2]
    step = (right - left) / (n - 1)
    return [left + i * step for i in range(n)]


def _spacing(left: float, right: float, n: int) -> float:
    return math.inf if n < 2 else (right - left) / (n - 1)


def _columns(panels: int, n: int, width: int, years: list[str]) -> int:
    """Two columns when every year and score fits there, else one."""
    if panels < 2:
        return 1
    left, right = _plot_range(0, (width - COLUMN_GAP) / 2, years)
    return 2 if _spacing(left, right, n) >= _need(years) else 1


def _labelled(n: int, spacing: float, years: list[str]) -> set[int]:
    """The points whose labels show: all when they fit, else every k-th, counted back from the latest."""
    step = 1 if spacing >= _need(years) else math.ceil(_need(years) / spacing)
    return {i for i in range(n) if (n - 1 - i) % step == 0}


def _panel(
    scores: list[float | None],
    fit: tuple[float, list[str]],
    x: float,
    y: float,
    width: float,
    head: float,
    years: list[str],
) -> list[str]:
    font, lines = fit
    parts = [
        el(
            "text",
            line,
            x=x,
            y=y + font + j * font * TITLE_LINE,
            font_size=font,
            font_weight="bold",
            fill=INK,
        )
        for j, line in enumerate(lines)
    ]
    top = y + head + HEAD_ROOM
    bottom = top + PLOT_H
    for value in (0, 50, 100):
        gy = bottom - PLOT_H * value / 100
        parts.append(el("line", x1=x + AXIS_W, x2=x + width, y1=gy, y2=gy, stroke=GRID))
        parts.append(
            el(
                "text",
                value,
                x=x + AXIS_W - 4,
                y=gy + AXIS_FONT * 0.35,
                font_size=AXIS_FONT,
                text_anchor="end",
                fill=MUTED,
            )
        )
    left, right = _plot_range(x, width, years)
    xs = _xs(left, right, len(scores))
    ys = [None if s is None else bottom - PLOT_H * max(0.0, min(100.0, float(s))) / 100 for s in scores]
    parts += _lines(xs, ys)
    shown = _labelled(len(scores), _spacing(left, right, len(scores)), years)
    for i, (px, py, score) in enumerate(zip(xs, ys, scores, strict=True)):
        if i in shown:
            parts.append(
                el(
                    "text",
                    years[i],
                    x=px,
                    y=bottom + 15,
                    font_size=YEAR_FONT,
                    text_anchor="middle",
                    fill=MUTED,
                )
            )
        if py is None or score is None:
            parts.append(
                el(
                    "text",
                    "–",
                    x=px,
                    y=(top + bottom) / 2 + 4,
                    font_size=POINT_FONT,
                    text_anchor="middle",
                    fill=MUTED,
                )
            )
            continue
        parts.append(el("circle", cx=px, cy=py, r=3.5, fill=BAR, stroke="#ffffff", stroke_width=1.5))
        if i in shown:
            below = score >= BELOW_FROM and _valley(scores, i)
            parts.append(
                el(
                    "text",
                    f"{float(score):.0f}",
                    x=px,
                    y=py + 15 if below else py - 7,
                    font_size=POINT_FONT,
                    font_weight="bold",
                    text_anchor="middle",
                    fill=INK,
                )
            )
    return parts


def _valley(scores: list[float | None], i: int) -> bool:
    """Lower than its neighbours: the lines leave it upwards, so its label goes under it."""
    around = [
        s
        for s in (scores[i - 1] if i else None, scores[i + 1] if i + 1 < len(scores) else None)
        if s is not None
    ]
    value = scores[i]
    return bool(around) and value is not None and all(s > value for s in around)


def _lines(xs: list[float], ys: list[float | None]) -> list[str]:
    """The line through consecutive scores; broken where a year has none."""
    parts, run = [], []
    for px, py in [*zip(xs, ys, strict=True), (0.0, None)]:
        if py is not None:
            run.append(f"{px:.1f},{py:.1f}")
            continue
        if len(run) > 1:
            parts.append(el("polyline", points=" ".join(run), fill="none", stroke=BAR, stroke_width=2))
        run = []
    return parts


def _strip(
    signatures: list[list[dict]], title: str, y: float, width: int, years: list[str]
) -> tuple[list[str], float]:
    """Each year's signature goals as small squares in the goals' colours, with their numbers."""
    font, lines = fit_label(title, width / SPARE, TITLE_K)
    parts = [
        el(
            "text",
            line,
            x=0,
            y=y + font + j * font * TITLE_LINE,
            font_size=font,
            font_weight="bold",
            fill=INK,
        )
        for j, line in enumerate(lines)
    ]
    left, right = _plot_range(0, width, years)
    n = len(signatures)
    xs = _xs(left, right, n)
    spacing = _spacing(left, right, n)
    room = min(spacing - 4, width)  # a year's squares, centred on it, kept inside the picture
    per_row = max(1, min(MARKS_PER_ROW, int((room + MARK_GAP) // (MARK + MARK_GAP))))
    shown = _labelled(n, spacing, years)
    year_y = y + len(lines) * font * TITLE_LINE + 14
    top = year_y + 6
    rows = 1
    for i, (px, goals) in enumerate(zip(xs, signatures, strict=True)):
        if i in shown:
            parts.append(
                el("text", years[i], x=px, y=year_y, font_size=YEAR_FONT, text_anchor="middle", fill=MUTED)
            )
        if not goals:
            parts.append(
                el(
                    "text",
                    "–",
                    x=px,
                    y=top + MARK * 0.7,
                    font_size=POINT_FONT,
                    text_anchor="middle",
                    fill=MUTED,
                )
            )
            continue
        rows = max(rows, math.ceil(len(goals) / per_row))
        for k, goal in enumerate(goals):
            in_row = min(per_row, len(goals) - (k // per_row) * per_row)
            row_w = in_row * MARK + (in_row - 1) * MARK_GAP
            start = min(max(px - row_w / 2, 0.0), width - row_w)
            sx = start + (k % per_row) * (MARK + MARK_GAP)
            sy = top + (k // per_row) * (MARK + MARK_GAP)
            parts.append(_mark(goal, sx, sy))
    return parts, top + rows * (MARK + MARK_GAP) + 2


def _mark(goal: dict, x: float, y: float) -> str:
    ink = _ink_on(goal["color"])
    return (
        "<g>"
        + el("title", f"{goal['number']} {goal.get('short', '')}".strip())
        + el("rect", x=x, y=y, width=MARK, height=MARK, rx=2, fill=goal["color"])
        + el(
            "text",
            goal["number"],
            x=x + MARK / 2,
            y=y + MARK / 2 + MARK_FONT * 0.36,
            font_size=MARK_FONT,
            font_weight="bold",
            text_anchor="middle",
            fill=ink,
        )
        + "</g>"
    )


def _ink_on(color: str) -> str:
    """White or dark text, whichever contrasts more with the colour (WCAG relative luminance:
    they contrast equally at about 0.21). A small number needs the better of the two."""
    try:
        r, g, b = (int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return "#ffffff"
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return INK if luminance > 0.21 else "#ffffff"
