"""Blank paper questionnaires: one questionnaire version in one language, printed with
WeasyPrint through the same fetcher and print stylesheets as booklets and reports.

For a known invitation the first page carries the company's private link and a QR
code of it, drawn here as inline SVG (segno), so the renderer fetches nothing.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict

import segno
from jinja2 import Environment
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from assess.pdf.render import render_html
from assess.presentation.paper import PaperCover, PaperForm, paper_form
from assess.questionnaire.model import Questionnaire
from assess.templating import i18n_context

TEMPLATE = "print/paper.html"
MAX_LINK = 2000  # characters: a QR code of version 40 holds about this many at level M
QUIET = 4  # modules of light margin around the code, as the standard asks
CACHE_SIZE = 16  # printed forms kept, by the digest of their HTML: blank forms are asked for again
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_LOCK = threading.Lock()  # the web renders in several threads


def qr_svg(link: str) -> Markup:
    """The link as a QR code, an <svg> to embed in the page (its size is set by paper.css).

    Drawn as filled runs of dark modules, row by row: crisp in any renderer. The SVG holds
    only numbers, so nothing of the link needs escaping."""
    if not link or len(link) > MAX_LINK:
        return Markup("")
    code = segno.make(link, error="m", micro=False)
    size = len(code.matrix) + 2 * QUIET
    runs = []
    for y, row in enumerate(code.matrix, QUIET):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + QUIET} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr-code" role="img" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


def paper_html(env: Environment, form: PaperForm, cover: PaperCover | None = None) -> str:
    cover = cover or PaperCover()
    return env.get_template(TEMPLATE).render(
        {**i18n_context(form.locale), "form": form, "cover": cover, "qr": qr_svg(cover.link)}
    )


def render_paper(
    env: Environment, questionnaire: Questionnaire, locale: str, cover: PaperCover | None = None
) -> bytes:
    form = paper_form(questionnaire, locale)
    html = paper_html(env, form, cover)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    with _LOCK:
        if digest in _CACHE:
            _CACHE.move_to_end(digest)
            return _CACHE[digest]
    pdf = render_html(html)[0]
    finished = _finish(pdf, form, cover or PaperCover())
    with _LOCK:
        _CACHE[digest] = finished
        if len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return finished


def _finish(pdf: bytes, form: PaperForm, cover: PaperCover) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    subject = " / ".join(part for part in (cover.round_name, cover.company) if part)
    metadata = {"/Title": form.title, "/Creator": "assess"}
    if subject:
        metadata["/Subject"] = subject
    writer.add_metadata(metadata)
    writer._root_object[NameObject("/Lang")] = TextStringObject(form.locale)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
