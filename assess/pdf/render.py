"""Rendering booklets and reports with WeasyPrint.

A booklet is rendered in parts in parallel worker processes: the cover and
foreword, the contents, the findings chapter, chunks of case studies with
their region dividers, and a closing page. The parts are merged with pypdf
and given their page numbers "n / N" by stamping a footer layer: page
counters and target-counter do not cross separately rendered documents, so
the contents get literal page numbers computed from the parts. Parts are
cached by the digest of their HTML, so re-printing after one case study
changed renders only that part. `render_single` renders the same booklet as
one document (CSS counters and target-counter), for small booklets and as
the benchmark's reference.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

from assess.pdf.content import Booklet, refit
from assess.pdf.fetcher import StaticFetcher

SECTIONS = ("case-", "region-", "closing")  # ids of what starts a new page in a booklet
FRONT = ("opening", "toc-draft", "findings")  # the front matter's parts, in order
PART_TIMEOUT = 120  # seconds for one part; a stuck part fails the booklet with its name
WORKERS = max(1, min(2, os.cpu_count() or 1))
# Case studies per separately rendered part: fewer parts repeat fewer fonts and
# start-up costs; smaller ones re-render less when one case study changes.
CHUNK_CASES = 10
# A part's digest → its PDF, page count, anchors' pages and pages' fill (see render_html).
_CACHE: OrderedDict[str, tuple[bytes, int, dict, list]] = OrderedDict()
CACHE_SIZE = 2000
_POOL: ProcessPoolExecutor | None = None
# Screen output is tagged for screen readers (structure tree, alt texts, /Lang, title shown).
TAGGED = "pdf/ua-1"
# Added to every part of a booklet for the print shop: bleed and crop marks.
PRINT_SHOP = ("print-shop.css",)


class RenderError(Exception):
    """A part could not be rendered; says which."""


def css_string(value: str) -> Markup:
    """A CSS string literal: every ASCII character but letters and digits escaped,
    so it is safe inside <style> (hence Markup, not HTML-escaped again)."""
    return Markup(
        '"' + "".join(c if not c.isascii() or c.isalnum() else f"\\{ord(c):x} " for c in str(value)) + '"'
    )


# --- in worker processes -------------------------------------------------------------

_FONTS = None


_STYLESHEETS: dict[str, object] = {}


def _fonts():
    global _FONTS
    from weasyprint.text.fonts import FontConfiguration

    if _FONTS is None:
        _FONTS = FontConfiguration()  # reused: font discovery is a large part of a small render
    return _FONTS


def _stylesheet(name: str):
    """A print stylesheet of assess/static/print, parsed once per process."""
    from weasyprint import CSS

    if name not in _STYLESHEETS:
        _STYLESHEETS[name] = CSS(
            url=f"assess-static:/print/{name}", url_fetcher=StaticFetcher(), font_config=_fonts()
        )
    return _STYLESHEETS[name]


def render_html(
    html: str, stylesheets: tuple[str, ...] = (), photo_store: Path | None = None, variant: str | None = None
) -> tuple[bytes, int, dict[str, int], list[float]]:
    """PDF bytes, page count, the page index of each anchor and how full each page is (runs in
    a worker).
    `stylesheets` (names in static/print) are parsed once and kept; a document may also
    link its own. `photo_store`: where case-study photos are read from (see pdf.fetcher).
    `variant`: WeasyPrint's PDF variant, e.g. TAGGED."""
    from weasyprint import HTML

    fetcher = StaticFetcher(photo_store)
    document = HTML(string=html, base_url="assess-static:/", url_fetcher=fetcher).render(
        font_config=_fonts(), stylesheets=[_stylesheet(name) for name in stylesheets]
    )
    anchors = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    fills = [_fill(page._page_box) for page in document.pages]
    return document.write_pdf(pdf_variant=variant), len(document.pages), anchors, fills


def _fill(page_box) -> float:
    """How far down its content area a page's last line or picture reaches, 0 to 1."""
    top, height = page_box.content_box_y(), page_box.height
    bottom = top
    stack = [child for child in page_box.children if type(child).__name__ != "MarginBox"]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", None)
        if type(box).__name__ == "LineBox" or not children:
            if getattr(box, "element_tag", None) not in (None, "html", "body", "section"):
                bottom = max(bottom, box.position_y + box.margin_height())
        else:
            stack.extend(children)
    return max(0.0, min(1.0, (bottom - top) / height)) if height else 0.0


def _pool() -> ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        import multiprocessing

        # spawn, not fork: the web server has threads, and a forked child inherits their locks.
        _POOL = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"))
    return _POOL


def _ready() -> None:
    """In a worker: load the fonts before the first part arrives."""
    _fonts()


def warm_up() -> None:
    """Start the workers, and have them load their fonts, while the booklet is being gathered:
    a worker's start-up is otherwise the first part's wait. Returns at once."""
    if _POOL is None:
        for _ in range(WORKERS):
            _pool().submit(_ready)


