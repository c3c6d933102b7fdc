"""How a case study is laid out in the booklet: one page or a two-page spread, and how large
its photos and chart are, chosen from its content so that no page is left mostly empty.

Heights are estimated from the print stylesheet's measures (see assess/static/print/print.css,
"case study" section): a text is so many lines of so many characters, a wide (Japanese)
character one em, any other about half. The estimate is deliberately a little generous, and
the flexible parts (photos, then the chart) take up what is left, so a page ends near full
rather than overflowing. Tests render many lengths in both languages and measure the pages.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

PT = 0.3528  # mm
PAGE_H = 255.0  # mm of an A4 page inside the booklet's margins
TEXT_W = 174.0
FILL_AIM = 0.93  # of a page: what the flexible parts grow to
FIT = 0.965  # of a page: what the estimate may reach and still be printed on it
MIN_FILL = 0.6  # the least a page of a case study may be filled (the last of a spread excepted)
GAP = 4.0  # mm between photos in a row
PHOTO_MIN, PHOTO_MAX, LEAD_MAX = 38.0, 95.0, 110.0  # heights of a row of photos, mm
CAPTION = 9.5  # mm of a row of photos besides the photos: the caption line and margins
CHART_MIN, CHART_MAX = 60.0, 150.0  # widths, mm
TILE = 19.2  # mm a goal tile takes across (tile and gap)


@dataclass(frozen=True)
class CaseContent:
    """What a case study prints, as far as its size goes."""

    motto: str = ""
    texts: Sequence[str] = ()  # the narrative parts printed, in order
    photos: Sequence[float] = ()  # width / height of each photo, in order
    goals: int = 0
    reasons: Sequence[str] = ()
    targets: Sequence[str] = ()
    actions: Sequence[str] = ()
    chart_rows: int = 0
    # How much taller than estimated the printed text came out (see pdf.render's refitting):
    # every height but the photos' is multiplied by it.
    scale: float = 1.0
    balance: bool = True  # False once a balanced spread printed with its second page short


@dataclass(frozen=True)
class CaseLayout:
    pages: int  # 1, or 2 for a spread
    lead_mm: float  # height of the photo row at the top (0: none)
    rest_mm: float  # height of the second row of photos (spread: on the second page)
    lead: int  # how many photos the top row holds
    chart_mm: float  # width of the chart
    stacked: bool  # the chart under the SDGs, full width, rather than beside them
    estimate_mm: float  # the content's estimated height at these sizes
    over_chars: int  # characters to cut for the text to fit on a spread (0: it fits)
    # A spread whose text fits its first page: the second page starts with the other photos,
    # so both pages are filled rather than the text running on.
    balanced: bool = False

    @property
    def printed(self) -> tuple:
        """What the print depends on (not the estimate)."""
        return (
            self.pages,
            round(self.lead_mm, 1),
            round(self.rest_mm, 1),
            self.lead,
            round(self.chart_mm, 1),
            self.stacked,
            self.balanced,
        )


def units(text: str) -> float:
    """A text's width in ems: wide characters one, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.48 for ch in text)


def text_mm(text: str, width: float, pt: float, leading: float, para_gap: float = 0.0) -> float:
    """The height of a text set in `width` mm at `pt` points, paragraph by paragraph."""
    per_line = width / (pt * PT)
    paragraphs = [p for p in text.split("\n") if p.strip()]
    lines = sum(max(1, math.ceil(units(p.strip()) / per_line)) for p in paragraphs)
    return lines * pt * PT * leading + len(paragraphs) * para_gap


def _fixed_mm(content: CaseContent) -> float:
    """Everything but the photos, the goal tiles and the chart."""
    return _story_mm(content) + _rest_mm(content)


def _story_mm(content: CaseContent) -> float:
    """The heading, the motto and the narrative texts."""
    head = 20 + (text_mm(content.motto, TEXT_W - 16, 13, 1.5) + 8 if content.motto else 0)
    body = sum(9.7 + text_mm(t, TEXT_W, 10, 1.7, 2.5) for t in content.texts)
    return (head + body) * content.scale


def _rest_mm(content: CaseContent) -> float:
    """The action plan, and the reasons and targets under the goal tiles."""
    actions = sum(text_mm(a, TEXT_W - 22, 9, 1.6) + 1 for a in content.actions)
    actions += 11 if content.actions else 0
    reasons = sum(text_mm(r, TEXT_W - 5, 9, 1.55) + 0.4 for r in content.reasons)
    targets = sum(text_mm(t, TEXT_W - 5, 8.5, 1.55) + 0.8 for t in content.targets)
    return (actions + 16 + reasons + targets) * content.scale


