"""Server-side SVG: area-score chart, SDG goal tiles, box plots, tallies, heat map.

Drawn here rather than in the browser so the same pictures appear on screen,
in print and in PDFs, without JavaScript. Colours are SVG attributes (the
Content-Security-Policy allows no inline styles). Every text and attribute is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

LEVEL_SHADES = ("#f3f5f6", "#e6ecef", "#d9e3e7", "#ccdadf", "#bfd1d7")
BAR = "#0a6e5a"
INK, MUTED, GRID = "#1d2329", "#5a6570", "#e1e7ea"
# A tile's colour strength by the goal's tier (presentation.goals) or, where no tier is given, its level.
TILE_OPACITY = {"none": 0.18, "some": 0.45, "strong": 1.0, "signature": 1.0}


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _attributes(attrs: dict[str, object]) -> str:
    """Attribute names take `_` for `-`; a trailing `_` is dropped (`class_`). Values are escaped."""
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(_value(v))}"' for k, v in attrs.items())


def el(tag: str, content: object = None, **attrs: object) -> str:
    """One SVG element, its text escaped."""
    if content is None:
        return f"<{tag}{_attributes(attrs)}/>"
    return f"<{tag}{_attributes(attrs)}>{escape(_value(content))}</{tag}>"


FONT = "Noto Sans CJK JP, Noto Sans, sans-serif"


def svg(width: int, height: float, kind: str, title: str, parts: list[str], title_id: str = "") -> Markup:
    """A scalable picture with its title for screen readers."""
    attrs: dict[str, object] = {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {width} {_value(height)}",
        "width": "100%",
        "role": "img",
        "class_": kind,
        # The print's own face: without it the PDF renderer falls back to another font for bold
        # digits, and embeds (and subsets) a face for a few characters.
        "font_family": FONT,
    }
    if title_id:
        attrs["aria_labelledby"] = title_id
    name = el("title", title, id=title_id) if title_id else el("title", title)
    return Markup(f"<svg{_attributes(attrs)}>" + name + "".join(parts) + "</svg>")


def area_chart(
    rows: list[dict], levels: list[dict], title: str, width: int = 560, title_id: str = "chart-title"
) -> Markup:
    """Horizontal bars, one per row ({label, score}), over the maturity bands.

    `levels`: [{label, min}] ascending. A row without a score shows a dash. `title_id`: unique
    in the document (a booklet has one chart per case study).
    """
    label_w, bar_h, gap, top = 170, 22, 12, 28
    plot_w = width - label_w - 60
    height = top + len(rows) * (bar_h + gap) + 24
    parts = []
    for i, level in enumerate(levels):
        end = levels[i + 1]["min"] if i + 1 < len(levels) else 100
        x, w = label_w + plot_w * level["min"] / 100, plot_w * (end - level["min"]) / 100
        shade = LEVEL_SHADES[i % len(LEVEL_SHADES)]
        parts.append(el("rect", x=float(x), y=top - 18, width=float(w), height=height - top - 6, fill=shade))
        parts.append(el("text", level["label"], x=float(x + 3), y=top - 6, font_size=10, fill="#4a5560"))
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        baseline = float(y + bar_h * 0.7)
        parts.append(
            el("text", row["label"], x=label_w - 8, y=baseline, font_size=13, text_anchor="end", fill=INK)
        )
        if row.get("score") is None:
            parts.append(el("text", "–", x=label_w + 4, y=baseline, font_size=13, fill=MUTED))
            continue
        score = float(row["score"])
        w = plot_w * max(0.0, min(100.0, score)) / 100
        parts.append(el("rect", x=label_w, y=y, width=float(w), height=bar_h, rx=3, fill=BAR))
        parts.append(
            el(
                "text",
                f"{score:.0f}",
                x=float(label_w + w + 6),
                y=baseline,
                font_size=13,
                font_weight="bold",
                fill=INK,
            )
        )
    return svg(width, height, "chart", title, parts, title_id=title_id)


def _light(color: str) -> bool:
    """True for colours too light for white text (relative luminance, WCAG)."""
    try:
        r, g, b = (int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return False
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] > 0.4


# Rough advance widths in em, enough to keep a tile's label inside the tile.
NARROW, WIDE = set("iljtfr.,'’ ()"), set("mwMW")
TILE_FONT_SIZES = (10.5, 9.5, 8.5, 7.5)  # at a tile size of 92
TILE_LINES = 4


def text_width(text: str, size: float) -> float:
    """An estimate of the width of a line of text at a font size, in the same units."""
    em = 0.0
    for c in text:
        if _cjk(c):
            em += 1.0
        elif c in NARROW:
            em += 0.3
        elif c in WIDE or c.isupper():
            em += 0.75
        else:
            em += 0.56
    return em * size


def _cjk(c: str) -> bool:
    return ord(c) > 0x2E80  # CJK, kana and full-width forms


def _tokens(text: str, size: float, width: float) -> list[tuple[str, str]]:
    """(piece, glue before it): words, and single characters of a CJK word too wide for a line."""
    out = []
    for n, word in enumerate(text.split(" ")):
        glue = " " if n else ""
        if text_width(word, size) > width and word and all(_cjk(c) for c in word):
            out += [(c, glue if i == 0 else "") for i, c in enumerate(word)]
        else:
            out.append((word, glue))
    return out


def _wrap(text: str, size: float, width: float) -> list[str] | None:
    """Lines no wider than `width`, never breaking a word of Latin text; None if a word is too wide."""
    lines: list[str] = []
    for piece, glue in _tokens(text, size, width):
        if text_width(piece, size) > width:
            return None
        if lines and text_width(lines[-1] + glue + piece, size) <= width:
            lines[-1] += glue + piece
        else:
            lines.append(piece)
    return lines


def fit_label(text: str, width: float, k: float = 1.0) -> tuple[float, list[str]]:
    """The largest tile font size at which the label fits in `TILE_LINES` lines, and its lines."""
    for size in TILE_FONT_SIZES:
        lines = _wrap(text, size * k, width)
        if lines is not None and len(lines) <= TILE_LINES:
            return size * k, lines
    size = TILE_FONT_SIZES[-1] * k
    return size, (_wrap(text, size, width) or [text])[:TILE_LINES]


def goal_tiles(
    goals: list[dict],
    title: str,
    columns: int = 6,
    size: int = 92,
    in_order: bool = False,
    title_id: str = "tiles-title",
) -> Markup:
    """Goal tiles in official colours, shaded by tier or level: [{number, short, color, tier|level}],
    in goal order, or as given (`in_order`: most distinctive first)."""
    by_number = list(goals) if in_order else sorted(goals, key=lambda g: g["number"])
    columns = min(columns, max(1, len(by_number)))
    rows = (len(by_number) + columns - 1) // columns
    gap = 6
    parts = [
        _tile(goal, (i % columns) * (size + gap), (i // columns) * (size + gap), size)
        for i, goal in enumerate(by_number)
    ]
    return svg(columns * (size + gap), rows * (size + gap), "tiles", title, parts, title_id=title_id)


def _tile(goal: dict, x: int, y: int, size: int) -> str:
    opacity = TILE_OPACITY.get(goal.get("tier", goal.get("level", "none")), 0.18)
    ink = "#ffffff" if opacity >= 1.0 and not _light(goal["color"]) else INK
    k = size / 92  # text scales with the tile
    parts = [
        el("rect", width=size, height=size, rx=4, fill=goal["color"], fill_opacity=opacity),
        el("text", goal["number"], x=8 * k, y=31 * k, font_size=26 * k, font_weight="bold", fill=ink),
    ]
    font, lines = fit_label(goal["short"], size - 16 * k, k)
    for j, line in enumerate(lines):
        parts.append(el("text", line, x=8 * k, y=(50 * k + j * font * 1.25), font_size=font, fill=ink))
    return f'<g transform="translate({x},{y})">' + "".join(parts) + "</g>"


def quartile_chart(rows: list[tuple[str, dict | None]], title: str, width: int = 560) -> Markup:
    """Box plots on 0–100: whiskers min–max, box lower–upper quartile, median line."""
    label_w, row_h, top = 170, 30, 10
    plot_w = width - label_w - 20
    height = top + len(rows) * row_h + 20

    def x(v: float) -> float:
        return label_w + plot_w * max(0.0, min(100.0, float(v))) / 100

    parts = []
    for tick in range(0, 101, 20):
        parts.append(el("line", x1=x(tick), x2=x(tick), y1=top, y2=height - 16, stroke=GRID))
        parts.append(
            el("text", tick, x=x(tick), y=height - 4, font_size=10, text_anchor="middle", fill=MUTED)
        )
    for i, (label, st) in enumerate(rows):
        y = top + i * row_h
        parts.append(el("text", label, x=label_w - 8, y=y + 18, font_size=12, text_anchor="end", fill=INK))
        if not st:
            continue
        box = max(1.0, x(st["q3"]) - x(st["q1"]))
        parts.append(el("line", x1=x(st["min"]), x2=x(st["max"]), y1=y + 13, y2=y + 13, stroke=MUTED))
        parts.append(el("rect", x=x(st["q1"]), y=y + 4, width=box, height=18, fill="#bfe0d6", stroke=BAR))
        parts.append(
            el(
                "line",
                x1=x(st["median"]),
                x2=x(st["median"]),
                y1=y + 4,
                y2=y + 22,
                stroke=BAR,
                stroke_width=3,
            )
        )
    return svg(width, height, "chart", title, parts)


TALLY_FONT, TALLY_LINE = 12, 14  # a tally label's font size and line height
TALLY_LABEL_WIDTHS = (230, 300)  # the label column, widened when a label needs more than TALLY_LINES
TALLY_LINES = 3
# Japanese marks that may not begin a line (kinsoku): they stay at the end of the line before.
NO_LINE_START = set("）」』】〕〉》、。，．・：；！？ーぁぃぅぇぉっゃゅょァィゥェォッャュョ々…")


def tally_text_width(label_w: int) -> int:
    """The room for a label's lines, right-aligned 8 short of the bars: a tenth of the column is
    kept spare, as real fonts set Latin text up to about 8% wider than `text_width` estimates."""
    return int((label_w - 8) * 0.9)


def _ellipsis(text: str, size: float, width: float) -> str:
    """`text` cut short enough to end with an ellipsis within `width`."""
    while text and text_width(text.rstrip() + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _kinsoku(lines: list[str], width: int) -> list[str]:
    """Marks that may not begin a line moved to the end of the line before, where it has room."""
    out = list(lines)
    for k in range(1, len(out)):
        while out[k][:1] in NO_LINE_START and text_width(out[k - 1] + out[k][0], TALLY_FONT) <= width:
            out[k - 1], out[k] = out[k - 1] + out[k][0], out[k][1:]
    return [line for line in out if line]


def tally_lines(label: str, width: int) -> list[str] | None:
    """A label in the fewest lines no wider than `width`, at most `TALLY_LINES`, evened out (wrapped
    at the narrowest width that needs no more lines); None if it needs more lines."""
    lines = _wrap(label, TALLY_FONT, width)
    if lines is None or len(lines) > TALLY_LINES:
        return None
    low, high = width // len(lines), width  # even lines: the narrowest width giving as few lines
    while len(lines) > 1 and low < high:
        middle = (low + high) // 2
        trial = _wrap(label, TALLY_FONT, middle)
        if trial is not None and len(trial) == len(lines):
            high = middle
        else:
            low = middle + 1
    return _kinsoku(_wrap(label, TALLY_FONT, high) or lines, width)


def _cut_label(label: str, width: int) -> list[str]:
    """The lines of a label too long for `TALLY_LINES` lines even in the widest column:
    words too wide for a line cut short, then the last line ended with an ellipsis."""
    words = [
        w if text_width(w, TALLY_FONT) <= width else _ellipsis(w, TALLY_FONT, width) for w in label.split(" ")
    ]
    lines = _wrap(" ".join(words), TALLY_FONT, width) or [_ellipsis(label, TALLY_FONT, width)]
    if len(lines) > TALLY_LINES:
        lines = lines[: TALLY_LINES - 1] + [_ellipsis(lines[TALLY_LINES - 1], TALLY_FONT, width)]
    return lines


def tally_layout(labels: list[str]) -> tuple[int, list[list[str]]]:
    """The narrowest label column (of `TALLY_LABEL_WIDTHS`) in which every label fits in
    `TALLY_LINES` lines, and each label's lines; in the widest, labels that still do not fit are cut."""
    for label_w in TALLY_LABEL_WIDTHS:
        wrapped = [tally_lines(label, tally_text_width(label_w)) for label in labels]
        if all(lines is not None for lines in wrapped):
            return label_w, [lines or [] for lines in wrapped]
    label_w = TALLY_LABEL_WIDTHS[-1]
    width = tally_text_width(label_w)
    return label_w, [tally_lines(label, width) or _cut_label(label, width) for label in labels]


