"""The PDF front end's printer: booklets and feedback reports, as the web and
the command line ask for them (see `assess.services.printing.Printer`)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment
from sqlmodel import Session

from assess.i18n import N_, gettext
from assess.models import Company, Response, Round
from assess.pdf.content import booklet_content, single_case
from assess.pdf.paper import render_paper
from assess.pdf.render import (
    CHUNK_CASES,
    RenderError,
    css_string,
    render_booklet,
    render_case,
    render_html,
    render_single,
    warm_up,
)
from assess.presentation.paper import PaperCover
from assess.presentation.sources import sources_html
from assess.questionnaire.model import Questionnaire
from assess.services.actions import plan_rows
from assess.services.case_studies import included_count
from assess.services.feedback import response_feedback
from assess.services.printing import NothingToPrint, PrintFailed, Progress
from assess.services.progress import progress_for
from assess.services.reporting import peer_comparison
from assess.services.startup import Definitions
from assess.templating import i18n_context, make_environment

SINGLE_BELOW = 8  # small booklets: one document is quicker than starting workers


def print_environment() -> Environment:
    env = make_environment()
    env.filters["css_string"] = css_string
    return env


class PdfPrinter:
    """`photo_store`: the attachment store, where case-study photos are read from."""

    def __init__(
        self, definitions: Definitions, env: Environment | None = None, photo_store: Path | None = None
    ):
        self.definitions = definitions
        self.env = env or print_environment()
        self.photo_store = photo_store

    def booklet(
        self,
        db: Session,
        round_ids: list[int],
        locale: str,
        progress: Progress | None = None,
        single: bool | None = None,
        for_print: bool = False,
    ) -> tuple[bytes, int]:
        """`for_print`: with bleed and crop marks for the print shop; otherwise tagged for
        screen readers when rendered as one document (see docs/printing.md)."""
        if single is False or single is None and included_count(db, round_ids) >= SINGLE_BELOW:
            warm_up()
        booklet = booklet_content(db, round_ids, self.definitions, locale, sources_html())
        booklet.photo_store = self.photo_store
        cases = len(booklet.cases)
        if cases == 0:
            raise NothingToPrint()
        context = i18n_context(locale)
        try:
            if single if single is not None else cases < SINGLE_BELOW:
                pdf = render_single(self.env, context, booklet, for_print)
                if progress:
                    progress(parts_of(cases))
                return pdf, cases
            return render_booklet(self.env, context, booklet, progress, for_print), cases
        except RenderError as exc:
            raise PrintFailed(detail=str(exc)) from None

    def report(self, db: Session, response: Response, locale: str, with_details: bool = False) -> bytes:
        """A few pages an owner reads in minutes; `with_details` adds the per-question appendix."""
        feedback = response_feedback(db, self.definitions, response, locale, medium="print")
        company = db.get(Company, response.company_id) if response.company_id else None
        round_ = db.get(Round, response.round_id)
        questionnaire = self.definitions.registry.get(
            response.questionnaire_id, response.questionnaire_version
        )
        html = self.env.get_template("print/report.html").render(
            {
                **i18n_context(locale),
                "feedback": feedback,
                "company": company,
                "round": round_,
                "organiser": round_.organiser(locale),
                "submitted_on": f"{response.submitted_at:%Y-%m-%d}" if response.submitted_at else "",
                "response": response,
                "title": gettext(locale, N_("Sustainability feedback report")),
                "sources": sources_html(),
                "peers": peer_comparison(db, response, company, tuple(a.id for a in questionnaire.areas)),
                "progress": progress_for(db, self.definitions, response, locale, medium="print"),
                # The company's action plan by due date, for print/_actions.html.
                "actions": plan_rows(db, response.company_id, self.definitions.practices, locale, sort="due"),
                "with_details": with_details,
            }
        )
        return render_html(html, stylesheets=("print.css", "report.css"))[0]

    def case_preview(self, db: Session, response: Response, locale: str) -> bytes:
        """The response's case study as it would print."""
        booklet = single_case(db, response, self.definitions, locale)
        booklet.photo_store = self.photo_store
        return render_case(self.env, i18n_context(locale), booklet)

    def case_overlong(self, db: Session, response: Response, locale: str) -> int:
        """The characters to cut from a case study for it to fit a spread, from its layout's
        estimate (no rendering: the editor shows it on every load)."""
        return single_case(db, response, self.definitions, locale).cases[0]["layout"].over_chars

    def paper(self, questionnaire: Questionnaire, locale: str, cover: PaperCover | None = None) -> bytes:
        return render_paper(self.env, questionnaire, locale, cover)


def parts_of(cases: int) -> int:
    """How many parts a booklet of this many case studies renders in (for progress bars)."""
    return -(-cases // CHUNK_CASES) + 4 if cases >= SINGLE_BELOW else cases + 4