def _tiles_mm(content: CaseContent) -> float:
    return (TILE - 0.7) * math.ceil(max(content.goals, 1) / 5) * content.scale


def _side_chart(content: CaseContent) -> float:
    """The chart's width beside the tiles."""
    return min(80.0, TEXT_W - TILE * min(max(content.goals, 1), 5) - 8)


def _chart_mm(content: CaseContent, width: float) -> float:
    """The height of the area chart drawn `width` mm wide (its proportions: charts.area_chart)."""
    return (width * (52 + 34 * content.chart_rows) / 520 + 6) * content.scale


def _row_max(aspects: Sequence[float]) -> float:
    """The tallest a row of these photos can be and still fit the text width."""
    if not aspects:
        return 0.0
    return (TEXT_W - GAP * (len(aspects) - 1)) / sum(aspects)


def plan(content: CaseContent) -> CaseLayout:
    """One page when everything fits at its smallest; else a spread."""
    one = _one_page(content)
    return one if one is not None else _spread(content)


def _one_page(content: CaseContent) -> CaseLayout | None:
    aspects = list(content.photos)
    row_max = min(PHOTO_MAX, _row_max(aspects))
    photo_min = min(PHOTO_MIN, row_max)
    captions = CAPTION if aspects else 0.0
    chart_w = _side_chart(content)
    base = _fixed_mm(content) + max(_tiles_mm(content), _chart_mm(content, chart_w))
    if base + (photo_min + captions if aspects else 0) > FIT * PAGE_H:
        return None
    spare = FILL_AIM * PAGE_H - base - captions
    photo = max(photo_min, min(row_max, spare)) if aspects else 0.0
    used = base + (photo + captions if aspects else 0.0)
    if used >= MIN_FILL * PAGE_H + 25:  # the margin covers the estimate's error
        return CaseLayout(1, photo, 0.0, len(aspects), chart_w, False, used, 0)
    # Short: the chart goes under the tiles, as wide as the space left allows.
    stacked = _fixed_mm(content) + _tiles_mm(content) + 3 + (photo + captions if aspects else 0.0)
    width = _widest_chart(content, FILL_AIM * PAGE_H - stacked)
    total = stacked + _chart_mm(content, width)
    return CaseLayout(1, photo, 0.0, len(aspects), width, True, total, 0)


def _widest_chart(content: CaseContent, room: float) -> float:
    """The widest the chart can be drawn in `room` mm of height (see _chart_mm)."""
    per_mm = (52 + 34 * content.chart_rows) / 520 * content.scale
    return max(CHART_MIN, min(CHART_MAX, (room - 6 * content.scale) / per_mm if per_mm else CHART_MAX))


def _spread(content: CaseContent) -> CaseLayout:
    """Two pages: balanced when the story fits the first, else the text runs on."""
    return (_balanced(content) if content.balance else None) or _running(content)


def _balanced(content: CaseContent) -> CaseLayout | None:
    """The story and the first photo on the first page; the other photos, the plan and the SDGs
    with a chart as wide as the room left on the second."""
    aspects = list(content.photos)
    lead_max, rest_max = min(LEAD_MAX, _row_max(aspects[:1])), min(PHOTO_MAX, _row_max(aspects[1:]))
    first = _story_mm(content) + (CAPTION if aspects else 0.0)
    second = _rest_mm(content) + _tiles_mm(content) + 3 + (CAPTION if aspects[1:] else 0.0)
    lead_min, rest_min = min(PHOTO_MIN, lead_max), min(PHOTO_MIN, rest_max)
    smallest = second + (rest_min if aspects[1:] else 0.0) + _chart_mm(content, CHART_MIN)
    largest = second + (rest_max if aspects[1:] else 0.0) + _chart_mm(content, CHART_MAX)
    if first + (lead_min if aspects else 0.0) > FIT * PAGE_H or smallest > FIT * PAGE_H:
        return None
    if largest < MIN_FILL * PAGE_H + 25:  # the second page could not be filled: let the text run
        return None
    lead = max(lead_min, min(lead_max, FILL_AIM * PAGE_H - first)) if aspects else 0.0
    room = FILL_AIM * PAGE_H - second - _chart_mm(content, CHART_MIN)
    rest = max(rest_min, min(rest_max, room)) if aspects[1:] else 0.0
    chart_w = _widest_chart(content, FILL_AIM * PAGE_H - second - rest)
    total = first + lead + second + rest + _chart_mm(content, chart_w)
    return CaseLayout(2, lead, rest, 1 if aspects else 0, chart_w, True, total, 0, balanced=True)


