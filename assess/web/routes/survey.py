"""The respondent's side: start a round, answer section by section, resume.

Respondents have no account: the unguessable token in /s/{token}/... is their
key, and only its hash is stored. Every save is post/redirect/get.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from assess.db import retry_locked, session
from assess.review import open_comments
from assess.explain import answer_text
from assess.models import Company, Response, Round
from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.validation import validate_page
from assess.responses import (
    EDITABLE, Conflict, Locked, find_invitation, find_response, find_round, load_answers, resume_section,
    save_answers, start_from_invitation, start_response,
)
from assess.web.deps import DbDep, FormDep, LocaleDep, RegistryDep, on_db, run_db
from assess.web.security import FormRouter
from assess.i18n import N_, gettext
from assess.web.fragments import fill, section_html
from assess.web.survey_view import section_view
from assess.web.templating import render

router = FormRouter()


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def private(response):
    """Pages behind a resume link must not be cached or leak the link."""
    response.headers["cache-control"] = "no-store"
    return response


def open_round(db, slug: str) -> Round:
    round_ = find_round(db, slug)
    if round_ is None or round_.status == "draft":
        raise HTTPException(404)
    return round_


def respondent(db, registry, token: str) -> tuple[Response, Questionnaire]:
    response = find_response(db, token)
    if response is None:
        raise HTTPException(404)
    return response, registry.get(response.questionnaire_id, response.questionnaire_version)


def start_context(round_: Round, questionnaire: Questionnaire, locale: str, company: Company | None = None) -> dict:
    return {
        "round": round_, "round_name": round_.name(locale), "organiser": round_.organiser(locale),
        "title": questionnaire.title.get(locale), "description": questionnaire.description.get(locale),
        "minutes": questionnaire.estimated_minutes, "company": company,
    }


@router.get("/r/{slug}")
@on_db
def start_page(request: Request, slug: str, db: DbDep, registry: RegistryDep, locale: LocaleDep):
    round_ = open_round(db, slug)
    questionnaire = registry.get(round_.questionnaire_id, round_.questionnaire_version)
    return render(request, "survey/start.html", start_context(round_, questionnaire, locale))


@router.post("/r/{slug}/start")
@on_db
def start(request: Request, slug: str, db: DbDep, registry: RegistryDep, locale: LocaleDep):
    round_ = open_round(db, slug)
    if round_.status != "open" or round_.access != "open":
        raise HTTPException(403, detail="closed" if round_.status != "open" else "invitation")
    questionnaire = registry.get(round_.questionnaire_id, round_.questionnaire_version)
    _, token = retry_locked(lambda: start_response(db, round_, questionnaire, locale))
    return redirect(f"/s/{token}/welcome")


def invited(db, registry, token: str):
    """The invitation behind a link, its round and the round's questionnaire."""
    invitation = find_invitation(db, token)
    if invitation is None:
        raise HTTPException(404)
    round_ = db.get(Round, invitation.round_id)
    return invitation, round_, registry.get(round_.questionnaire_id, round_.questionnaire_version)


@router.get("/i/{token}")
@on_db
def invitation_page(request: Request, token: str, db: DbDep, registry: RegistryDep, locale: LocaleDep):
    invitation, round_, questionnaire = invited(db, registry, token)
    if invitation.response_id is not None:
        return private(redirect(f"/s/{token}"))
    context = start_context(round_, questionnaire, locale, db.get(Company, invitation.company_id))
    return private(render(request, "survey/start.html", {**context, "invitation_token": token}))


@router.post("/i/{token}/start")
@on_db
def start_invited(request: Request, token: str, db: DbDep, registry: RegistryDep, locale: LocaleDep):
    invitation, round_, questionnaire = invited(db, registry, token)
    if round_.status != "open":
        raise HTTPException(403, detail="closed")
    retry_locked(lambda: start_from_invitation(db, invitation, round_, questionnaire, locale, token))
    return redirect(f"/s/{token}/welcome")


@router.get("/s/{token}")
@on_db
def resume(token: str, db: DbDep, registry: RegistryDep):
    response, questionnaire = respondent(db, registry, token)
    if response.status not in EDITABLE:
        return private(redirect(f"/s/{token}/results"))
    section = resume_section(questionnaire, load_answers(db, response.id))
    return private(redirect(f"/s/{token}/p/{section}" if section else f"/s/{token}/review"))


def survey_context(request: Request, token: str, response: Response, questionnaire: Questionnaire, locale: str) -> dict:
    comments = []
    if response.status == "returned":  # rare: a session of its own is simpler than passing one through
        with session(request.app.state.engine) as db:
            comments = open_comments(db, response)
    return {
        "comments": comments,
        "token": token, "resume_url": str(request.base_url).rstrip("/") + f"/s/{token}",
        "response": response, "title": questionnaire.title.get(locale),
        "sections": [(s.id, s.title.get(locale)) for s in questionnaire.sections],
    }


@router.get("/s/{token}/welcome")
@on_db
def welcome(request: Request, token: str, db: DbDep, registry: RegistryDep, locale: LocaleDep):
    response, questionnaire = respondent(db, registry, token)
    context = survey_context(request, token, response, questionnaire, locale)
    context["first_section"] = questionnaire.sections[0].id
    context["round_name"] = db.get(Round, response.round_id).name(locale)
    return private(render(request, "survey/welcome.html", context))


