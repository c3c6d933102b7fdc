"""Staff: companies across rounds — finding one, its page with every response by round,
giving it a stable code, and merging two records of the same company."""

from __future__ import annotations

from fastapi import HTTPException, Request

from assess.models import Company, Response
from assess.presentation.labels import CONTACT_SOURCE_NAMES, profile_labels
from assess.services.actions import plan_rows
from assess.services.companies import (
    link_response,
    merge_companies,
    responses_of,
    search_companies,
    similar_companies,
    update_company,
)
from assess.services.contacts import contacts_of
from assess.services.errors import DomainError, message_for
from assess.services.inputs import small_int
from assess.services.outbox import OutboxFilter, outbox_page, subject_of
from assess.services.progress import company_progress_view
from assess.web.csrf import FormRouter
from assess.web.deps import DbDep, DefinitionsDep, FormDep, LocaleDep, RowId, StaffDep
from assess.web.rendering import redirect, render

router = FormRouter()


def _company(db, company_id: int) -> Company:
    company = db.get(Company, company_id)
    if company is None:
        raise HTTPException(404)
    return company


@router.get("/staff/companies")
def companies(request: Request, staff: StaffDep, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep):
    text = request.query_params.get("q", "")
    return render(
        request,
        "staff/companies.html",
        {
            "q": text,
            "found": search_companies(db, text) if text else [],
            "names": profile_labels(definitions.registry.all(), locale),
        },
    )


@router.get("/staff/companies/{company_id}")
def company_page(
    request: Request,
    company_id: RowId,
    staff: StaffDep,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
):
    company = _company(db, company_id)
    error = request.query_params.get("e", "")
    return render(
        request,
        "staff/company.html",
        {
            "company": company,
            "responses": responses_of(db, company.id),
            "similar": similar_companies(db, company),
            "names": profile_labels(definitions.registry.all(), locale),
            "error": message_for(error, locale) if error else "",
            "notice": request.query_params.get("n", ""),
            **company_extras(db, definitions, company, locale),
        },
    )


def company_extras(db, definitions, company: Company, locale: str) -> dict:
    """The company's progress over the rounds and its action plan, for the page."""
    return {
        "contacts": contacts_of(db, company.id),
        "mail": [(m, subject_of(m)) for m in outbox_page(db, OutboxFilter(company_id=company.id))[0]],
        "source_names": CONTACT_SOURCE_NAMES,
        "progress": company_progress_view(db, definitions, company.id, locale),
        "plan_actions": plan_rows(db, company.id, definitions.practices, locale, sort="due"),
        "plan_back": "company",
    }


@router.post("/staff/companies/{company_id}")
def edit_company(company_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    company = _company(db, company_id)
    try:
        update_company(db, company, staff.email, str(form.get("name", "")), str(form.get("code", "")))
    except DomainError as exc:
        return redirect(f"/staff/companies/{company_id}?e={exc.code}")
    return redirect(f"/staff/companies/{company_id}?n=saved")


@router.post("/staff/companies/{company_id}/merge")
def merge(company_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    """The other record (`other`) is the same company: it is merged into this one."""
    keep = _company(db, company_id)
    other_id = small_int(form.get("other", ""))
    other = db.get(Company, other_id) if other_id else None
    if other is None:
        raise HTTPException(404)
    try:
        merge_companies(db, keep, other, staff.email)
    except DomainError as exc:
        return redirect(f"/staff/companies/{company_id}?e={exc.code}")
    return redirect(f"/staff/companies/{company_id}?n=merged")


@router.post("/staff/responses/{response_id}/company")
def link_to_company(response_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    """A company that started through an open round is one staff already know: its
    record goes into the known company's (the response, and any other, move)."""
    response = db.get(Response, response_id)
    target_id = small_int(form.get("company_id", ""))
    target = db.get(Company, target_id) if target_id else None
    if response is None or target is None:
        raise HTTPException(404)
    try:
        link_response(db, response, target, staff.email)
    except DomainError as exc:
        return redirect(f"/staff/responses/{response_id}?e={exc.code}")
    return redirect(f"/staff/companies/{target.id}?n=merged")
