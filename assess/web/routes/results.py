"""Review, submit and results pages of a response."""

from __future__ import annotations

from fastapi import Request

from assess.charts import area_chart, goal_tiles
from assess.db import retry_locked
from assess.explain import answer_text, describe
from assess.i18n import N_, gettext
from assess.models import Round
from assess.questionnaire.conditions import visibility
from assess.questionnaire.validation import missing_required
from assess.responses import EDITABLE, Conflict, Locked, load_answers, submit
from assess.scoring import score
from assess.web.deps import DbDep, FormDep, LocaleDep, PracticesDep, RegistryDep, on_db
from assess.web.routes.survey import private, redirect, respondent, survey_context
from assess.web.security import FormRouter
from assess.web.templating import render

router = FormRouter()
TOP_TARGETS = 5


def review_sections(questionnaire, answers: dict, locale: str) -> list[dict]:
    visible = visibility(questionnaire, answers)
    missing = {q.id for q in missing_required(questionnaire, answers)}
    out = []
    for section in questionnaire.sections:
        rows = [
            {"id": q.id, "label": q.label.get(locale), "answer": answer_text(q, answers.get(q.id), answers, locale),
             "missing": q.id in missing, "required": q.required}
            for q in section.questions if visible[q.id]
        ]
        out.append({"id": section.id, "title": section.title.get(locale), "rows": rows, "missing": sum(r["missing"] for r in rows)})
    return out


@router.get("/s/{token}/review")
@on_db
def review(request: Request, token: str, db: DbDep, registry: RegistryDep, locale: LocaleDep):
    response, questionnaire = respondent(db, registry, token)
    answers = load_answers(db, response.id)
    sections = review_sections(questionnaire, answers, locale)
    context = survey_context(request, token, response, questionnaire, locale)
    context.update({"review": sections, "missing": sum(s["missing"] for s in sections),
                    "editable": response.status in EDITABLE, "notice": request.query_params.get("n", "")})
    return private(render(request, "survey/review.html", context))


@router.post("/s/{token}/submit")
@on_db
def do_submit(request: Request, token: str, form: FormDep, db: DbDep, registry: RegistryDep, practices: PracticesDep):
    response, questionnaire = respondent(db, registry, token)
    try:
        revision = int(form.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        retry_locked(lambda: submit(db, response, questionnaire, practices, revision))
    except ValueError:
        return redirect(f"/s/{token}/review?n=missing")
    except Conflict:
        return redirect(f"/s/{token}/review?n=conflict")
    except Locked:
        pass  # already submitted: show the results
    return redirect(f"/s/{token}/results")


def results_context(questionnaire, practices, answers: dict, locale: str) -> dict:
    result = score(questionnaire, answers, practices)
    view = describe(result, questionnaire, practices, answers, locale)
    levels = [{"label": level.label.get(locale), "min": level.min} for level in questionnaire.maturity_levels]
    rows = [view["overall"], *view["areas"]]
    by_section: dict[str, list] = {}
    for row in view["explanation"]:
        if row["area"]:
            by_section.setdefault(row["section"], []).append(row)
    sections = [(s.id, s.title.get(locale), by_section[s.id]) for s in questionnaire.sections if s.id in by_section]
    return {
        "view": view,
        "chart": area_chart(rows, levels, gettext(locale, N_("Scores by area"))),
        "tiles": goal_tiles(view["goals"], gettext(locale, N_("Contribution to the 17 SDGs"))),
        "top_targets": view["targets"][:TOP_TARGETS],
        "opportunities": view["opportunities"][:5],
        "more_opportunities": view["opportunities"][5:],
        "explained_sections": sections,
        "levels": [(level.label.get(locale), level.min, level.description.get(locale) if level.description else "") for level in questionnaire.maturity_levels],
    }


@router.get("/s/{token}/results")
@on_db
def results(request: Request, token: str, db: DbDep, registry: RegistryDep, practices: PracticesDep, locale: LocaleDep):
    response, questionnaire = respondent(db, registry, token)
    if response.status in EDITABLE:
        return private(redirect(f"/s/{token}/review"))
    answers = load_answers(db, response.id)
    context = survey_context(request, token, response, questionnaire, locale)
    context.update(results_context(questionnaire, practices, answers, locale))
    context["round_name"] = db.get(Round, response.round_id).name(locale)
    return private(render(request, "survey/results.html", context))


@router.get("/s/{token}/report.pdf")
def company_report(request: Request, token: str, db: DbDep, registry: RegistryDep, practices: PracticesDep, locale: LocaleDep):
    from fastapi.responses import Response as HttpResponse

    from assess.pdf.service import print_report

    response, _ = respondent(db, registry, token)
    if response.status in EDITABLE:
        return private(redirect(f"/s/{token}/review"))
    pdf = print_report(db, response, registry, practices, locale)
    return private(HttpResponse(pdf, media_type="application/pdf", headers={"content-disposition": 'attachment; filename="feedback-report.pdf"'}))