def section_page(request, token, response, questionnaire, section, locale, answers, *, raw=None, errors=None,
                 conflict=None, revision=None, notice=None, status_code=200):
    index = [s.id for s in questionnaire.sections].index(section.id)
    view = section_view(questionnaire, section, locale, answers, raw, errors)
    state = {q["id"]: q for q in view["questions"]}
    for qid, note in (conflict or {}).items():
        state[qid]["conflict"], state[qid]["conflict_label"] = note, gettext(locale, N_("Saved from the other tab:"))
    html = section_html(request.app.state.templates, questionnaire, section.id, locale)
    context = survey_context(request, token, response, questionnaire, locale)
    context.update(view)
    context["questions_html"] = fill(html, state)
    context.update({
        "section": section, "section_title": section.title.get(locale), "intro": section.intro.get(locale) if section.intro else "",
        "number": index + 1, "count": len(questionnaire.sections),
        "errors": [(q["id"], q["label"], q["error"]) for q in view["questions"] if q["error"] and q["visible"]],
        "conflict": conflict, "revision": response.revision if revision is None else revision, "notice": notice,
        "shown": " ".join(q["id"] for q in view["questions"] if q["visible"]),
        "editable": response.status in EDITABLE, "returned": response.status == "returned",
    })
    return private(render(request, "survey/section.html", context, status_code))


@router.get("/s/{token}/p/{section_id}")
async def show_section(request: Request, token: str, section_id: str, db: DbDep):
    # The busiest page: async, so it needs no hop to the thread pool (see
    # run_db), and with few dependencies, each of which costs time per request.
    registry, locale = request.app.state.registry, request.state.locale

    def load():
        response, questionnaire = respondent(db, registry, token)
        return response, questionnaire, load_answers(db, response.id) if response.status in EDITABLE else {}

    response, questionnaire, answers = await run_db(db, load)
    if response.status not in EDITABLE:
        return private(redirect(f"/s/{token}/results"))
    section = questionnaire.section_index.get(section_id)
    if section is None:
        raise HTTPException(404)
    notice = {"saved": "saved", "more": "more"}.get(request.query_params.get("n", ""))
    return section_page(request, token, response, questionnaire, section, locale, answers, notice=notice)


@router.post("/s/{token}/p/{section_id}")
@on_db
def save_section(request: Request, token: str, section_id: str, form: FormDep, db: DbDep, registry: RegistryDep, locale: LocaleDep):
    response, questionnaire = respondent(db, registry, token)
    section = questionnaire.section_index.get(section_id)
    if section is None:
        raise HTTPException(404)
    if response.status not in EDITABLE:
        return redirect(f"/s/{token}/results")
    posted = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form.keys()}
    try:
        revision = int(form.get("revision", ""))
    except ValueError:
        revision = -1
    answers = load_answers(db, response.id)
    result = validate_page(questionnaire, section, answers, posted, locale)
    try:
        saved = retry_locked(lambda: save_answers(db, response, result.values, revision, questionnaire))
    except Locked:
        return redirect(f"/s/{token}/results")
    except Conflict:
        current = load_answers(db, response.id)
        db.refresh(response)
        differing = {
            q.id: answer_text(q, current.get(q.id), current, locale) for q in section.questions
            if q.id in result.values and current.get(q.id) != result.values.get(q.id)
        }
        return section_page(request, token, response, questionnaire, section, locale, current, raw=result.raw,
                            errors=result.errors, conflict=differing, status_code=409)
    if response.locale != locale:
        retry_locked(lambda: _set_locale(db, response, locale))
    answers = {**answers, **{k: v for k, v in result.values.items() if v is not None}}
    for key, value in result.values.items():
        if value is None:
            answers.pop(key, None)
    action = form.get("action", "next")
    errors = result.blocking(leaving=action in ("back", "save"))
    if errors:
        return section_page(request, token, response, questionnaire, section, locale, answers, raw=result.raw,
                            errors=errors, revision=saved.revision)
    # Without JavaScript, answers on this page can reveal further questions here:
    # come back to the page instead of skipping them.
    shown_before = set(str(form.get("shown", "")).split())
    visible = visibility(questionnaire, answers)
    revealed = [q.id for q in section.questions if visible[q.id] and q.id not in shown_before and answers.get(q.id) is None]
    if revealed and action == "next":
        return redirect(f"/s/{token}/p/{section.id}?n=more#q-{revealed[0]}")
    ids = [s.id for s in questionnaire.sections]
    here = ids.index(section.id)
    if action == "back":
        return redirect(f"/s/{token}/p/{ids[here - 1]}" if here > 0 else f"/s/{token}/welcome")
    if action == "save":
        return redirect(f"/s/{token}/p/{section.id}?n=saved")
    return redirect(f"/s/{token}/p/{ids[here + 1]}" if here + 1 < len(ids) else f"/s/{token}/review")


def _set_locale(db, response: Response, locale: str) -> None:
    from assess.db import write_transaction

    with write_transaction(db):
        response.locale = locale
        db.add(response)

