"""The JSON API under /api/ for staff sessions and admin-made API tokens.

Documented by FastAPI's OpenAPI page at /api/docs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel
from sqlmodel import func, select

from assess.models import Company, Response, ResponseScore, Round
from assess.services.feedback import score_response
from assess.services.responses import load_answers
from assess.vocab import ResponseStatus, ScoreKind
from assess.web.deps import ApiUserDep, DbDep, DefinitionsDep, RowId

router = APIRouter(prefix="/api", tags=["api"])


class RoundPublic(BaseModel):
    id: int
    slug: str
    name_ja: str
    name_en: str
    region: str
    fiscal_year: int
    questionnaire_id: str
    questionnaire_version: int
    status: str
    access: str


class AreaScorePublic(BaseModel):
    area: str
    score: float | None
    level: str | None


class ResponsePublic(BaseModel):
    id: int
    round_id: int
    company_id: int | None
    company_name: str
    prefecture: str
    industry: str
    employees: str
    status: str
    submitted_at: datetime | None
    overall_score: float | None
    overall_level: str | None


class ResponsePage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[ResponsePublic]


class ResponseDetail(ResponsePublic):
    questionnaire_id: str
    questionnaire_version: int
    content_hash: str
    answers: dict[str, Any]
    areas: list[AreaScorePublic]


class TargetPublic(BaseModel):
    code: str
    goal: int
    contribution: float
    practices: list[str]


class GoalPublic(BaseModel):
    number: int
    aggregate: float  # sum of its targets' contributions
    level: str  # by the aggregate: none, some or strong
    distinctiveness: float  # how much the goal stands out for the company
    rank: int  # by distinctiveness; equal values share a rank
    signature: bool
    practices: list[str]  # behind its distinctiveness, largest part first


class SdgProfile(BaseModel):
    response_id: int
    signature_goals: list[int]  # most distinctive first; [] when nothing stands out yet
    goals: list[GoalPublic]  # all 17, most distinctive first
    targets: list[TargetPublic]


def _public(response: Response, company: Company | None) -> ResponsePublic:
    return ResponsePublic(
        id=response.id,
        round_id=response.round_id,
        company_id=response.company_id,
        company_name=company.name if company else "",
        prefecture=company.prefecture if company else "",
        industry=company.industry if company else "",
        employees=company.employees if company else "",
        status=response.status,
        submitted_at=response.submitted_at,
        overall_score=response.overall_score,
        overall_level=response.overall_level,
    )


@router.get("/rounds", response_model=list[RoundPublic])
def api_rounds(user: ApiUserDep, db: DbDep):
    return [RoundPublic(**r.model_dump()) for r in db.exec(select(Round).order_by(Round.id))]


@router.get("/rounds/{round_id}/responses", response_model=ResponsePage)
def api_round_responses(
    round_id: RowId,
    user: ApiUserDep,
    db: DbDep,
    offset: int = Query(0, ge=0, le=10_000_000),
    limit: int = Query(100, ge=1, le=500),
):
    if db.get(Round, round_id) is None:
        raise HTTPException(404, detail="no such round")
    where = (Response.round_id == round_id, Response.status != ResponseStatus.DRAFT)
    total = db.exec(select(func.count()).select_from(Response).where(*where)).one()
    rows = db.exec(
        select(Response, Company)
        .join(Company, Response.company_id == Company.id, isouter=True)
        .where(*where)
        .order_by(Response.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return ResponsePage(total=total, offset=offset, limit=limit, items=[_public(r, c) for r, c in rows])


def _response(db, response_id: int) -> tuple[Response, Company | None]:
    response = db.get(Response, response_id)
    if response is None or response.status == ResponseStatus.DRAFT:
        raise HTTPException(404, detail="no such submitted response")
    return response, db.get(Company, response.company_id) if response.company_id else None


@router.get("/responses/{response_id}", response_model=ResponseDetail)
def api_response(response_id: RowId, user: ApiUserDep, db: DbDep):
    response, company = _response(db, response_id)
    areas = [
        AreaScorePublic(area=s.key, score=s.value, level=s.level)
        for s in db.exec(
            select(ResponseScore).where(
                ResponseScore.response_id == response.id, ResponseScore.kind == ScoreKind.AREA
            )
        )
    ]
    return ResponseDetail(
        **_public(response, company).model_dump(),
        questionnaire_id=response.questionnaire_id,
        questionnaire_version=response.questionnaire_version,
        content_hash=response.content_hash,
        answers=load_answers(db, response.id),
        areas=areas,
    )


@router.get("/responses/{response_id}/sdg", response_model=SdgProfile)
def api_sdg(response_id: RowId, user: ApiUserDep, db: DbDep, definitions: DefinitionsDep):
    response, _ = _response(db, response_id)
    result = score_response(db, definitions, response)
    return SdgProfile(
        response_id=response.id,
        signature_goals=[g.number for g in result.signature_goals],
        goals=[
            GoalPublic(
                number=g.number,
                aggregate=g.aggregate,
                level=g.level,
                distinctiveness=round(g.distinctiveness, 4),
                rank=g.rank,
                signature=g.signature,
                practices=list(g.drivers),
            )
            for g in result.goals
        ],
        targets=[
            TargetPublic(
                code=t.code, goal=t.goal, contribution=t.contribution, practices=[p for p, _ in t.practices]
            )
            for t in result.targets
        ],
    )
