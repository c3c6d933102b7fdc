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
        ink = "#ffffff" if opacity >= 0.6 and not _light(goal["color"]) else "#1d2329"
        parts.append(f'<text x="8" y="30" font-size="26" font-weight="bold" fill="{ink}">{goal["number"]}</text>')
        per_line = 7 if any(ord(c) > 0x3000 for c in goal["short"]) else 13
        for j, line in enumerate(_lines(goal["short"], per_line)):
            parts.append(f'<text x="8" y="{50 + j * 13}" font-size="10.5" fill="{ink}">{escape(line)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
