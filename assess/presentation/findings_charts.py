"""SVG charts of the booklet's findings chapter: counts per category, the spread of the
area scores over the maturity bands, and how many companies have each SDG goal as a
signature goal.

Pure: plain values in, an SVG picture out, every text escaped (through `charts.el`). A
picture is scaled to its column in print, so `width` sets how large its text prints: a
half-page chart is drawn narrower than a full-width one to keep its labels readable.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from assess.presentation.charts import (
    BAR,
    GRID,
    INK,
    LEVEL_SHADES,
    MUTED,
    _light,  # the same contrast rule as the goal tiles
    el,
    svg,
    tally_lines,
    text_width,
)

FONT, LINE = 12, 14  # label font size and line height (as charts.tally_lines wraps them)
SMALL = 10
LABEL_SHARE = 0.46  # the most of a picture's width its label column takes
# Real fonts set Latin text up to a tenth wider than text_width estimates: columns are
# measured with a tenth to spare, and labels wrapped a tenth short of their column.
SPARE, FIT = 1.12, 0.9


def _clip(text: str, width: float) -> str:
    """`text` cut short with an ellipsis to fit `width` on one line."""
    while text and text_width(text + "…", FONT) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _row_label(lines: list[str], label_w: float, middle: float) -> list[str]:
    """A row's label, right-aligned before the plot, its lines centred on `middle`."""
    first = middle + 4 - (len(lines) - 1) * LINE / 2
    return [
        el(
            "text",
            line,
            x=float(label_w - 6),
            y=first + j * LINE,
            font_size=FONT,
            text_anchor="end",
            fill=INK,
        )
        for j, line in enumerate(lines)
    ]


