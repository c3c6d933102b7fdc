"""Review, submit and results pages of a response, and its feedback report."""

from __future__ import annotations

from fastapi import Request

from assess.db import retry_locked
from assess.models import Round
from assess.presentation.answers import review_sections
from assess.services.carry import carried_questions, unconfirmed
from assess.services.directory import change_consent, publication_of
from assess.services.errors import (
    CarriedUnconfirmed,
    Conflict,
    Locked,
    MissingAnswers,
    RoundClosed,
    message_for,
)
from assess.services.feedback import response_feedback
from assess.services.interviews import staff_entered
from assess.services.progress import progress_for
from assess.services.responses import load_answers, submit
from assess.services.review import open_comments
from assess.vocab import EDITABLE, RoundStatus
from assess.web.csrf import FormRouter
from assess.web.deps import BaseUrlDep, DbDep, DefinitionsDep, FormDep, LocaleDep, PrinterDep, on_db
from assess.web.rendering import attachment, private, redirect, render
from assess.web.respondents import respondent, response_locale, revision_of, survey_context

router = FormRouter()


@router.get("/s/{token}/review")
@on_db
def review(
    request: Request,
    token: str,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
    base_url: BaseUrlDep,
):
    response, questionnaire = respondent(db, definitions.registry, token)
    locale = response_locale(request, response)
    answers = load_answers(db, response.id)
    sections = review_sections(questionnaire, answers, locale)
    # Carried answers still to confirm, by section: the page links to each.
    to_confirm: dict[str, int] = {}
    for q in unconfirmed(questionnaire, answers, carried_questions(db, response.id)):
        to_confirm[q.section_id] = to_confirm.get(q.section_id, 0) + 1
    context = survey_context(base_url, token, response, questionnaire, locale, open_comments(db, response))
    closed = db.get(Round, response.round_id).status != RoundStatus.OPEN
    context.update(
        {
            "review": sections,
            "missing": sum(s["missing"] for s in sections),
            "to_confirm": to_confirm if response.status in EDITABLE else {},
            "message_for_carried": message_for(CarriedUnconfirmed.code, locale),
            "editable": response.status in EDITABLE and not closed,
            # Why nothing can be changed: said on the page, the answers stay visible.
            "closed": message_for(RoundClosed.code, locale) if closed and response.status in EDITABLE else "",
            "notice": request.query_params.get("n", ""),
            "entered": staff_entered(db, response.id),  # answers the organiser's staff entered
        }
    )
    return private(render(request, "survey/review.html", context))


@router.post("/s/{token}/submit")
@on_db
def do_submit(token: str, form: FormDep, db: DbDep, definitions: DefinitionsDep):
    response, questionnaire = respondent(db, definitions.registry, token)
    try:
        retry_locked(lambda: submit(db, response, questionnaire, definitions.practices, revision_of(form)))
    except MissingAnswers:
        return redirect(f"/s/{token}/review?n=missing")
    except CarriedUnconfirmed:
        return redirect(f"/s/{token}/review?n=carried")
    except Conflict:
        return redirect(f"/s/{token}/review?n=conflict")
    except RoundClosed:
        return redirect(f"/s/{token}/review")
    except Locked:
        pass  # already submitted: show the results
    return redirect(f"/s/{token}/results")


@router.get("/s/{token}/results")
@on_db
def results(
    request: Request,
    token: str,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
    base_url: BaseUrlDep,
):
    response, questionnaire = respondent(db, definitions.registry, token)
    locale = response_locale(request, response)
    if response.status in EDITABLE:
        return private(redirect(f"/s/{token}/review"))
    context = survey_context(base_url, token, response, questionnaire, locale, [])
    context["feedback"] = response_feedback(db, definitions, response, locale)
    context["round_name"] = db.get(Round, response.round_id).name(locale)
    context["progress"] = progress_for(db, definitions, response, locale)
    context["publication"] = publication_of(
        db, response, questionnaire, load_answers(db, response.id), definitions.registry
    )
    context["publication_notice"] = request.query_params.get("n", "") if context["publication"] else ""
    context["base_url"] = base_url
    return private(render(request, "survey/results.html", context))


@router.post("/s/{token}/publication")
@on_db
def publication(token: str, form: FormDep, db: DbDep, definitions: DefinitionsDep):
    """The company withdraws its consent to publish its case study, or gives it again."""
    response, questionnaire = respondent(db, definitions.registry, token)
    if response.status in EDITABLE:
        return redirect(f"/s/{token}/review")
    action = form.get("action")
    if action not in ("withdraw", "give"):
        return redirect(f"/s/{token}/results#publication")
    changed = retry_locked(lambda: change_consent(db, response, questionnaire, action == "withdraw"))
    notice = ("?n=withdrawn" if action == "withdraw" else "?n=given") if changed else ""
    return redirect(f"/s/{token}/results{notice}#publication")


@router.get("/s/{token}/report.pdf")
def company_report(
    request: Request,
    token: str,
    db: DbDep,
    definitions: DefinitionsDep,
    printer: PrinterDep,
    locale: LocaleDep,
):
    response, _ = respondent(db, definitions.registry, token)
    locale = response_locale(request, response)
    if response.status in EDITABLE:
        return private(redirect(f"/s/{token}/review"))
    details = request.query_params.get("details") == "1"
    pdf = printer.report(db, response, locale, with_details=details)
    return private(attachment(pdf, "application/pdf", "feedback-report.pdf"))
