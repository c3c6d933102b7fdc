"""The respondent's side: start a round, answer section by section, resume.

Respondents have no account: the unguessable token in /s/{token}/... is their
key, and only its hash is stored. Every save is post/redirect/get.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from assess.db import retry_locked, write_transaction
from assess.i18n import N_, gettext
from assess.models import Company, Response, Round
from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.pages import validate_page
from assess.questionnaire.types import answer_text
from assess.services.carry import carried_questions, carried_year, start_empty, unconfirmed
from assess.services.errors import Conflict, Locked, RoundClosed, TooManyStarts
from assess.services.interviews import staff_entered
from assess.services.invitations import find_invitation, start_from_invitation
from assess.services.responses import load_answers, resume_section, save_answers, start_response
from assess.services.review import open_comments
from assess.services.rounds import find_round
from assess.services.throttling import allow
from assess.vocab import EDITABLE, ResponseStatus, RoundAccess, RoundStatus
from assess.web.csrf import FormRouter
from assess.web.deps import (
    AnswersFormDep,
    BaseUrlDep,
    ContextDep,
    DbDep,
    DefinitionsDep,
    LocaleDep,
    on_db,
    run_db,
)
from assess.web.evidence import section_evidence
from assess.web.fragments import fill, section_html
from assess.web.interview import interviewer
from assess.web.rendering import private, redirect, render
from assess.web.respondents import respondent, response_locale, revision_of, survey_context
from assess.web.section_view import section_view

router = FormRouter()


def visible_round(db, slug: str) -> Round:
    round_ = find_round(db, slug)
    if round_ is None or round_.status == RoundStatus.DRAFT:
        raise HTTPException(404)
    return round_


def start_context(
    round_: Round, questionnaire: Questionnaire, locale: str, company: Company | None = None
) -> dict:
    return {
        "round": round_,
        "round_name": round_.name(locale),
        "organiser": round_.organiser(locale),
        "title": questionnaire.title.get(locale),
        "description": questionnaire.description.get(locale),
        "minutes": questionnaire.estimated_minutes,
        "company": company,
    }


@router.get("/r/{slug}")
@on_db
def start_page(request: Request, slug: str, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep):
    round_ = visible_round(db, slug)
    questionnaire = definitions.registry.get(round_.questionnaire_id, round_.questionnaire_version)
    return render(request, "survey/start.html", start_context(round_, questionnaire, locale))


@router.post("/r/{slug}/start")
@on_db
def start(
    request: Request,
    slug: str,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
    context: ContextDep,
):
    round_ = visible_round(db, slug)
    if round_.status != RoundStatus.OPEN or round_.access != RoundAccess.OPEN:
        raise HTTPException(403, detail="closed" if round_.status != RoundStatus.OPEN else "invitation")
    address = request.client.host if request.client else "unknown"
    if not allow(db, "response.start", address, context.settings.start_limit):
        raise TooManyStarts()
    questionnaire = definitions.registry.get(round_.questionnaire_id, round_.questionnaire_version)
    _, token = retry_locked(lambda: start_response(db, round_, questionnaire, locale))
    return redirect(f"/s/{token}/welcome")


CARRIED_NOTE = N_("From FY{year}: check this answer; saving this page confirms it.")
ENTERED_NOTE = N_("Entered by the organiser's staff with you.")


def invited(db, definitions, token: str):
    """The invitation behind a link, its round and the round's questionnaire."""
    invitation = find_invitation(db, token)
    round_ = db.get(Round, invitation.round_id) if invitation else None
    if invitation is None or round_ is None:
        raise HTTPException(404)
    return invitation, round_, definitions.registry.get(round_.questionnaire_id, round_.questionnaire_version)


@router.get("/i/{token}")
@on_db
def invitation_page(request: Request, token: str, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep):
    invitation, round_, questionnaire = invited(db, definitions, token)
    if invitation.response_id is not None:
        return private(redirect(f"/s/{token}"))
    context = start_context(round_, questionnaire, locale, db.get(Company, invitation.company_id))
    return private(render(request, "survey/start.html", {**context, "invitation_token": token}))


@router.post("/i/{token}/start")
@on_db
def start_invited(token: str, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep):
    invitation, round_, _ = invited(db, definitions, token)
    if round_.status != RoundStatus.OPEN:
        raise HTTPException(403, detail="closed")
    retry_locked(lambda: start_from_invitation(db, invitation, round_, definitions.registry, locale, token))
    return redirect(f"/s/{token}/welcome")