def bar_tally(items: list[tuple[str, int]], title: str, width: int = 560) -> Markup:
    """Horizontal bars with counts. Long labels wrap onto up to three lines and their row grows;
    the description gives every label in full with its count."""
    label_w, wrapped = tally_layout([label for label, _ in items])
    rows_h = [max(24, len(lines) * TALLY_LINE + 10) for lines in wrapped]
    most = max([n for _, n in items] or [1]) or 1
    plot_w = width - label_w - 50
    y = top = 6
    parts = [el("desc", "; ".join(f"{label} ({n})" for label, n in items))] if items else []
    for (_, n), lines, row_h in zip(items, wrapped, rows_h, strict=True):
        middle = y + row_h / 2  # of the bar and of the label's lines
        first = middle + 4 - (len(lines) - 1) * TALLY_LINE / 2
        parts += [
            el(
                "text",
                line,
                x=label_w - 8,
                y=first + j * TALLY_LINE,
                font_size=TALLY_FONT,
                text_anchor="end",
                fill=INK,
            )
            for j, line in enumerate(lines)
        ]
        w = plot_w * n / most
        parts.append(el("rect", x=label_w, y=middle - 8, width=float(w), height=16, fill=BAR))
        parts.append(el("text", n, x=float(label_w + w + 5), y=middle + 4, font_size=12, fill=INK))
        y += row_h
    return svg(width, top + (sum(rows_h) or 24) + 6, "chart", title, parts)


