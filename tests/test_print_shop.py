"""Booklets for the print shop (bleed, crop marks, every font embedded) and for the screen
(tagged for screen readers, with the document language): read back with pypdf, pdffonts,
pdfinfo and pdftoppm."""

import io
import re
import subprocess

import pytest
from pypdf import PdfReader
from sqlmodel import select

from assess.db import session
from assess.models import AuditEvent
from tests.helpers import OUTPUT, log_in, make_user, run, submitted
from tests.test_pdf import approve_with_case

A4 = (0.0, 0.0, 595.276, 841.89)  # the trimmed page, in points
BLEED = 3 / 25.4 * 72  # 3 mm = 8.504 pt
NAMES = ["有田テスト陶業", "伊万里テスト農園"]


@pytest.fixture
def two_cases(app, client, round_):
    make_user(app)
    for i, name in enumerate(NAMES):
        approve_with_case(
            app, submitted(client, name=name), f"{name}のモットー", story="祭りを支えています。", position=i
        )
    return round_


def booklet(app, round_, locale="ja", **options) -> bytes:
    with session(app.state.context.engine) as db:
        return app.state.context.printer.booklet(db, [round_.id], locale, **options)[0]


def box(page, name: str) -> tuple[float, ...]:
    return tuple(round(float(v), 3) for v in page[name])


def assert_bleeds(pdf: bytes) -> None:
    """Every page trimmed to A4, its bleed box 3 mm beyond on every side, the media box as large."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 5
    bled = (A4[0] - BLEED, A4[1] - BLEED, A4[2] + BLEED, A4[3] + BLEED)
    for number, page in enumerate(pages, 1):
        trim, bleed, media = box(page, "/TrimBox"), box(page, "/BleedBox"), box(page, "/MediaBox")
        assert trim == A4, (number, trim)
        assert bleed == pytest.approx(bled, abs=0.01), (number, bleed)
        assert media[0] <= bleed[0] < trim[0] and media[3] >= bleed[3] > trim[3], (number, media)


def assert_no_bleed(pdf: bytes) -> None:
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert box(page, "/MediaBox") == A4 and box(page, "/TrimBox") == A4


def fonts_of(path) -> list[str]:
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line for line in rows.splitlines()[2:] if line.strip()]


def corner(path, page: int, x: int = 0, y: int = 0, size: int = 17) -> bytes:
    """Grey pixels of a square of the page at 144 dpi (2 px per point), from the media box's corner."""
    grey = subprocess.run(
        ["pdftoppm", "-gray", "-r", "144", "-f", str(page), "-l", str(page), "-x", str(x), "-y", str(y)]
        + ["-W", str(size), "-H", str(size), "-singlefile", str(path)],
        capture_output=True,
        check=True,
    ).stdout
    return grey[-size * size :]  # after the PGM header


def figure_texts(element) -> list[str]:
    """The alternative text of every Figure in a structure tree."""
    element = element.get_object()
    found = [str(element.get("/Alt", ""))] if element.get("/S") == "/Figure" else []
    kids = element.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid.get_object(), "get"):  # elements, not marked-content ids
            found += figure_texts(kid)
    return found


@pytest.mark.renders
@pytest.mark.parametrize("single", [True, False])
def test_the_print_shop_file_bleeds_has_crop_marks_and_embeds_every_font(app, two_cases, tmp_path, single):
    screen = booklet(app, two_cases, single=single)
    pdf = booklet(app, two_cases, single=single, for_print=True)
    assert_no_bleed(screen)  # rendered first, and cached by parts: the print file is not the screen file
    assert_bleeds(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() or "" for page in reader.pages]
    total = len(pages)
    assert f"2 / {total}" in pages[1] and f"{total} / {total}" in pages[-1]  # page numbers, stamped or not
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    path = tmp_path / "print.pdf"
    path.write_bytes(pdf)
    fonts = fonts_of(path)
    assert fonts and all(row.split()[-5] == "yes" for row in fonts), fonts  # the "emb" column
    # Crop marks: dark strokes in the bleed at the corner of a white page, none on screen.
    assert min(corner(path, 2)) < 100
    screen_path = tmp_path / "screen.pdf"
    screen_path.write_bytes(screen)
    assert min(corner(screen_path, 2, size=8)) > 200
    # The cover's colour runs into the bleed (half way down its left edge).
    assert max(corner(path, 1, x=0, y=842, size=8)) < 150
    OUTPUT.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-l", "2", str(path), str(OUTPUT / "booklet-print")], check=True
    )


@pytest.mark.renders
@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_screen_booklet_is_tagged_for_screen_readers(app, two_cases, tmp_path, locale):
    pdf = booklet(app, two_cases, locale)
    assert pdf.startswith(b"%PDF-1.7")
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert root["/Lang"] == locale and bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    path = tmp_path / "screen.pdf"
    path.write_bytes(pdf)
    tree = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True)
    structure = tree.stdout
    # A screen reader finds each company under its heading, and the goal tiles with their text.
    for name in NAMES:
        assert re.search(rf'H2 \(block\)\s+Span \(inline\)\s+"{name}"', structure), name
    alts = figure_texts(root["/StructTreeRoot"])
    assert len(alts) >= 2 * len(NAMES) and all(alts), alts  # goal tiles and score chart per case study
    assert all(row.split()[-5] == "yes" for row in fonts_of(path))


def test_merged_parts_keep_the_language(app, two_cases):
    root = PdfReader(io.BytesIO(booklet(app, two_cases, "en", single=False))).trailer["/Root"]
    assert root["/Lang"] == "en"


def test_the_command_line_prints_for_the_print_shop(app, two_cases, monkeypatch, settings, tmp_path):
    out = tmp_path / "print.pdf"
    done = run(monkeypatch, settings, "booklet", two_cases.slug, "--for-print", "-o", str(out))
    assert done.exit_code == 0, done.output
    assert "2 case studies" in done.output
    assert_bleeds(out.read_bytes())
    helped = run(monkeypatch, settings, "booklet", "--help")
    assert "--for-print" in helped.output and "bleed" in helped.output


def test_the_staff_page_offers_the_print_shop_file(app, client, two_cases):
    log_in(client)
    page = client.get(f"/staff/rounds/{two_cases.id}").text
    form = re.search(r'<form method="get" action="/staff/rounds/\d+/booklet.pdf".*?</form>', page, re.S)
    assert form and 'type="checkbox" name="for_print" value="1"' in form.group(0)
    printed = client.get(f"/staff/rounds/{two_cases.id}/booklet.pdf?for_print=1")
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert "-print.pdf" in printed.headers["content-disposition"]
    assert_bleeds(printed.content)
    screen = client.get(f"/staff/rounds/{two_cases.id}/booklet.pdf?for_print=yes please")
    assert screen.status_code == 200 and "-print" not in screen.headers["content-disposition"]
    assert_no_bleed(screen.content)
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(screen.content)).trailer["/Root"]
    with session(app.state.context.engine) as db:
        details = [e.detail for e in db.exec(select(AuditEvent).where(AuditEvent.action == "round.booklet"))]
    assert sorted(details) == ["2 case studies, ja", "2 case studies, ja, for the print shop"]
