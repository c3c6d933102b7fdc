"""A 100-company booklet through the real templates.

    .venv/bin/python bench/booklet.py [N]

Fills a temporary SQLite database with N approved, consented case studies,
each with two photos (drawn with Pillow, normalised like any upload), prints
the Japanese booklet (parts in parallel, merged, page numbers stamped),
re-prints it after one case study changed, and renders the same booklet as
one HTML document with WeasyPrint alone in a fresh process for reference.
Last line: `booklet: <seconds> s for <pages> pages, <ratio> of single-process WeasyPrint, peak <MB> MB`.
"""

from __future__ import annotations

import io
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader
from sqlmodel import select

from assess.config import Settings
from assess.db import session
from assess.models import CaseStudy, Response, Round
from assess.pdf.content import booklet_content
from assess.pdf.printer import PdfPrinter, print_environment
from assess.pdf.render import booklet_html, render_html
from assess.presentation.sources import sources_html
from assess.questionnaire.sample import sample_answers
from assess.services import demo_photos
from assess.services.accounts import create_user
from assess.services.attachments import store_of
from assess.services.case_studies import save_case_study
from assess.services.photos import add_photo
from assess.services.responses import save_answers, start_response, submit
from assess.services.review import act
from assess.templating import i18n_context
from assess.vocab import PhotoKind

PHOTOS = 2  # a case study
STORY = (
    "当社は創業以来、地域の皆さまに支えられて事業を続けてきました。地元の祭りや清掃活動に社員が参加し、"
    "小学校の社会科見学も毎年受け入れています。災害時には市と協定を結び、重機と人員を提供する体制を整えています。"
)


def fill(count: int) -> tuple[Settings, int]:
    from assess.app import create_app

    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="assess-booklet-")))
    app = create_app(settings)
    q = app.state.context.definitions.registry.latest("community-sme")
    consent = q.roles["consent.publication"].id
    rng = random.Random(11)
    store = store_of(settings.data_dir)
    with session(app.state.context.engine) as db:
        staff = create_user(db, "bench@example.org", "staff", password="bench password 1")
        round_ = Round(
            slug="bench",
            name_ja="佐賀県 調査 2025",
            name_en="Saga 2025",
            region="佐賀県",
            fiscal_year=2025,
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            organiser_ja="テスト支援機構",
            foreword_ja=STORY * 3,
        )
        db.add(round_)
        db.commit()
        db.refresh(round_)
        for i in range(count):
            response, _ = start_response(db, round_, q, "ja")
            answers = sample_answers(q, rng, skip_optional=0.0)
            answers[consent] = ["motto", "story", "initiatives", "challenges", "support"]
            answers[q.roles["company.name"].id] = f"テスト工業{i + 1:03d}株式会社"
            save_answers(db, response, answers, response.revision, q)
            db.refresh(response)
            submit(db, response, q, app.state.context.definitions.practices, response.revision)
            act(db, response, staff, "approve")
            texts = {
                "motto": f"地域とともに{i + 1}年先を見据えて",
                "story": STORY * 4,
                "initiatives": STORY * 2,
                "challenges": STORY,
                "support": STORY,
            }
            save_case_study(db, response, staff, q, answers, texts, True, i)
            for n in range(PHOTOS):
                picture = io.BytesIO(demo_photos.scene(i * 10 + n))
                add_photo(
                    db, store, response, picture, "photo.jpg", PhotoKind.PHOTO, ("写真", "Photo", ""), True
                )
    return settings, round_.id


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    started = time.perf_counter()
    settings, round_id = fill(count)
    print(f"filled {count} approved case studies in {time.perf_counter() - started:.1f} s")
    from assess.app import create_app

    app = create_app(settings)
    definitions = app.state.context.definitions
    env = print_environment()
    store = store_of(settings.data_dir)
    printer = PdfPrinter(definitions, env, photo_store=store)
    with session(app.state.context.engine) as db:
        started = time.perf_counter()
        pdf, cases = printer.booklet(db, [round_id], "ja", single=False)
        parallel = time.perf_counter() - started
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        from assess.pdf import render

        render._CACHE.clear()  # a second full print: workers already started, as in a running server
        started = time.perf_counter()
        printer.booklet(db, [round_id], "ja", single=False)
        warm = time.perf_counter() - started
        study = db.exec(
            select(CaseStudy).join(Response).where(Response.round_id == round_id).order_by(CaseStudy.position)
        ).first()
        study.story += "（追記）"
        db.add(study)
        db.commit()
        started = time.perf_counter()
        printer.booklet(db, [round_id], "ja", single=False)
        reprint = time.perf_counter() - started
        reprint_ratio = reprint / warm
        booklet = booklet_content(db, [round_id], definitions, "ja", sources_html())
        booklet.photo_store = store
        html = booklet_html(env, {**i18n_context("ja")}, booklet)
    main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as alone:
        started = time.perf_counter()
        single_pdf, single_pages, *_ = alone.submit(render_html, html, (), store).result()
        single = time.perf_counter() - started
    single_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak = main_peak + 2 * worker_peak
    print(f"parallel booklet: {parallel:.1f} s, {pages} pages, {cases} case studies, {len(pdf) / 1e6:.1f} MB")
    print(
        f"second full print, workers running: {warm:.1f} s ({warm / single:.2f} of single-process WeasyPrint)"
    )
    print(
        f"re-print after one case study changed: {reprint:.1f} s ({reprint_ratio:.2f} of a full print with "
        f"running workers, {reprint / parallel:.2f} of the first)"
    )
    print(
        f"single-process WeasyPrint, same booklet as one document: {single:.1f} s, {single_pages} pages, "
        f"peak {single_peak:.0f} MB"
    )
    print(f"memory: main process {main_peak:.0f} MB + 2 workers at most {worker_peak:.0f} MB each")
    print(
        f"booklet: {parallel:.1f} s for {pages} pages, {parallel / single:.2f} of single-process "
        f"WeasyPrint, peak {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