def heat_map(rows: list[dict], goals: list[tuple[int, str]], title: str, cell: int = 22) -> Markup:
    """Companies × goals; a cell's colour strength shows the goal's tier for the company
    (signature, some or none), columns in the order given."""
    label_w, top = 190, 26
    width = label_w + len(goals) * cell + 4
    height = top + len(rows) * cell + 4
    parts = [
        el(
            "text",
            number,
            x=float(label_w + j * cell + cell / 2),
            y=top - 8,
            font_size=10,
            text_anchor="middle",
            fill=INK,
        )
        for j, (number, _) in enumerate(goals)
    ]
    for i, row in enumerate(rows):
        y = top + i * cell
        parts.append(
            el(
                "text",
                row["company"][:22],
                x=label_w - 6,
                y=float(y + cell * 0.7),
                font_size=11,
                text_anchor="end",
                fill=INK,
            )
        )
        for j, (number, color) in enumerate(goals):
            level = row["goals"].get(number, "none")
            parts.append(
                el(
                    "rect",
                    x=label_w + j * cell,
                    y=y,
                    width=cell - 2,
                    height=cell - 2,
                    fill=color,
                    fill_opacity=TILE_OPACITY.get(level, 0.18),
                )
            )
    return svg(width, height, "chart heat", title, parts)