def _digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def start_parts(
    htmls: dict[object, str], photo_store: Path | None = None, stylesheets: tuple[str, ...] = ()
) -> dict[object, tuple[str, object]]:
    """Begin rendering: a cached result, or a future from the worker pool, per part. A part's
    HTML names each photo with its digest, so the cache key covers the photos too; it covers
    the added `stylesheets` as well (a print-shop part is not the screen part)."""
    started = {}
    for key, html in htmls.items():
        digest = _digest("\n".join((html, *stylesheets)))
        if digest in _CACHE:
            _CACHE.move_to_end(digest)
            started[key] = (digest, _CACHE[digest])
        else:
            started[key] = (digest, _pool().submit(render_html, html, stylesheets, photo_store))
    return started


def finish_parts(
    started: dict, names: dict[object, str], progress: Callable[[int], None] | None = None
) -> dict[object, tuple[bytes, int, dict, list]]:
    out = {}
    for key, (digest, pending) in started.items():
        if isinstance(pending, tuple):
            out[key] = pending
        else:
            try:
                out[key] = pending.result(timeout=PART_TIMEOUT)
            except FutureTimeout:
                raise RenderError(
                    f"{names.get(key, key)}: rendering took longer than {PART_TIMEOUT} s"
                ) from None
            except Exception as exc:  # the worker's error, with the part it belongs to
                raise RenderError(f"{names.get(key, key)}: {exc}") from None
            _CACHE[digest] = out[key]
            if len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        if progress:
            progress(1)
    return out


# --- booklets ---------------------------------------------------------------------------

REFITS = 2  # times a booklet's case studies are laid out again after a print missed the plan


def case_fills(anchors: dict[str, int], fills: list[float], pages: int) -> dict[int, list[float]]:
    """The fill of each page of each case study of a rendered document or part: a case's pages
    run from its anchor to the next case, region divider or closing page."""
    starts = sorted((index, name) for name, index in anchors.items() if name.startswith(SECTIONS))
    out = {}
    for i, (index, name) in enumerate(starts):
        if name.startswith("case-"):
            end = starts[i + 1][0] if i + 1 < len(starts) else pages
            out[int(name[5:])] = fills[index:end]
    return out


def booklet_html(
    env: Environment,
    context: dict,
    booklet: Booklet,
    part=None,
    pages: dict | None = None,
    keys=(),
) -> str:
    return env.get_template("print/booklet.html").render(
        {**context, "b": booklet, "part": part, "pages": pages or {}, "keys": list(keys)}
    )


def render_single(env: Environment, context: dict, booklet: Booklet, for_print: bool = False) -> bytes:
    """One document: tagged for the screen; for the print shop with bleed and crop marks instead."""
    for _ in range(REFITS + 1):
        pdf, pages, anchors, fills = render_html(
            booklet_html(env, context, booklet),
            stylesheets=PRINT_SHOP if for_print else (),
            photo_store=booklet.photo_store,
            variant=None if for_print else TAGGED,
        )
        if not refit(booklet, case_fills(anchors, fills, pages)):
            break
    return _finish(PdfReader(io.BytesIO(pdf)), booklet, context["locale"], [], stamp=None)


def render_case(env: Environment, context: dict, booklet: Booklet) -> bytes:
    """A booklet's case studies alone, laid out as in the booklet (the editor's preview)."""
    keys = [("case", c["number"]) for c in booklet.cases]
    for _ in range(REFITS + 1):
        html = booklet_html(env, context, booklet, part="chunk", keys=keys)
        pdf, pages, anchors, fills = render_html(html, photo_store=booklet.photo_store)
        if not refit(booklet, case_fills(anchors, fills, pages)):
            break
    return pdf


def render_booklet(
    env: Environment,
    context: dict,
    booklet: Booklet,
    progress: Callable[[int], None] | None = None,
    for_print: bool = False,
) -> bytes:
    """In parts, merged: untagged, since pypdf drops each part's structure tree when merging.
    `for_print`: every part, the page-number layer too, gets the print-shop bleed."""
    sheets = PRINT_SHOP if for_print else ()
    for _ in range(REFITS + 1):
        chunks, parts = _render_body(env, context, booklet, progress, sheets)
        measured = {}
        for i in range(len(chunks)):
            measured.update(case_fills(parts[i][2], parts[i][3], parts[i][1]))
        if not refit(booklet, measured):
            break
    front = [parts[name][1] for name in FRONT]  # pages of the opening, the contents, the findings
    # An even number of front pages, so that the body opens on a right-hand page and the
    # spreads content.py arranged open on left-hand ones: an odd front gets a blank verso.
    pad = sum(front) % 2 == 1
    page = sum(front) + pad + 1
    starts: dict = {"findings": front[0] + front[1] + 1}
    for i in range(len(chunks)):
        for name, index in parts[i][2].items():
            if name.startswith("case-"):
                starts[int(name[5:])] = page + index
        page += parts[i][1]
    total = page - 1 + parts["closing"][1]
    # The contents with their page numbers and the page-number layer render in the workers
    # while the parts are merged here.
    toc_html = booklet_html(env, context, booklet, part="toc", pages=starts)
    last = start_parts({"toc": toc_html, "footer": _footer_html(total)}, stylesheets=sheets)
    writer = PdfWriter()
    for part in [parts["opening"]] + [parts[i] for i in range(len(chunks))] + [parts["closing"]]:
        writer.append(PdfReader(io.BytesIO(part[0])), import_outline=False)
    done = finish_parts(last, {"toc": "contents", "footer": "page numbers"}, progress)
    after_toc = front[0] + front[1]
    writer.merge(front[0], PdfReader(io.BytesIO(done["toc"][0])), import_outline=False)
    writer.merge(after_toc, PdfReader(io.BytesIO(parts["findings"][0])), import_outline=False)
    if pad:
        _blank_verso(writer, sum(front))
    outline = [(c["number"], c["company"], starts[c["number"]] - 1) for c in booklet.cases]
    return _finish(
        writer, booklet, context["locale"], outline, stamp=PdfReader(io.BytesIO(done["footer"][0]))
    )


