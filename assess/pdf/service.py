"""Printing from the web app and the command line: booklets and feedback reports."""

from __future__ import annotations

from typing import Callable

from jinja2 import Environment
from sqlmodel import Session

from assess.charts import area_chart, goal_tiles
from assess.explain import describe
from assess.i18n import N_, gettext
from assess.models import Company, Response, Round
from assess.pdf.content import booklet_content
from assess.pdf.render import css_string, render_booklet, render_html, render_single
from assess.practices import PracticeCatalogue
from assess.questionnaire.registry import Registry
from assess.responses import load_answers
from assess.scoring import score
from assess.web.routes.site import sources_html
from assess.web.templating import i18n_context, make_environment

SINGLE_BELOW = 8  # small booklets: one document is quicker than starting workers


def print_environment() -> Environment:
    env = make_environment()
    env.filters["css_string"] = css_string
    return env


def print_booklet(db: Session, round_ids: list[int], registry: Registry, practices: PracticeCatalogue, locale: str,
                  env: Environment | None = None, progress: Callable[[int], None] | None = None, single: bool | None = None) -> tuple[bytes, int]:
    """The booklet's PDF and the number of case studies in it."""
    env = env or print_environment()
    booklet = booklet_content(db, round_ids, registry, practices, locale, sources_html())
    context = {**i18n_context(locale)}
    cases = len(booklet.cases)
    if single if single is not None else cases < SINGLE_BELOW:
        pdf = render_single(env, context, booklet)
        if progress:
            progress(cases + 4)
        return pdf, cases
    return render_booklet(env, context, booklet, progress), cases


def print_report(db: Session, response: Response, registry: Registry, practices: PracticeCatalogue, locale: str,
                 env: Environment | None = None) -> bytes:
    env = env or print_environment()
    questionnaire = registry.get(response.questionnaire_id, response.questionnaire_version)
    answers = load_answers(db, response.id)
    result = score(questionnaire, answers, practices)
    view = describe(result, questionnaire, practices, answers, locale)
    levels = [{"label": level.label.get(locale), "min": level.min} for level in questionnaire.maturity_levels]
    company = db.get(Company, response.company_id) if response.company_id else None
    html = env.get_template("print/report.html").render({
        **i18n_context(locale), "view": view, "company": company, "round": db.get(Round, response.round_id), "response": response,
        "chart": area_chart([view["overall"], *view["areas"]], levels, gettext(locale, N_("Scores by area")), width=520),
        "tiles": goal_tiles(view["goals"], gettext(locale, N_("Contribution to the 17 SDGs")), columns=9, size=64),
        "title": gettext(locale, N_("Sustainability feedback report")), "sources": sources_html(),
    })
    return render_html(html)[0]