FUNNEL_FONT, FUNNEL_ROW, FUNNEL_BAR = 13, 28, 16  # font size, row height and bar height
FUNNEL_PLOT_MIN = 140  # the bars get at least this much room; the picture widens for long labels


def funnel_chart(stages: list[tuple[str, int]], title: str, title_id: str = "", width: int = 320) -> Markup:
    """One horizontal bar per stage ({label, count}), from the first stage down, each as long as
    its count against the largest. The label column and the room for the counts are measured
    (with a tenth spare, as real fonts run wider than `text_width` estimates), so no label is cut
    in either language; the description gives every stage with its count."""
    spare = 1.1
    label_w = max([text_width(label, FUNNEL_FONT) * spare for label, _ in stages] or [0]) + 10
    most = max([n for _, n in stages] or [0])
    count_w = text_width(str(most), FUNNEL_FONT) * spare + 8
    width = max(width, int(label_w + FUNNEL_PLOT_MIN + count_w + 0.999))
    plot_w = width - label_w - count_w
    parts = [el("desc", "; ".join(f"{label}: {n}" for label, n in stages))] if stages else []
    for i, (label, n) in enumerate(stages):
        middle = i * FUNNEL_ROW + FUNNEL_ROW / 2
        baseline = middle + FUNNEL_FONT * 0.35
        parts.append(
            el(
                "text",
                label,
                x=float(label_w - 8),
                y=baseline,
                font_size=FUNNEL_FONT,
                text_anchor="end",
                fill=INK,
            )
        )
        w = plot_w * n / most if most else 0.0
        if n:
            w = max(w, 2.0)  # a count of one in thousands still shows
        parts.append(
            el(
                "rect",
                x=float(label_w),
                y=middle - FUNNEL_BAR / 2,
                width=float(w),
                height=FUNNEL_BAR,
                rx=2,
                fill=BAR,
            )
        )
        parts.append(
            el(
                "text",
                n,
                x=float(label_w + w + 5),
                y=baseline,
                font_size=FUNNEL_FONT,
                font_weight="bold",
                fill=INK,
            )
        )
    return svg(width, max(1, len(stages)) * FUNNEL_ROW, "chart funnel", title, parts, title_id=title_id)
