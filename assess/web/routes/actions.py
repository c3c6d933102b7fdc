"""Action plans: the company's plan behind its private link, staff comments on actions,
and the export of a round's plans."""

from __future__ import annotations

from fastapi import HTTPException, Request

from assess.db import retry_locked
from assess.models import Company, Response, Round
from assess.questionnaire.model import Questionnaire
from assess.services.action_export import export_actions
from assess.services.actions import (
    SORTS,
    ActionForm,
    NoCompanyYet,
    add_comment,
    company_action,
    create_action,
    next_steps,
    plan_rows,
    publish_plan,
    suggested_title,
    update_action,
)
from assess.services.errors import DomainError, FormInvalid, message_for
from assess.services.spreadsheet import FORMATS
from assess.services.startup import Definitions
from assess.vocab import EDITABLE, ActionStatus
from assess.web.csrf import FormRouter
from assess.web.deps import (
    BaseUrlDep,
    DbDep,
    DefinitionsDep,
    FormDep,
    LocaleDep,
    RowId,
    StaffDep,
    on_db,
)
from assess.web.rendering import attachment, private, redirect, render
from assess.web.respondents import respondent, response_locale, survey_context

router = FormRouter()
NOTICES = ("added", "saved", "consent")


def _published(db, response: Response) -> bool:
    company = db.get(Company, response.company_id) if response.company_id else None
    return bool(company and company.plan_published)


def plan_page(
    request: Request,
    db,
    definitions: Definitions,
    base_url: str,
    token: str,
    found: tuple[Response, Questionnaire],
    *,
    new: ActionForm | None = None,
    editing: tuple[int, ActionForm] | None = None,
    errors: dict[str, str] | None = None,
    problem: str = "",
    status: int = 200,
):
    """The plan page; `errors` (field → code) belong to the add form, or with `editing`
    to the form of that action, which then shows the values as typed."""
    response, questionnaire = found
    locale = request.state.locale
    query = request.query_params
    sort = query.get("sort", "new") if query.get("sort") in SORTS else "new"
    steps = next_steps(db, definitions, response, locale)
    actions = plan_rows(db, response.company_id, definitions.practices, locale, sort=sort)
    if new is None:
        chosen = query.get("practice", "")
        new = ActionForm()
        if chosen in definitions.practices:
            new = ActionForm(title=suggested_title(definitions.practices, chosen, locale), practice=chosen)
    context = survey_context(base_url, token, response, questionnaire, locale, [])
    context.update(
        {
            "round_name": db.get(Round, response.round_id).name(locale),
            "can_plan": response.company_id is not None,
            "plan_published": _published(db, response),
            "submitted": response.status not in EDITABLE,
            "actions": actions,
            "next_steps": steps,
            "step_ids": [s["practice"] for s in steps],
            "practice_names": {
                pid: p.label.get(locale) for pid, p in definitions.practices.practices.items()
            },
            # A step planned, under way or done is in the plan; one found not feasible may be tried again.
            "in_plan": {
                a["practice"] for a in actions if a["status"] != ActionStatus.NOT_FEASIBLE and a["practice"]
            },
            "new": new,
            "editing": editing,
            "errors": {k: message_for(v, locale) for k, v in (errors or {}).items()},
            "problem": problem,
            "statuses": list(ActionStatus),
            "sort": sort,
            "notice": query.get("n", "") if query.get("n") in NOTICES else "",
        }
    )
    return private(render(request, "survey/actions.html", context, status))


@router.get("/s/{token}/actions")
@on_db
def plan(request: Request, token: str, db: DbDep, definitions: DefinitionsDep, base_url: BaseUrlDep):
    found = respondent(db, definitions.registry, token)
    response_locale(request, found[0])
    return plan_page(request, db, definitions, base_url, token, found)


