"""The JSON API for companies over the years: each company with its responses in
every round, and its action plan."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from assess.models import Company
from assess.services.companies import actions_of_company, list_companies, responses_of
from assess.web.deps import ApiUserDep, DbDep, RowId

router = APIRouter(prefix="/api", tags=["api"])


class CompanyPublic(BaseModel):
    id: int
    code: str | None  # a stable code staff gave, such as the corporate number
    name: str
    prefecture: str
    industry: str
    employees: str
    responses: int


class CompanyPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[CompanyPublic]


class RoundResponsePublic(BaseModel):
    response_id: int
    round_id: int
    round_slug: str
    fiscal_year: int
    questionnaire_version: int
    status: str
    submitted_at: datetime | None
    overall_score: float | None
    overall_level: str | None
    carried_from_id: int | None  # the earlier response its answers started from


class CompanyDetail(CompanyPublic):
    rounds: list[RoundResponsePublic]  # latest fiscal year first


class ActionPublic(BaseModel):
    id: int
    response_id: int  # where it was planned
    title: str
    practice: str | None
    owner: str
    due_on: date | None
    status: str  # planned, in_progress, done, not_feasible
    note: str
    achieved_in_id: int | None  # a later response whose answers show the practice
    updated_at: datetime


def _public(company: Company, responses: int) -> CompanyPublic:
    return CompanyPublic(
        id=company.id,
        code=company.code,
        name=company.name,
        prefecture=company.prefecture,
        industry=company.industry,
        employees=company.employees,
        responses=responses,
    )


def _company(db, company_id: int) -> Company:
    company = db.get(Company, company_id)
    if company is None:
        raise HTTPException(404, detail="no such company")
    return company


@router.get("/companies", response_model=CompanyPage)
def api_companies(
    user: ApiUserDep,
    db: DbDep,
    offset: int = Query(0, ge=0, le=10_000_000),
    limit: int = Query(100, ge=1, le=500),
    code: str | None = Query(
        None, max_length=40, pattern=r"^[A-Za-z0-9-]+$", description="Only the company with this company code"
    ),
):
    total, rows = list_companies(db, offset, limit, code)
    return CompanyPage(total=total, offset=offset, limit=limit, items=[_public(c, n) for c, n in rows])


@router.get("/companies/{company_id}", response_model=CompanyDetail)
def api_company(company_id: RowId, user: ApiUserDep, db: DbDep):
    company = _company(db, company_id)
    found = responses_of(db, company.id)
    rounds = [
        RoundResponsePublic(
            response_id=item.response.id,
            round_id=item.round.id,
            round_slug=item.round.slug,
            fiscal_year=item.round.fiscal_year,
            questionnaire_version=item.response.questionnaire_version,
            status=item.response.status,
            submitted_at=item.response.submitted_at,
            overall_score=item.response.overall_score,
            overall_level=item.response.overall_level,
            carried_from_id=item.response.carried_from_id,
        )
        for item in found
    ]
    return CompanyDetail(**_public(company, len(found)).model_dump(), rounds=rounds)


@router.get("/companies/{company_id}/actions", response_model=list[ActionPublic])
def api_company_actions(company_id: RowId, user: ApiUserDep, db: DbDep):
    company = _company(db, company_id)
    return [
        ActionPublic(**a.model_dump(include=set(ActionPublic.model_fields)))
        for a in actions_of_company(db, company.id)
    ]