def _label_lines(label: str, width: float, most: int = 3) -> list[str]:
    """A label on up to `most` lines no wider than `width` (evened out, as charts.tally_lines
    wraps them); one too long for that is cut short with an ellipsis."""
    width *= FIT
    lines = tally_lines(label, int(width))
    if lines is not None and len(lines) <= most:
        return lines
    cut = label
    while cut:
        cut = cut[: -max(1, len(cut) // 20)].rstrip()
        lines = tally_lines(cut + "…", int(width))
        if lines is not None and len(lines) <= most:
            return lines
    return [_clip(label, width)]


def _label_column(labels: list[str], width: int, extra: float = 0) -> float:
    """The label column: as wide as the widest label on one line, at most LABEL_SHARE of the picture."""
    widest = max([text_width(label, FONT) * SPARE for label in labels] or [0]) + extra + 12
    return min(widest, width * LABEL_SHARE)


def _count_text(n: int, total: int | None) -> str:
    return f"{n} ({round(100 * n / total)}%)" if total else str(n)


def _description(items: list[tuple[str, int]], total: int | None) -> str:
    return el("desc", "; ".join(f"{label}: {_count_text(n, total)}" for label, n in items))


def count_bars(
    items: list[tuple[str, int]], title: str, total: int | None = None, width: int = 320
) -> Markup:
    """Horizontal bars, one per (label, count), in the order given; with `total`, each count
    also as a share of it. Long labels wrap onto up to three lines."""
    label_w = _label_column([label for label, _ in items], width)
    count_w = text_width(_count_text(max([n for _, n in items] or [0]), total), SMALL) * SPARE + 8
    plot_w = max(20.0, width - label_w - count_w)
    most = max([n for _, n in items] or [1]) or 1
    parts, y = [_description(items, total)], 4.0
    for label, n in items:
        lines = _label_lines(label, label_w - 8)
        row_h = max(22, len(lines) * LINE + 8)
        middle = y + row_h / 2
        parts += _row_label(lines, label_w, middle)
        w = max(2.0, plot_w * n / most) if n else 0.0
        parts.append(el("rect", x=float(label_w), y=middle - 6, width=float(w), height=12, rx=2, fill=BAR))
        parts.append(
            el(
                "text",
                _count_text(n, total),
                x=float(label_w + w + 4),
                y=middle + 4,
                font_size=SMALL,
                fill=INK,
            )
        )
        y += row_h
    return svg(width, y + 4, "chart counts", title, parts)


def _bands(levels: list[dict], x: Callable[[float], float], top: float, bottom: float) -> list[str]:
    """The maturity bands behind a 0–100 scale, each named at its top."""
    parts = []
    for i, level in enumerate(levels):
        end = levels[i + 1]["min"] if i + 1 < len(levels) else 100
        left, right = x(level["min"]), x(end)
        shade = LEVEL_SHADES[i % len(LEVEL_SHADES)]
        parts.append(el("rect", x=left, y=top, width=right - left, height=bottom - top, fill=shade))
        name = level["label"]
        if text_width(name, SMALL) > right - left - 4:
            name = name[:1]  # a narrow band keeps its initial
        parts.append(el("text", name, x=left + 3, y=top + 12, font_size=SMALL, fill=MUTED))
    return parts


def score_spread(
    rows: list[dict], levels: list[dict], title: str, median_label: str, width: int = 560
) -> Markup:
    """Box plots on 0–100 over the maturity bands, one per row ({label, stats}): whiskers from
    the lowest to the highest score, the box from the lower to the upper quartile, the median
    as a thick line and as a number on the right. A row whose stats are None shows a dash."""
    label_w = _label_column([r["label"] for r in rows], width)
    value_w = text_width(median_label, SMALL) * SPARE + 10
    plot_w = width - label_w - value_w - 8
    top, row_h = 20, 30
    bottom = top + 4 + len(rows) * row_h

    def x(v: float) -> float:
        return float(label_w + plot_w * max(0.0, min(100.0, float(v))) / 100)

    parts = _bands(levels, x, 0, bottom)
    for tick in range(0, 101, 20):
        parts.append(el("line", x1=x(tick), x2=x(tick), y1=top, y2=bottom, stroke=GRID))
        parts.append(
            el("text", tick, x=x(tick), y=bottom + 13, font_size=SMALL, text_anchor="middle", fill=MUTED)
        )
    right = width - value_w / 2
    parts.append(
        el("text", median_label, x=right, y=top - 6, font_size=SMALL, text_anchor="middle", fill=MUTED)
    )
    for i, row in enumerate(rows):
        middle = top + 4 + i * row_h + row_h / 2
        parts += _row_label(_label_lines(row["label"], label_w - 8, most=2), label_w, middle)
        stats = row.get("stats")
        if not stats:
            parts.append(el("text", "–", x=x(0) + 4, y=middle + 4, font_size=FONT, fill=MUTED))
            parts.append(
                el("text", "–", x=right, y=middle + 4, font_size=FONT, text_anchor="middle", fill=MUTED)
            )
            continue
        parts += _box(stats, x, middle)
        parts.append(
            el(
                "text",
                f"{stats['median']:.0f}",
                x=right,
                y=middle + 4,
                font_size=FONT,
                font_weight="bold",
                text_anchor="middle",
                fill=INK,
            )
        )
    return svg(width, bottom + 18, "chart spread", title, parts)


def _box(stats: dict, x: Callable[[float], float], middle: float) -> list[str]:
    low, high = x(stats["q1"]), x(stats["q3"])
    return [
        el(
            "line",
            x1=x(stats["min"]),
            x2=x(stats["max"]),
            y1=middle,
            y2=middle,
            stroke=MUTED,
            stroke_width=1.5,
        ),
        el("line", x1=x(stats["min"]), x2=x(stats["min"]), y1=middle - 5, y2=middle + 5, stroke=MUTED),
        el("line", x1=x(stats["max"]), x2=x(stats["max"]), y1=middle - 5, y2=middle + 5, stroke=MUTED),
        el("rect", x=low, y=middle - 9, width=max(2.0, high - low), height=18, fill="#bfe0d6", stroke=BAR),
        el(
            "line",
            x1=x(stats["median"]),
            x2=x(stats["median"]),
            y1=middle - 9,
            y2=middle + 9,
            stroke=BAR,
            stroke_width=3,
        ),
    ]


def goal_counts(goals: list[dict], title: str, total: int | None = None, width: int = 560) -> Markup:
    """One bar per goal ({number, short, color, count}), in the order given, in the goal's
    colour after a small tile with its number; with `total`, each count also as a share."""
    tile, row_h = 20, 26
    label_w = _label_column([g["short"] for g in goals], width, extra=tile + 6)
    count_w = text_width(_count_text(max([g["count"] for g in goals] or [0]), total), SMALL) * SPARE + 8
    plot_w = max(20.0, width - label_w - count_w)
    most = max([g["count"] for g in goals] or [1]) or 1
    parts = [_description([(f"{g['number']} {g['short']}", g["count"]) for g in goals], total)]
    for i, goal in enumerate(goals):
        y = 4 + i * row_h
        middle = y + row_h / 2
        ink = INK if _light(goal["color"]) else "#ffffff"
        name = goal["short"]
        if text_width(name, FONT) * SPARE > label_w - tile - 14:
            name = _clip(name, (label_w - tile - 14) / SPARE)
        parts += [
            el("rect", x=0, y=middle - tile / 2, width=tile, height=tile, rx=2, fill=goal["color"]),
            el(
                "text",
                goal["number"],
                x=tile / 2,
                y=middle + 4,
                font_size=SMALL,
                font_weight="bold",
                text_anchor="middle",
                fill=ink,
            ),
            el("text", name, x=tile + 6, y=middle + 4, font_size=FONT, fill=INK),
        ]
        w = max(2.0, plot_w * goal["count"] / most) if goal["count"] else 0.0
        parts.append(
            el("rect", x=float(label_w), y=middle - 7, width=float(w), height=14, rx=2, fill=goal["color"])
        )
        parts.append(
            el(
                "text",
                _count_text(goal["count"], total),
                x=float(label_w + w + 4),
                y=middle + 4,
                font_size=SMALL,
                fill=INK,
            )
        )
    return svg(width, 8 + len(goals) * row_h, "chart goals", title, parts)