@router.get("/s/{token}")
@on_db
def resume(token: str, db: DbDep, definitions: DefinitionsDep):
    response, questionnaire = respondent(db, definitions.registry, token)
    if response.status not in EDITABLE:
        return private(redirect(f"/s/{token}/results"))
    section = resume_section(questionnaire, load_answers(db, response.id))
    return private(redirect(f"/s/{token}/p/{section}" if section else f"/s/{token}/review"))


@router.get("/s/{token}/welcome")
@on_db
def welcome(
    request: Request,
    token: str,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
    base_url: BaseUrlDep,
):
    response, questionnaire = respondent(db, definitions.registry, token)
    locale = response_locale(request, response)
    context = survey_context(base_url, token, response, questionnaire, locale, open_comments(db, response))
    context["first_section"] = questionnaire.sections[0].id
    context["round_name"] = db.get(Round, response.round_id).name(locale)
    carried, year = _carried(db, response)
    context["carried"] = (len(carried), year) if carried and response.status in EDITABLE else None
    return private(render(request, "survey/welcome.html", context))


@router.post("/s/{token}/start-empty")
@on_db
def empty_form(token: str, db: DbDep, definitions: DefinitionsDep):
    """The company prefers to answer from an empty form: the carried answers go."""
    response, questionnaire = respondent(db, definitions.registry, token)
    if response.status in EDITABLE and response.carried_from_id is not None:
        retry_locked(lambda: start_empty(db, response))
    return redirect(f"/s/{token}/p/{questionnaire.sections[0].id}")


def section_page(
    request,
    templates,
    base_url,
    token,
    response,
    questionnaire,
    section,
    locale,
    answers,
    comments,
    *,
    raw=None,
    errors=None,
    conflict=None,
    revision=None,
    notice=None,
    carried=(set(), None),
    entered=frozenset(),
    interviewer="",
    status_code=200,
):
    """`carried`: the questions whose answer is carried and not confirmed, and the year;
    `entered`: the questions whose answer staff entered; `interviewer`: the staff member
    filling in the page with the company (interview mode), or ""."""
    index = [s.id for s in questionnaire.sections].index(section.id)
    view = section_view(questionnaire, section, locale, answers, raw, errors)
    state = {q["id"]: q for q in view["questions"]}
    carried_ids, year = carried
    for qid in carried_ids & state.keys():
        state[qid]["carried"] = gettext(locale, CARRIED_NOTE, year=year)
    for qid in entered & state.keys():
        state[qid]["entered"] = gettext(locale, ENTERED_NOTE)
    for qid, note in (conflict or {}).items():
        state[qid]["conflict"], state[qid]["conflict_label"] = (
            note,
            gettext(locale, N_("Saved from the other tab:")),
        )
    html = section_html(templates, questionnaire, section.id, locale)
    context = survey_context(base_url, token, response, questionnaire, locale, comments)
    context.update(view)
    context["evidence"] = section_evidence(
        request, templates, token, response, questionnaire, section, locale, state
    )
    context["questions_html"] = fill(html, state)
    context.update(
        {
            "section": section,
            "section_title": section.title.get(locale),
            "intro": section.intro.get(locale) if section.intro else "",
            "number": index + 1,
            "count": len(questionnaire.sections),
            "errors": [
                (q["id"], q["label"], q["error"]) for q in view["questions"] if q["error"] and q["visible"]
            ],
            "conflict": conflict,
            "revision": response.revision if revision is None else revision,
            "notice": notice,
            "shown": " ".join(q["id"] for q in view["questions"] if q["visible"]),
            "editable": response.status in EDITABLE,
            "returned": response.status == ResponseStatus.RETURNED,
            "carried_here": sum(1 for q in view["questions"] if q["visible"] and q["id"] in carried_ids),
            "carried_total": len(unconfirmed(questionnaire, answers, carried_ids)),
            "carried_year": year,
            "interviewer": interviewer,
        }
    )
    return private(render(request, "survey/section.html", context, status_code))


@router.get("/s/{token}/p/{section_id}")
async def show_section(
    request: Request,
    token: str,
    section_id: str,
    db: DbDep,
    context: ContextDep,
    locale: LocaleDep,
    base_url: BaseUrlDep,
):
    # The busiest page: async, so it needs no hop to the thread pool (see run_db).
    def load():
        response, questionnaire = respondent(db, context.definitions.registry, token)
        answers = load_answers(db, response.id) if response.status in EDITABLE else {}
        closed = db.get(Round, response.round_id).status != RoundStatus.OPEN
        marks = _marks(request, db, context.secret, response)
        return response, questionnaire, answers, open_comments(db, response), closed, marks

    response, questionnaire, answers, comments, closed, marks = await run_db(db, load)
    locale = response_locale(request, response)
    if response.status not in EDITABLE:
        return private(redirect(f"/s/{token}/results"))
    if closed:
        return private(redirect(f"/s/{token}/review"))
    section = questionnaire.section_index.get(section_id)
    if section is None:
        raise HTTPException(404)
    notice = {"saved": "saved", "more": "more"}.get(request.query_params.get("n", ""))
    return section_page(
        request,
        context.templates,
        base_url,
        token,
        response,
        questionnaire,
        section,
        locale,
        answers,
        comments,
        notice=notice,
        **marks,
    )