def _blank_verso(writer: PdfWriter, index: int) -> None:
    """A blank page at `index`, with the same boxes as the cover (print-shop bleed included)."""
    cover = writer.pages[0]
    writer.insert_blank_page(width=cover.mediabox.width, height=cover.mediabox.height, index=index)
    blank = writer.pages[index]
    for name in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox", "/ArtBox"):
        if name in cover:
            blank[NameObject(name)] = ArrayObject(FloatObject(v) for v in cover[name])


def _chunks(booklet: Booklet) -> list[list]:
    """The booklet's body in parts of CHUNK_CASES case studies, a region's divider with its first."""
    chunks: list[list] = []
    for region in booklet.regions_list:
        items = [("divider", region["index"])] + [("case", c["number"]) for c in region["cases"]]
        while items:
            take = CHUNK_CASES + (1 if items[0][0] == "divider" else 0)
            chunks.append(items[:take])
            items = items[take:]
    return chunks


def _render_body(env, context, booklet: Booklet, progress, sheets) -> tuple[list[list], dict]:
    """Every part rendered (from the cache when unchanged), the front matter in draft."""
    chunks = _chunks(booklet)
    names = {}
    for i, chunk in enumerate(chunks):
        companies = [c["company"] for c in booklet.cases if ("case", c["number"]) in chunk]
        names[i] = (
            "case studies "
            + ", ".join(f"#{k[1]}" for k in chunk if k[0] == "case")
            + f" ({', '.join(companies)})"
        )
    # The front first, so that its largest part (the findings' charts) is not the last to finish.
    # The contents' length does not depend on its page numbers: a draft gives it.
    provisional = {"findings": 999, **{c["number"]: 999 for c in booklet.cases}}
    htmls: dict[object, str] = {
        "findings": booklet_html(env, context, booklet, part="findings"),
        "opening": booklet_html(env, context, booklet, part="opening"),
        "toc-draft": booklet_html(env, context, booklet, part="toc", pages=provisional),
    }
    for i, chunk in enumerate(chunks):
        htmls[i] = booklet_html(env, context, booklet, part="chunk", keys=chunk)
    htmls["closing"] = booklet_html(env, context, booklet, part="closing")
    started = start_parts(htmls, booklet.photo_store, sheets)
    # Waited for in reading order: a part that fails is named before those after it.
    order = [*range(len(chunks)), "closing", *FRONT]
    labels = {**names, "closing": "closing page", "opening": "cover", "toc-draft": "contents"}
    parts = finish_parts({key: started[key] for key in order}, {**labels, "findings": "findings"}, progress)
    return chunks, parts


def _footer_html(total: int) -> str:
    pages = "".join('<div class="p"></div>' for _ in range(total))
    return (
        "<!doctype html><html><head><style>"
        '@page { size: A4; margin: 22mm 18mm 20mm 18mm; @bottom-center { content: counter(page) " / " '
        "counter(pages);"
        " font-family: 'Noto Sans CJK JP', sans-serif; font-size: 8pt; color: #5a6570; } }"
        "@page :first { @bottom-center { content: none; } }"
        # With the print-shop bleed, the parts draw the crop marks already.
        "@page { marks: none; }"
        ".p { break-after: page; height: 1px; }</style></head><body>" + pages + "</body></html>"
    )


def _finish(source, booklet: Booklet, locale: str, outline: list, stamp: PdfReader | None) -> bytes:
    writer = source if isinstance(source, PdfWriter) else PdfWriter(clone_from=source)
    if stamp is not None:
        for page, layer in zip(writer.pages, stamp.pages, strict=True):
            page.merge_page(layer)
    for number, company, index in outline:
        writer.add_outline_item(title=f"#{number} {company}", page_number=index)
    writer.add_metadata({"/Title": booklet.title, "/Subject": booklet.rounds, "/Creator": "assess"})
    writer._root_object[NameObject("/Lang")] = TextStringObject(locale)
    # pypdf would write its own default, PDF 1.3; the parts are WeasyPrint's 1.7 (PDF/UA-1 needs it).
    writer.pdf_header = b"%PDF-1.7"
    for page in writer.pages:
        page.compress_content_streams()
    # Parts repeat their font subsets; keep one copy of identical objects.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
