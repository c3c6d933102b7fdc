"""Contact people: staff add and remove them on the company's page, a company gives its
own behind its private link (with consent), and anyone with a message stops the mail
through the opt-out link it carries."""

from __future__ import annotations

from fastapi import HTTPException, Request

from assess.db import retry_locked
from assess.models import Company, Contact, Round
from assess.services.contacts import (
    add_contact,
    contact_for_token,
    give_contact,
    opt_out,
    reachable,
    remove_contact,
)
from assess.services.errors import DomainError
from assess.vocab import ContactSource, Locale
from assess.web.csrf import FormRouter
from assess.web.deps import (
    BaseUrlDep,
    ContextDep,
    DbDep,
    DefinitionsDep,
    FormDep,
    LocaleDep,
    RowId,
    StaffDep,
    on_db,
)
from assess.web.rendering import private, redirect, render
from assess.web.respondents import respondent, response_locale, survey_context

router = FormRouter()


@router.post("/staff/companies/{company_id}/contacts")
def add(company_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    company = db.get(Company, company_id)
    if company is None:
        raise HTTPException(404)
    try:
        add_contact(
            db,
            company,
            str(form.get("name", "")),
            str(form.get("email", "")),
            str(form.get("language", "")),
            ContactSource.STAFF,
            staff.email,
        )
    except DomainError as exc:
        return redirect(f"/staff/companies/{company_id}?e={exc.code}#contacts")
    return redirect(f"/staff/companies/{company_id}?n=contact#contacts")


@router.post("/staff/contacts/{contact_id}/remove")
def remove(contact_id: RowId, staff: StaffDep, db: DbDep):
    contact = db.get(Contact, contact_id)
    if contact is None:
        raise HTTPException(404)
    try:
        remove_contact(db, contact, staff.email)
    except DomainError as exc:
        return redirect(f"/staff/companies/{contact.company_id}?e={exc.code}#contacts")
    return redirect(f"/staff/companies/{contact.company_id}#contacts")


# --- the company's own contact ----------------------------------------------------


def _contact_page(request, db, found, base_url, token, values=None, error="", saved=False, status=200):
    response, questionnaire = found
    round_ = db.get(Round, response.round_id)
    locale = request.state.locale
    return private(
        render(
            request,
            "survey/contact.html",
            {
                **survey_context(base_url, token, response, questionnaire, locale, []),
                "organiser": round_.organiser(locale) if round_ else "",
                "contacts": reachable(db, response.company_id),
                "values": values or {"name": "", "email": "", "language": locale},
                "languages": list(Locale),
                "error": error,
                "saved": saved,
            },
            status,
        )
    )


@router.get("/s/{token}/contact")
@on_db
def contact_page(request: Request, token: str, db: DbDep, definitions: DefinitionsDep, base_url: BaseUrlDep):
    found = respondent(db, definitions.registry, token)
    response_locale(request, found[0])
    saved = request.query_params.get("n") == "saved"
    return _contact_page(request, db, found, base_url, token, saved=saved)


@router.post("/s/{token}/contact")
@on_db
def give(
    request: Request, token: str, form: FormDep, db: DbDep, definitions: DefinitionsDep, base_url: BaseUrlDep
):
    found = respondent(db, definitions.registry, token)
    response = found[0]
    locale = response_locale(request, response)
    values = {key: str(form.get(key, ""))[:300] for key in ("name", "email", "language")}
    company = db.get(Company, response.company_id) if response.company_id else None
    if company is None:  # nothing answered about the company yet: the page says so
        return _contact_page(request, db, found, base_url, token, values, status=409)
    try:
        retry_locked(
            lambda: give_contact(
                db, company, values["name"], values["email"], values["language"], form.get("consent") == "yes"
            )
        )
    except DomainError as exc:
        return _contact_page(request, db, found, base_url, token, values, exc.text(locale), status=400)
    return redirect(f"/s/{token}/contact?n=saved")


# --- opting out ---------------------------------------------------------------------


def _opt_out_contact(db, context, token: str) -> Contact:
    contact = contact_for_token(db, context.secret, token)
    if contact is None:
        raise HTTPException(404)
    return contact


@router.get("/optout/{token}")
def opt_out_page(request: Request, token: str, db: DbDep, context: ContextDep, locale: LocaleDep):
    """A page with one button: following a link alone changes nothing (mail scanners follow links)."""
    contact = _opt_out_contact(db, context, token)
    company = db.get(Company, contact.company_id)
    return private(
        render(
            request,
            "site/optout.html",
            {
                "token": token,
                "contact": contact,
                "company": company,
                "done": contact.opted_out_at is not None,
            },
        )
    )


@router.post("/optout/{token}")
def opt_out_now(request: Request, token: str, db: DbDep, context: ContextDep):
    contact = _opt_out_contact(db, context, token)
    retry_locked(lambda: opt_out(db, contact))
    return redirect(f"/optout/{token}")
