"""A round's responses as a table: CSV and XLSX for spreadsheets.

One row per response, one column per question (labels in the chosen
language, multiple choices joined), then scores, levels and per-goal SDG
contributions. Text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session, select

from assess.db import write_transaction
from assess.i18n import N_, gettext
from assess.models import Answer, Company, Response, ResponseScore, Round
from assess.presentation.labels import LABELS
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.types import answer_text
from assess.services.audit import audit
from assess.vocab import SCORED, ScoreKind

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value: Any) -> Any:
    """Prefix text a spreadsheet would treat as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table(
    db: Session, round_id: int, questionnaire: Questionnaire, locale: str
) -> tuple[list[str], list[list[Any]]]:
    responses = db.exec(
        select(Response, Company.name)
        .join(Company, Response.company_id == Company.id, isouter=True)
        .where(Response.round_id == round_id, Response.status.in_(SCORED))
        .order_by(Response.id)
    ).all()
    ids = [r.id for r, _ in responses]
    answers: dict[int, dict] = {i: {} for i in ids}
    scores: dict[int, dict] = {i: {} for i in ids}
    entered: dict[int, dict[str, list[str]]] = {i: {} for i in ids}  # staff member -> question ids
    if ids:
        for a in db.exec(select(Answer).where(Answer.response_id.in_(ids))):
            answers[a.response_id][a.question_id] = a.value
            if a.entered_by and "." not in a.question_id:
                entered[a.response_id].setdefault(a.entered_by, []).append(a.question_id)
        for s in db.exec(select(ResponseScore).where(ResponseScore.response_id.in_(ids))):
            scores[s.response_id][(s.kind, s.key)] = s
    areas = [(a.id, a.label.get(locale)) for a in questionnaire.areas]
    levels = {level.id: level.label.get(locale) for level in questionnaire.maturity_levels}
    t = lambda text, **kw: gettext(locale, text, **kw)  # noqa: E731
    header = [
        t(N_("Response")),
        t(N_("Company")),
        t(N_("Status")),
        t(N_("Submitted on")),
        t(N_("Overall score")),
        t(N_("Maturity level")),
    ]
    for _, label in areas:
        header += [label, f"{label} ({t(N_('Maturity level'))})"]
    header += [t(N_("Signature goals"))]
    header += [t(N_("SDG {n}"), n=n) for n in range(1, 18)]
    header += [q.label.get(locale) for q in questionnaire.questions]
    header += [t(N_("Entered from a paper form dated")), t(N_("Answers entered by staff"))]
    rows = []
    for response, company in responses:
        a, s = answers[response.id], scores[response.id]
        row = [
            response.id,
            company or "",
            gettext(locale, LABELS[response.status]),
            response.submitted_at.strftime("%Y-%m-%d %H:%M") if response.submitted_at else "",
            response.overall_score,
            levels.get(response.overall_level or "", ""),
        ]
        for area_id, _ in areas:
            cached = s.get((ScoreKind.AREA, area_id))
            row += [cached.value if cached else None, levels.get(cached.level or "", "") if cached else ""]
        row += [_signatures(s)]
        row += [
            s[(ScoreKind.GOAL, str(n))].value if (ScoreKind.GOAL, str(n)) in s else 0.0 for n in range(1, 18)
        ]
        row += [answer_text(q, a.get(q.id), a, locale) for q in questionnaire.questions]
        row += [response.paper_on.isoformat() if response.paper_on else "", _entered(entered[response.id])]
        rows.append([safe_cell(v) for v in row])
    return [safe_cell(h) for h in header], rows


def _entered(by_staff: dict[str, list[str]]) -> str:
    """Who entered which answers in interviews: "a@example.org: q1, q2; b@example.org: q3"."""
    return "; ".join(f"{who}: {', '.join(sorted(ids))}" for who, ids in sorted(by_staff.items()))


def _signatures(cached: dict) -> str:
    """The signature goals, most distinctive first: "15, 2, 12"."""
    rows = [row for (kind, _), row in cached.items() if kind == ScoreKind.SIGNATURE]
    return ", ".join(row.key for row in sorted(rows, key=lambda row: int(row.level or 0)))


def to_csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel in Japan reads UTF-8 then


def to_xlsx(header: list[str], rows: Iterable[list[Any]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31] or "responses"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_round(
    db: Session, round_: Round, questionnaire: Questionnaire, locale: str, fmt: str, actor: str
) -> bytes:
    """A round's responses as CSV or XLSX; every export is audited."""
    header, rows = table(db, round_.id, questionnaire, locale)
    with write_transaction(db):
        audit(db, actor, f"round.export_{fmt}", "round", round_.id, detail=f"{len(rows)} rows")
    return to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, round_.slug)