@router.post("/s/{token}/p/{section_id}")
@on_db
def save_section(
    request: Request,
    token: str,
    section_id: str,
    form: AnswersFormDep,
    db: DbDep,
    context: ContextDep,
    locale: LocaleDep,
    base_url: BaseUrlDep,
):
    response, questionnaire = respondent(db, context.definitions.registry, token)
    locale = response_locale(request, response)
    section = questionnaire.section_index.get(section_id)
    if section is None:
        raise HTTPException(404)
    if response.status not in EDITABLE:
        return redirect(f"/s/{token}/results")
    posted = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
    answers = load_answers(db, response.id)
    result = validate_page(questionnaire, section, answers, posted, locale)
    page = dict(
        request=request,
        templates=context.templates,
        base_url=base_url,
        token=token,
        response=response,
        questionnaire=questionnaire,
        section=section,
        locale=locale,
        comments=open_comments(db, response),
    )
    marks = _marks(request, db, context.secret, response)
    try:
        saved = retry_locked(
            lambda: save_answers(
                db, response, result.values, revision_of(form), questionnaire, entered_by=marks["interviewer"]
            )
        )
    except RoundClosed:
        return redirect(f"/s/{token}/review")  # shows what was saved, and why nothing changes now
    except Locked:
        return redirect(f"/s/{token}/results")
    except Conflict:
        current = load_answers(db, response.id)
        db.refresh(response)
        differing = {
            q.id: answer_text(q, current.get(q.id), current, locale)
            for q in section.questions
            if q.id in result.values and current.get(q.id) != result.values.get(q.id)
        }
        return section_page(
            **page,
            answers=current,
            raw=result.raw,
            errors=result.errors,
            conflict=differing,
            status_code=409,
            **marks,
        )
    if response.locale != locale:
        retry_locked(lambda: _set_locale(db, response, locale))
    answers = {**answers, **{k: v for k, v in result.values.items() if v is not None}}
    for key, value in result.values.items():
        if value is None:
            answers.pop(key, None)
    action = form.get("action", "next")
    errors = result.blocking(leaving=action in ("back", "save"))
    if errors:
        return section_page(
            **page,
            answers=answers,
            raw=result.raw,
            errors=errors,
            revision=saved.revision,
            **_marks(request, db, context.secret, response),
        )
    return redirect(_next_page(token, questionnaire, section, answers, str(form.get("shown", "")), action))


def _marks(request: Request, db, secret: str, response: Response) -> dict:
    """What the section page marks: carried answers, answers staff entered, and the staff
    member interviewing in this browser ("" for the company)."""
    staff = interviewer(request, db, secret, response)
    return {
        "carried": _carried(db, response),
        "entered": frozenset(staff_entered(db, response.id)),
        "interviewer": staff.email if staff else "",
    }


def _carried(db, response: Response) -> tuple[set[str], int | None]:
    """The questions still carried from an earlier year, and that year (none when empty)."""
    if response.carried_from_id is None:
        return set(), None
    return carried_questions(db, response.id), carried_year(db, response)


def _next_page(token: str, questionnaire: Questionnaire, section, answers: dict, shown: str, action) -> str:
    # Without JavaScript, answers on this page can reveal further questions here:
    # come back to the page instead of skipping them.
    visible = visibility(questionnaire, answers)
    shown_before = set(shown.split())
    revealed = [
        q.id
        for q in section.questions
        if visible[q.id] and q.id not in shown_before and answers.get(q.id) is None
    ]
    if revealed and action == "next":
        return f"/s/{token}/p/{section.id}?n=more#q-{revealed[0]}"
    ids = [s.id for s in questionnaire.sections]
    here = ids.index(section.id)
    if action == "back":
        return f"/s/{token}/p/{ids[here - 1]}" if here > 0 else f"/s/{token}/welcome"
    if action == "save":
        return f"/s/{token}/p/{section.id}?n=saved"
    return f"/s/{token}/p/{ids[here + 1]}" if here + 1 < len(ids) else f"/s/{token}/review"


def _set_locale(db, response: Response, locale: str) -> None:
    with write_transaction(db):
        response.locale = locale
        db.add(response)
