"""Staff: the list of responses, one response in detail, the review workflow
and the case-study text for the booklet."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response as HttpResponse
from sqlmodel import select

from assess.charts import area_chart
from assess.explain import describe
from assess.i18n import N_, gettext
from assess.models import Company, Response, Round
from assess.questionnaire.model import NARRATIVE_KEYS
from assess.reporting import STATUSES, Filters, filter_choices, list_responses, peer_comparison
from assess.responses import load_answers
from assess.review import ACTIONS, ConsentMissing, NotAllowed, act, add_note, case_study, company_narrative, consented, history, save_case_study
from assess.scoring import score
from assess.web.auth import StaffDep
from assess.web.deps import DbDep, FormDep, RowId
from assess.web.routes.results import review_sections
from assess.web.security import FormRouter
from assess.web.templating import render

router = FormRouter()


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@router.get("/staff")
def staff_home(staff: StaffDep):
    return RedirectResponse("/staff/responses", status_code=303)


@router.get("/staff/responses")
def responses(request: Request, staff: StaffDep, db: DbDep):
    q = request.query_params
    registry = request.app.state.registry
    questionnaire = registry.latest("community-sme") if any(x.id == "community-sme" for x in registry.all()) else registry.all()[0]
    area_ids = tuple(a.id for a in questionnaire.areas)
    f = Filters(round_id=_int(q.get("round")), prefecture=q.get("prefecture", ""), industry=q.get("industry", ""),
                employees=q.get("employees", ""), status=q.get("status", ""), level=q.get("level", ""),
                search=q.get("q", ""), sort=q.get("sort", "submitted"), descending=q.get("dir", "desc") != "asc",
                page=_int(q.get("page"), 1))
    listing = list_responses(db, f, area_ids)
    locale = request.state.locale
    params = {k: v for k, v in q.items() if k != "page"}
    return render(request, "staff/responses.html", {
        "listing": listing, "filters": f, "rounds": db.exec(select(Round).order_by(Round.id)).all(),
        "choices": filter_choices(db), "statuses": STATUSES,
        "levels": [(level.id, level.label.get(locale)) for level in questionnaire.maturity_levels],
        "areas": [(a.id, a.label.get(locale)) for a in questionnaire.areas],
        "page_link": lambda n: "?" + urlencode({**params, "page": n}),
        "sort_link": lambda key: "?" + urlencode({**params, "sort": key, "dir": "asc" if f.sort == key and f.descending else "desc"}),
    })


def load(request: Request, db, response_id: int):
    response = db.get(Response, response_id)
    if response is None:
        raise HTTPException(404)
    questionnaire = request.app.state.registry.get(response.questionnaire_id, response.questionnaire_version)
    return response, questionnaire, load_answers(db, response.id)


@router.get("/staff/responses/{response_id}")
def detail(request: Request, response_id: RowId, staff: StaffDep, db: DbDep):
    response, questionnaire, answers = load(request, db, response_id)
    locale = request.state.locale
    practices = request.app.state.practices
    result = score(questionnaire, answers, practices)
    view = describe(result, questionnaire, practices, answers, locale)
    company = db.get(Company, response.company_id) if response.company_id else None
    area_ids = tuple(a.id for a in questionnaire.areas)
    levels = [{"label": level.label.get(locale), "min": level.min} for level in questionnaire.maturity_levels]
    return render(request, "staff/response.html", {
        "response": response, "company": company, "round": db.get(Round, response.round_id), "view": view,
        "review": review_sections(questionnaire, answers, locale),
        "chart": area_chart([view["overall"], *view["areas"]], levels, gettext(locale, N_("Scores by area"))),
        "events": history(db, response.id, internal=True),
        "actions": [a for a, (allowed, _) in ACTIONS.items() if response.status in allowed],
        "peers": peer_comparison(db, response, company, area_ids) if response.submitted_at else None,
        "area_labels": {a.id: a.label.get(locale) for a in questionnaire.areas},
        "consent": consented(questionnaire, answers), "error": request.query_params.get("e", ""),
    })


@router.post("/staff/responses/{response_id}/action")
def do_action(request: Request, response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    response, _, _ = load(request, db, response_id)
    try:
        act(db, response, staff, str(form.get("action", "")), str(form.get("comment", "")))
    except NotAllowed:
        return RedirectResponse(f"/staff/responses/{response_id}?e=status", status_code=303)
    except ValueError:
        return RedirectResponse(f"/staff/responses/{response_id}?e=comment", status_code=303)
    return RedirectResponse(f"/staff/responses/{response_id}", status_code=303)


@router.post("/staff/responses/{response_id}/note")
def note(request: Request, response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    response, _, _ = load(request, db, response_id)
    try:
        add_note(db, response, staff, str(form.get("note", "")))
    except ValueError:
        return RedirectResponse(f"/staff/responses/{response_id}?e=note", status_code=303)
    return RedirectResponse(f"/staff/responses/{response_id}#history", status_code=303)


def case_page(request, db, response, questionnaire, answers, study, error=None, status=200):
    return render(request, "staff/case_study.html", {
        "response": response, "study": study, "original": company_narrative(questionnaire, answers),
        "consent": consented(questionnaire, answers), "keys": NARRATIVE_KEYS, "error": error,
        "company": db.get(Company, response.company_id) if response.company_id else None,
    }, status)


@router.get("/staff/responses/{response_id}/case-study")
def case_form(request: Request, response_id: RowId, staff: StaffDep, db: DbDep):
    response, questionnaire, answers = load(request, db, response_id)
    return case_page(request, db, response, questionnaire, answers, case_study(db, response, questionnaire, answers))


@router.post("/staff/responses/{response_id}/case-study")
def case_save(request: Request, response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    response, questionnaire, answers = load(request, db, response_id)
    texts = {key: str(form.get(key, "")) for key in NARRATIVE_KEYS}
    included, position = form.get("included") == "1", _int(form.get("position"), 0) or 0
    try:
        save_case_study(db, response, staff, questionnaire, answers, texts, included, position)
    except (ConsentMissing, NotAllowed) as exc:
        study = case_study(db, response, questionnaire, answers)
        for key, value in texts.items():
            setattr(study, key, value)  # keep what was typed on the page
        error = "consent" if isinstance(exc, ConsentMissing) else "status"
        return case_page(request, db, response, questionnaire, answers, study, error, 400)
    return RedirectResponse(f"/staff/responses/{response_id}/case-study?saved=1", status_code=303)


@router.get("/staff/responses/{response_id}/report.pdf")
def staff_report(request: Request, response_id: RowId, staff: StaffDep, db: DbDep):
    from assess.pdf.service import print_report

    response, _, _ = load(request, db, response_id)
    pdf = print_report(db, response, request.app.state.registry, request.app.state.practices, request.state.locale)
    return HttpResponse(pdf, media_type="application/pdf", headers={"content-disposition": f'attachment; filename="report-{response_id}.pdf"'})