@router.post("/s/{token}/actions")
@on_db
def add(
    request: Request,
    token: str,
    form: FormDep,
    db: DbDep,
    definitions: DefinitionsDep,
    base_url: BaseUrlDep,
):
    found = respondent(db, definitions.registry, token)
    locale = response_locale(request, found[0])
    values = ActionForm.from_mapping(form)
    try:
        action = retry_locked(lambda: create_action(db, found[0], definitions.practices, values))
    except FormInvalid as exc:
        return plan_page(
            request, db, definitions, base_url, token, found, new=values, errors=exc.errors, status=400
        )
    except NoCompanyYet as exc:
        return plan_page(
            request, db, definitions, base_url, token, found, problem=exc.text(locale), status=409
        )
    return redirect(f"/s/{token}/actions?n=added#action-{action.id}")


@router.post("/s/{token}/actions/publish")
@on_db
def publish(
    request: Request, token: str, form: FormDep, db: DbDep, definitions: DefinitionsDep, base_url: BaseUrlDep
):
    """The company's consent to show its plan in its published case study, or its withdrawal."""
    found = respondent(db, definitions.registry, token)
    locale = response_locale(request, found[0])
    try:
        retry_locked(lambda: publish_plan(db, found[0], form.get("published") == "yes"))
    except NoCompanyYet as exc:
        return plan_page(
            request, db, definitions, base_url, token, found, problem=exc.text(locale), status=409
        )
    return redirect(f"/s/{token}/actions?n=consent#publish")


@router.get("/s/{token}/actions/{action_id}")
@on_db
def one(request: Request, token: str, action_id: RowId, db: DbDep, definitions: DefinitionsDep):
    """An action's own address (a form with mistakes is shown there): the plan, at the action.
    The query (the language asked for) goes along."""
    response, _ = respondent(db, definitions.registry, token)
    if company_action(db, response, action_id) is None:
        raise HTTPException(404)
    query = f"?{request.url.query}" if request.url.query else ""
    return private(redirect(f"/s/{token}/actions{query}#action-{action_id}"))


@router.post("/s/{token}/actions/{action_id}")
@on_db
def change(
    request: Request,
    token: str,
    action_id: RowId,
    form: FormDep,
    db: DbDep,
    definitions: DefinitionsDep,
    base_url: BaseUrlDep,
):
    found = respondent(db, definitions.registry, token)
    response_locale(request, found[0])
    action = company_action(db, found[0], action_id)
    if action is None:  # another company's action, or none at all
        raise HTTPException(404)
    values = ActionForm.from_mapping(form)
    try:
        retry_locked(lambda: update_action(db, action, definitions.practices, values))
    except FormInvalid as exc:
        return plan_page(
            request,
            db,
            definitions,
            base_url,
            token,
            found,
            editing=(action_id, values),
            errors=exc.errors,
            status=400,
        )
    return redirect(f"/s/{token}/actions?n=saved#action-{action_id}")


@router.post("/staff/responses/{response_id}/actions/{action_id}/comment")
def comment(response_id: RowId, action_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    response = db.get(Response, response_id)
    action = company_action(db, response, action_id) if response is not None else None
    if action is None:
        raise HTTPException(404)
    # The comment form is on the response page and on the company page: go back where it was.
    back = form.get("back") == "company"
    page = f"/staff/companies/{action.company_id}" if back else f"/staff/responses/{response_id}"
    try:
        text = form.get("text", "")
        add_comment(db, action, staff, text if isinstance(text, str) else "")
    except DomainError as exc:
        return redirect(f"{page}?e={exc.code}#action-{action_id}")
    return redirect(f"{page}#action-{action_id}")


@router.get("/staff/rounds/{round_id}/actions.{fmt}")
def export(
    round_id: RowId, fmt: str, staff: StaffDep, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep
):
    round_ = db.get(Round, round_id)
    if fmt not in FORMATS or round_ is None:
        raise HTTPException(404)
    content = export_actions(db, round_, definitions.practices, locale, fmt, staff.email)
    return attachment(content, FORMATS[fmt], f"{round_.slug}-actions-{locale}.{fmt}")
