"""Staff: interview mode, entering a company's answers with it (or from its paper form).

Staff start an interview from the response page (an invited company's response) or from an
invitation not started yet; they then work on the company's own pages, under a marker
cookie scoped to its link. The company's link is handed over at any point."""

from __future__ import annotations

from fastapi import HTTPException, Request

from assess.models import Invitation, Response
from assess.services.errors import DomainError
from assess.services.interviews import begin, begin_invitation, end, paper_date
from assess.web.csrf import FormRouter
from assess.web.deps import BaseUrlDep, ContextDep, DbDep, DefinitionsDep, FormDep, RowId, StaffDep
from assess.web.interview import clear_marker, interviewer, set_marker
from assess.web.rendering import private, redirect, render
from assess.web.respondents import respondent, response_locale, survey_context

router = FormRouter()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.post("/staff/responses/{response_id}/interview")
def interview_response(
    request: Request, response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep, context: ContextDep
):
    response = db.get(Response, response_id)
    if response is None:
        raise HTTPException(404)
    try:
        token = begin(db, response, staff, context.secret, paper_date(str(form.get("paper_on", ""))))
    except DomainError as exc:
        return redirect(f"/staff/responses/{response_id}?e={exc.code}#interview")
    reply = redirect(f"/s/{token}")
    set_marker(reply, token, context.secret, staff, response, _secure(request))
    return reply


@router.post("/staff/invitations/{invitation_id}/interview")
def interview_invitation(
    request: Request,
    invitation_id: RowId,
    staff: StaffDep,
    form: FormDep,
    db: DbDep,
    context: ContextDep,
    definitions: DefinitionsDep,
):
    invitation = db.get(Invitation, invitation_id)
    if invitation is None or not invitation.nonce:
        raise HTTPException(404)
    try:
        paper_on = paper_date(str(form.get("paper_on", "")))
        response, token = begin_invitation(
            db, invitation, definitions.registry, staff, context.secret, paper_on, request.state.locale
        )
    except DomainError as exc:
        return redirect(f"/staff/rounds/{invitation.round_id}?e={exc.code}#invitations")
    reply = redirect(f"/s/{token}")
    set_marker(reply, token, context.secret, staff, response, _secure(request))
    return reply


@router.post("/s/{token}/interview/end")
def end_interview(request: Request, token: str, db: DbDep, context: ContextDep, definitions: DefinitionsDep):
    response, _ = respondent(db, definitions.registry, token)
    staff = interviewer(request, db, context.secret, response)
    if staff is None:  # the company, or a stale marker: nothing to end
        reply = redirect(f"/s/{token}")
    else:
        end(db, response, staff)
        reply = redirect(f"/staff/responses/{response.id}?n=interview_ended")
    clear_marker(reply, token)
    return reply


@router.get("/s/{token}/handover")
def handover(request: Request, token: str, db: DbDep, definitions: DefinitionsDep, base_url: BaseUrlDep):
    """The company's link on a page of its own, to print and hand over."""
    response, questionnaire = respondent(db, definitions.registry, token)
    locale = response_locale(request, response)
    page = survey_context(base_url, token, response, questionnaire, locale, [])
    return private(render(request, "survey/handover.html", page))
