"""Case studies of many lengths, in both languages, each on one page or a two-page spread with
no page under 60 % filled (the last page of a spread excepted), measured from the rendered
pixels; spreads open on a left-hand page."""

import io
import re
import secrets
import subprocess
from pathlib import Path

import pytest
from markupsafe import Markup
from PIL import Image
from pypdf import PdfReader

from assess.pdf.content import Booklet, in_print_order, laid_out
from assess.pdf.printer import print_environment
from assess.pdf.render import render_single
from assess.presentation.case_layout import MIN_FILL
from assess.presentation.charts import area_chart, goal_tiles
from assess.templating import i18n_context

pytestmark = pytest.mark.own_database  # no database: runs once, in the SQLite run
OUT = Path(__file__).resolve().parent.parent / "test-output"
JA = (
    "当社は創業以来、地域の皆さまに支えられて事業を続けてきました。"
    "地元の祭りや清掃活動に社員が参加し、小学校の社会科見学も毎年受け入れています。"
)
EN = (
    "Since its founding the company has relied on the support of the local community. Staff take "
    "part in the festival and the clean-ups, and every year it welcomes visits from primary schools. "
)
# (characters of story, photos as (width, height)): empty, one paragraph, long, the longest that fits
LENGTHS = [
    (0, []),
    (0, [(1200, 800)]),
    (250, [(1200, 800), (800, 800)]),
    (700, [(900, 1200)]),
    (1500, [(1200, 800), (1200, 800), (800, 1000)]),
    (2300, []),
]


def _photo(store: Path, size, colour) -> dict:
    key = f"1/{secrets.token_hex(16)}"
    (store / "1").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(store / key, format="JPEG")
    return {"url": f"assess-photo:/{key}", "aspect": size[0] / size[1], "caption": "写真", "credit": ""}


def _case(n: int, locale: str, length: int, photos: list, store: Path) -> dict:
    base = JA if locale == "ja" else EN
    length = length if locale == "ja" else length * 2
    text = (base * (length // len(base) + 1))[:length]
    story = "\n".join(text[i : i + 280] for i in range(0, len(text), 280))
    goals = [{"number": g, "short": "住み続けられるまちづくりを", "color": "#f99d26"} for g in (11, 8, 12, 7)]
    rows = [
        {"label": a, "score": s} for a, s in (("地域", 70.0), ("環境", 40.0), ("人", 55.0), ("経営", 80.0))
    ]
    case = {
        "key": n,
        "number": n,
        "company": f"テスト{n}株式会社",
        "motto": "地域とともに百年先へ",
        "location": "佐賀県 有田町",
        "industry": "製造業",
        "employees": "21〜50人",
        "founded": "1902",
        "sections": ([("地域とのつながり", story)] if story else []) + [("取り組み", base[:90])],
        "tiles": goal_tiles(goals, "goals", columns=5, size=72, in_order=True),
        "goals": len(goals),
        "reasons": [base[:75]] * len(goals),
        "targets": [{"code": "11.3", "text": base[:100]}] * 3,
        "chart": area_chart(rows, [{"label": "a", "min": 0}, {"label": "b", "min": 50}], "chart", width=520),
        "chart_rows": len(rows),
        "digest": "",
        "actions": [],
        "logo": None,
        "photos": [_photo(store, size, ("red", "teal", "orange")[i]) for i, size in enumerate(photos)],
    }
    return laid_out(case)


def _fills(pdf: bytes, folder: Path, name: str) -> list[float]:
    """Each page's fill: how far down its content area the lowest ink reaches."""
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(folder / f"{name}.pdf"), str(folder / name)], check=True
    )
    fills = []
    for path in sorted(folder.glob(f"{name}-*.png")):
        image = Image.open(path).convert("L")
        width, height = image.size
        top, bottom = round(height * 22 / 297), round(height * 277 / 297)
        left, right = round(width * 18 / 210), round(width * 192 / 210)
        pixels, last = image.load(), top
        for y in range(top, bottom):
            if any(pixels[x, y] < 230 for x in range(left, right, 2)):
                last = y
        fills.append((last - top) / (bottom - top))
    return fills


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_case_study_is_a_full_page_or_a_spread(locale, tmp_path):
    store = tmp_path / "store"
    cases = [_case(n, locale, length, photos, store) for n, (length, photos) in enumerate(LENGTHS, 1)]
    regions = in_print_order([{"name": "R", "index": 0, "cases": cases}])
    booklet = Booklet("T", "S", "R", "", "", "", "", Markup(""), regions)
    booklet.photo_store = store
    pdf = render_single(print_environment(), i18n_context(locale), booklet)
    reader = PdfReader(io.BytesIO(pdf))
    label = re.compile(r"事例 ?#(\d+)|Case Study #(\d+)")
    starts = {}
    for index, page in enumerate(reader.pages):
        found = label.search(page.extract_text() or "")
        if (
            found
            and "Contents" not in (page.extract_text() or "")
            and "目次" not in (page.extract_text() or "")
        ):
            starts.setdefault(int(found.group(1) or found.group(2)), index)
    fills = _fills(pdf, tmp_path, locale)
    ends = sorted(starts.values()) + [len(reader.pages) - 1]  # the closing page ends the last
    spans = {n: (s, ends[ends.index(s) + 1]) for n, s in starts.items()}
    assert sorted(spans) == list(range(1, len(LENGTHS) + 1))
    report = []
    for case in booklet.cases:
        start, end = spans[case["number"]]
        pages = fills[start:end]
        report.append((case["number"], [round(f, 2) for f in pages]))
        assert len(pages) == case["layout"].pages in (1, 2), report
        # Every page filled, but for the second page of a spread whose text runs on.
        full = pages if len(pages) == 1 or case["layout"].balanced else pages[:1]
        assert all(f >= MIN_FILL for f in full), report
        if len(pages) == 2:
            assert start % 2 == 1, report  # index 1 is page 2: a left-hand page
    sheet = [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob(f"{locale}-*.png"))]
    w, h = sheet[0].size
    out = Image.new("RGB", (w * len(sheet), h), "grey")
    for i, page in enumerate(sheet):
        out.paste(page, (i * w, 0))
    OUT.mkdir(exist_ok=True)
    out.save(OUT / f"booklet-fit-{locale}.png")
