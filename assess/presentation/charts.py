"""Server-side SVG: area-score chart and SDG goal tiles.

Drawn here rather than in the browser so the same pictures appear on screen,
in print and in PDFs, without JavaScript. Colours are SVG attributes (the
Content-Security-Policy allows no inline styles). Every text is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

LEVEL_SHADES = ("#f3f5f6", "#e6ecef", "#d9e3e7", "#ccdadf", "#bfd1d7")
BAR = "#0a6e5a"
TILE_OPACITY = {"none": 0.18, "some": 0.6, "strong": 1.0}


def area_chart(rows: list[dict], levels: list[dict], title: str, width: int = 560) -> Markup:
    """Horizontal bars, one per row ({label, score, level_label}), over the maturity bands.

    `levels`: [{label, min}] ascending. A row without a score shows a dash.
    """
    label_w, bar_h, gap, top = 170, 22, 12, 28
    plot_w = width - label_w - 60
    height = top + len(rows) * (bar_h + gap) + 24
    x0 = label_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" class="chart" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for i, level in enumerate(levels):
        start = level["min"]
        end = levels[i + 1]["min"] if i + 1 < len(levels) else 100
        x, w = x0 + plot_w * start / 100, plot_w * (end - start) / 100
        parts.append(f'<rect x="{x:.1f}" y="{top - 18}" width="{w:.1f}" height="{height - top - 6}" fill="{LEVEL_SHADES[i % len(LEVEL_SHADES)]}"/>')
        parts.append(f'<text x="{x + 3:.1f}" y="{top - 6}" font-size="10" fill="#4a5560">{escape(level["label"])}</text>')
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" font-size="13" text-anchor="end" fill="#1d2329">{escape(row["label"])}</text>')
        score = row.get("score")
        if score is None:
            parts.append(f'<text x="{x0 + 4}" y="{y + bar_h * 0.7:.1f}" font-size="13" fill="#5a6570">–</text>')
            continue
        w = plot_w * max(0.0, min(100.0, float(score))) / 100
        parts.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{BAR}"/>')
        parts.append(f'<text x="{x0 + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="13" font-weight="bold" fill="#1d2329">{float(score):.0f}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _light(color: str) -> bool:
    """True for colours too light for white text (relative luminance, WCAG)."""
    try:
        r, g, b = (int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return False
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] > 0.4


def _lines(text: str, per_line: int) -> list[str]:
    """Split a short name into at most three lines for a tile."""
    if " " in text and all(len(w) <= per_line for w in text.split(" ")):
        words, lines, line = text.split(" "), [], ""
        for word in words:
            if line and len(line) + 1 + len(word) > per_line:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    else:
        lines = [text[i:i + per_line] for i in range(0, len(text), per_line)]
    return lines[:3]


def goal_tiles(goals: list[dict], title: str, columns: int = 6, size: int = 92) -> Markup:
    """17 goal tiles in official colours, shaded by level: [{number, short, color, level}]."""
    by_number = sorted(goals, key=lambda g: g["number"])
    rows = (len(by_number) + columns - 1) // columns
    gap = 6
    width, height = columns * (size + gap), rows * (size + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" class="tiles" aria-labelledby="tiles-title">',
        f'<title id="tiles-title">{escape(title)}</title>',
    ]
    for i, goal in enumerate(by_number):
        x, y = (i % columns) * (size + gap), (i // columns) * (size + gap)
        opacity = TILE_OPACITY.get(goal.get("level", "none"), 0.18)
        parts.append(f'<g transform="translate({x},{y})">')
        parts.append(f'<rect width="{size}" height="{size}" rx="4" fill="{escape(goal["color"])}" fill-opacity="{opacity}"/>')
        ink = "#ffffff" if opacity >= 1.0 and not _light(goal["color"]) else "#1d2329"
        k = size / 92  # text scales with the tile
        parts.append(f'<text x="{8 * k:.1f}" y="{30 * k:.1f}" font-size="{26 * k:.1f}" font-weight="bold" fill="{ink}">{goal["number"]}</text>')
        per_line = 7 if any(ord(c) > 0x3000 for c in goal["short"]) else 13
        for j, line in enumerate(_lines(goal["short"], per_line)):
            parts.append(f'<text x="{8 * k:.1f}" y="{(50 + j * 13) * k:.1f}" font-size="{10.5 * k:.1f}" fill="{ink}">{escape(line)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def quartile_chart(rows: list[tuple[str, dict | None]], title: str, width: int = 560) -> Markup:
    """Box plots on 0–100: whiskers min–max, box lower–upper quartile, median line."""
    label_w, row_h, top = 170, 30, 10
    plot_w = width - label_w - 20
    height = top + len(rows) * row_h + 20
    x = lambda v: label_w + plot_w * max(0.0, min(100.0, float(v))) / 100  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" class="chart"><title>{escape(title)}</title>']
    for tick in range(0, 101, 20):
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top}" y2="{height - 16}" stroke="#e1e7ea"/>'
                     f'<text x="{x(tick):.1f}" y="{height - 4}" font-size="10" text-anchor="middle" fill="#5a6570">{tick}</text>')
    for i, (label, st) in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 18}" font-size="12" text-anchor="end" fill="#1d2329">{escape(label)}</text>')
        if not st:
            continue
        mid = y + 13
        parts.append(f'<line x1="{x(st["min"]):.1f}" x2="{x(st["max"]):.1f}" y1="{mid}" y2="{mid}" stroke="#5a6570"/>')
        parts.append(f'<rect x="{x(st["q1"]):.1f}" y="{y + 4}" width="{max(1.0, x(st["q3"]) - x(st["q1"])):.1f}" height="18" fill="#bfe0d6" stroke="{BAR}"/>')
        parts.append(f'<line x1="{x(st["median"]):.1f}" x2="{x(st["median"]):.1f}" y1="{y + 4}" y2="{y + 22}" stroke="{BAR}" stroke-width="3"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_tally(items: list[tuple[str, int]], title: str, width: int = 560) -> Markup:
    """Horizontal bars with counts."""
    label_w, row_h = 230, 24
    top = 6
    most = max([n for _, n in items] or [1]) or 1
    plot_w = width - label_w - 50
    height = top + max(1, len(items)) * row_h + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" class="chart"><title>{escape(title)}</title>']
    for i, (label, n) in enumerate(items):
        y = top + i * row_h
        w = plot_w * n / most
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="#1d2329">{escape(label[:30])}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" fill="{BAR}"/>'
                     f'<text x="{label_w + w + 5:.1f}" y="{y + 15}" font-size="12" fill="#1d2329">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def heat_map(rows: list[dict], goals: list[tuple[int, str]], title: str, cell: int = 22) -> Markup:
    """Companies × 17 goals; a cell's colour strength shows the goal's level."""
    label_w, top = 190, 26
    width = label_w + len(goals) * cell + 4
    height = top + len(rows) * cell + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" class="chart heat"><title>{escape(title)}</title>']
    for j, (number, _) in enumerate(goals):
        parts.append(f'<text x="{label_w + j * cell + cell / 2:.1f}" y="{top - 8}" font-size="10" text-anchor="middle" fill="#1d2329">{number}</text>')
    for i, row in enumerate(rows):
        y = top + i * cell
        parts.append(f'<text x="{label_w - 6}" y="{y + cell * 0.7:.1f}" font-size="11" text-anchor="end" fill="#1d2329">{escape(row["company"][:22])}</text>')
        for j, (number, color) in enumerate(goals):
            level = row["goals"].get(number, (0.0, "none"))[1]
            parts.append(f'<rect x="{label_w + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{escape(color)}" fill-opacity="{TILE_OPACITY.get(level, 0.18)}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
