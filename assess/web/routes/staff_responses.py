"""Staff: the list of responses, one response in detail, the review workflow
and the case-study text for the booklet."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import Response as HttpResponse

from assess.i18n import gettext
from assess.models import Company, Response, Round
from assess.presentation.answers import review_sections
from assess.presentation.explain import maturity_levels
from assess.presentation.labels import STEP_BUTTONS, profile_labels
from assess.questionnaire.model import NARRATIVE_KEYS
from assess.services.actions import plan_rows
from assess.services.attachments import requested_documents
from assess.services.case_studies import (
    case_study,
    company_narrative,
    consented,
    save_case_study,
    set_withdrawn,
)
from assess.services.companies import similar_companies
from assess.services.errors import ConsentMissing, DomainError, NotAllowed, message_for
from assess.services.feedback import questionnaire_of, response_feedback
from assess.services.history import changes_view
from assess.services.inputs import small_int
from assess.services.interviews import company_token, staff_entered
from assess.services.reporting import Filters, filter_choices, list_responses, peer_comparison
from assess.services.responses import load_answers
from assess.services.review import act, add_note, history, steps_for
from assess.services.rounds import list_rounds
from assess.vocab import EDITABLE, ResponseStatus
from assess.web.csrf import FormRouter
from assess.web.deps import (
    ContextDep,
    DbDep,
    DefinitionsDep,
    FormDep,
    LocaleDep,
    PrinterDep,
    RowId,
    StaffDep,
    context_of,
)
from assess.web.evidence import staff_evidence
from assess.web.photo_views import photo_panel
from assess.web.rendering import attachment, redirect, render

router = FormRouter()
LIST_QUESTIONNAIRE = "community-sme"  # its areas and levels label the list's columns and filters


@router.get("/staff")
def staff_home(staff: StaffDep):
    return redirect("/staff/responses")


@router.get("/staff/responses")
def responses(request: Request, staff: StaffDep, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep):
    registry = definitions.registry
    known = {q.id for q in registry.all()}
    questionnaire = registry.latest(
        LIST_QUESTIONNAIRE if LIST_QUESTIONNAIRE in known else registry.all()[0].id
    )
    area_ids = tuple(a.id for a in questionnaire.areas)
    query = request.query_params
    f = Filters.from_query(query)
    params = {k: v for k, v in query.items() if k != "page"}
    return render(
        request,
        "staff/responses.html",
        {
            "listing": list_responses(db, f, area_ids),
            "filters": f,
            "rounds": list_rounds(db),
            "choices": filter_choices(db),
            "names": profile_labels(registry.all(), locale),
            "statuses": list(ResponseStatus),
            "levels": [(level["id"], level["label"]) for level in maturity_levels(questionnaire, locale)],
            "areas": [(a.id, a.label.get(locale)) for a in questionnaire.areas],
            "page_link": lambda n: "?" + urlencode({**params, "page": n}),
            "sort_link": lambda key: (
                "?"
                + urlencode(
                    {**params, "sort": key, "dir": "asc" if f.sort == key and f.descending else "desc"}
                )
            ),
        },
    )


def _response(db, response_id: int) -> Response:
    response = db.get(Response, response_id)
    if response is None:
        raise HTTPException(404)
    return response


@router.get("/staff/responses/{response_id}")
def detail(
    request: Request,
    response_id: RowId,
    staff: StaffDep,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
    context: ContextDep,
):
    response = _response(db, response_id)
    questionnaire = questionnaire_of(definitions, response)
    answers = load_answers(db, response.id)
    company = db.get(Company, response.company_id) if response.company_id else None
    steps = steps_for(response.status)
    return render(
        request,
        "staff/response.html",
        {
            "response": response,
            "company": company,
            "round": db.get(Round, response.round_id),
            "feedback": response_feedback(db, definitions, response, locale),
            "review": review_sections(questionnaire, answers, locale),
            "events": history(db, response.id, internal=True),
            "changes": changes_view(db, response, questionnaire, definitions.practices, locale),
            "actions": steps,
            "step_names": {a: gettext(locale, STEP_BUTTONS[a]) for a in steps},
            "peers": peer_comparison(db, response, company, tuple(a.id for a in questionnaire.areas))
            if response.submitted_at
            else None,
            "consent": consented(questionnaire, answers),
            "error": message_for(request.query_params.get("e", ""), locale),
            # Records that may be this company already (it started through an open round).
            "same_as": similar_companies(db, company) if company else [],
            # Interview mode: only an invited company's editable response (services.interviews).
            "interview": {
                "possible": company_token(db, response, context.secret) is not None,
                "editable": response.status in EDITABLE,
            },
            "entered": staff_entered(db, response.id),
            "evidence": staff_evidence(db, response, questionnaire, locale),
            "notice": request.query_params.get("n", ""),
            "plan_actions": (
                plan_rows(db, company.id, definitions.practices, locale, sort="due") if company else []
            ),
        },
    )


@router.post("/staff/responses/{response_id}/action")
def do_action(response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep, definitions: DefinitionsDep):
    response = _response(db, response_id)
    try:
        documents = requested_documents(
            questionnaire_of(definitions, response),
            [v for v in form.getlist("document") if isinstance(v, str)],
            str(form.get("document_note", "")),
        )
        act(db, response, staff, str(form.get("action", "")), str(form.get("comment", "")), documents)
    except DomainError as exc:
        return redirect(f"/staff/responses/{response_id}?e={exc.code}")
    return redirect(f"/staff/responses/{response_id}")


@router.post("/staff/responses/{response_id}/note")
def note(response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    try:
        add_note(db, _response(db, response_id), staff, str(form.get("note", "")))
    except DomainError as exc:
        return redirect(f"/staff/responses/{response_id}?e={exc.code}")
    return redirect(f"/staff/responses/{response_id}#history")


def case_page(request, db, response, questionnaire, answers, study, error: str = "", status=200):
    printer, locale = context_of(request).printer, request.state.locale
    return render(
        request,
        "staff/case_study.html",
        {
            "response": response,
            "study": study,
            "original": company_narrative(questionnaire, answers),
            "consent": consented(questionnaire, answers),
            "keys": NARRATIVE_KEYS,
            "error": error,
            "company": db.get(Company, response.company_id) if response.company_id else None,
            "photos": photo_panel(request, db, response, f"/staff/responses/{response.id}/photos"),
            "overlong": printer.case_overlong(db, response, locale),
            "preview_version": f"{study.updated_at:%Y%m%d%H%M%S%f}" if study.updated_at else "",
        },
        status,
    )


@router.get("/staff/responses/{response_id}/case-study")
def case_form(request: Request, response_id: RowId, staff: StaffDep, db: DbDep, definitions: DefinitionsDep):
    response = _response(db, response_id)
    questionnaire, answers = questionnaire_of(definitions, response), load_answers(db, response.id)
    return case_page(
        request, db, response, questionnaire, answers, case_study(db, response, questionnaire, answers)
    )


@router.post("/staff/responses/{response_id}/case-study")
def case_save(
    request: Request,
    response_id: RowId,
    staff: StaffDep,
    form: FormDep,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
):
    response = _response(db, response_id)
    questionnaire, answers = questionnaire_of(definitions, response), load_answers(db, response.id)
    texts = {key: str(form.get(key, "")) for key in NARRATIVE_KEYS}
    position = str(form.get("position", "")).strip()
    included = form.get("included") == "1"
    order = small_int(position, max_digits=6) or 0
    try:
        save_case_study(db, response, staff, questionnaire, answers, texts, included, order)
    except (ConsentMissing, NotAllowed) as exc:
        study = case_study(db, response, questionnaire, answers)
        for key, value in texts.items():
            setattr(study, key, value)  # keep what was typed on the page
        return case_page(request, db, response, questionnaire, answers, study, exc.text(locale), 400)
    return redirect(f"/staff/responses/{response_id}/case-study?saved=1")


@router.post("/staff/responses/{response_id}/case-study/consent")
def case_consent(response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep, definitions: DefinitionsDep):
    """Staff record what the company told them: it withdraws its consent to publish, or gives it
    again (the company can do either itself on its results page)."""
    response = _response(db, response_id)
    action = form.get("action")
    if action not in ("withdraw", "give"):  # a form without the choice changes nothing
        return redirect(f"/staff/responses/{response_id}/case-study")
    questionnaire, answers = questionnaire_of(definitions, response), load_answers(db, response.id)
    withdrawn = action == "withdraw"
    set_withdrawn(db, response, questionnaire, answers, withdrawn, actor=staff.email)
    return redirect(
        f"/staff/responses/{response_id}/case-study?consent={'withdrawn' if withdrawn else 'given'}"
    )


@router.get("/staff/responses/{response_id}/case-study/preview.pdf")
def case_preview(response_id: RowId, staff: StaffDep, db: DbDep, printer: PrinterDep, locale: LocaleDep):
    """The case study's pages as they will print, shown inside the editor's frame."""
    pdf = printer.case_preview(db, _response(db, response_id), locale)
    return HttpResponse(
        pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": 'inline; filename="case-study-preview.pdf"',
            "cache-control": "no-store",
            "x-frame-options": "SAMEORIGIN",
            "content-security-policy": "default-src 'none'; frame-ancestors 'self'",
        },
    )


@router.get("/staff/responses/{response_id}/report.pdf")
def staff_report(
    request: Request, response_id: RowId, staff: StaffDep, db: DbDep, printer: PrinterDep, locale: LocaleDep
):
    details = request.query_params.get("details") == "1"
    pdf = printer.report(db, _response(db, response_id), locale, with_details=details)
    return attachment(pdf, "application/pdf", f"report-{response_id}.pdf")