def _running(content: CaseContent) -> CaseLayout:
    """The first photo large on the first page, the others in a row after the text."""
    aspects = list(content.photos)
    lead_aspects, rest = aspects[:1], aspects[1:]
    chart_w = _side_chart(content)
    fixed = _fixed_mm(content)
    foot = max(_tiles_mm(content), _chart_mm(content, chart_w))
    lead_max = min(LEAD_MAX, _row_max(lead_aspects))
    rest_max = min(PHOTO_MAX, _row_max(rest))
    captions = CAPTION * (bool(lead_aspects) + bool(rest))
    room = 2 * FILL_AIM * PAGE_H - fixed - foot - captions
    lead = min(lead_max, max(min(PHOTO_MIN, lead_max), room * 0.55)) if lead_aspects else 0.0
    rest_h = min(rest_max, max(min(PHOTO_MIN, rest_max), room - lead)) if rest else 0.0
    total = fixed + foot + captions + lead + rest_h
    over = max(0.0, total - 2 * FIT * PAGE_H)
    return CaseLayout(2, lead, rest_h, len(lead_aspects), chart_w, False, total, _chars_for(over))


def _chars_for(mm: float) -> int:
    """About how many characters of body text take `mm` of height (Japanese, full lines)."""
    if mm <= 0:
        return 0
    lines = math.ceil(mm / (10 * PT * 1.7))
    return lines * int(TEXT_W / (10 * PT))


def arrange(pages: Sequence[int], first_page: int) -> list[int]:
    """The order to print case studies in (indexes into `pages`, each case's page count: 1, 2, or
    more for text too long for a spread, which then counts as one page or a spread by its
    parity), so that
    each spread opens on an even, left-hand page, starting at page `first_page`. A spread never
    changes which side the next case starts on, a one-page case always does: so a one-page case
    is brought forward when a spread would open on the right, and a spread is brought forward
    when the one-page cases before it are odd in number and none after it could even them out.
    The given order is kept otherwise; a spread that nothing can align stays where it is."""
    waiting, order, page = list(range(len(pages))), [], first_page
    while waiting:
        take = waiting[0]
        if pages[take] % 2 == 0 and page % 2 == 1:
            take = next((i for i in waiting if pages[i] % 2 == 1), take)
        elif pages[take] % 2 == 1 and page % 2 == 0 and _unpaired(waiting, pages):
            take = next(i for i in waiting if pages[i] % 2 == 0)
        waiting.remove(take)
        order.append(take)
        page += pages[take]
    return order


def _unpaired(waiting: list[int], pages: Sequence[int]) -> bool:
    """Whether the one-page cases before the next spread are odd in number with none after it
    to even them out: then that spread must come first, or it opens on the right."""
    spread = next((n for n, i in enumerate(waiting) if pages[i] % 2 == 0), None)
    if spread is None:
        return False
    before = sum(1 for i in waiting[:spread] if pages[i] % 2 == 1)
    return before % 2 == 1 and not any(pages[i] % 2 == 1 for i in waiting[spread:])


def measured_scale(layout: CaseLayout, fills: Sequence[float], photos_mm: float) -> float:
    """How much taller than estimated a printed case study came out, from the fill of each of
    its pages; `photos_mm`: the height its photos took (not estimated, so not scaled)."""
    # A page that broke early still took its whole height (but for the forced break of a
    # balanced spread, where the second page starts whatever the first holds).
    printed = ((len(fills) - 1) + fills[-1]) * PAGE_H if fills else 0.0
    if layout.balanced and len(fills) == 2:
        printed = sum(fills) * PAGE_H
    estimated = layout.estimate_mm - photos_mm
    return max(0.8, min(2.0, (printed - photos_mm) / estimated)) if estimated > 0 else 1.0


def needs_refit(layout: CaseLayout, fills: Sequence[float]) -> bool:
    """Whether a printed case study missed its plan: more pages than planned, or a page (the
    last of a spread excepted) under the least fill."""
    if len(fills) != layout.pages:
        return True
    checked = fills if layout.pages == 1 or layout.balanced else fills[:1]
    return any(f < MIN_FILL for f in checked)
