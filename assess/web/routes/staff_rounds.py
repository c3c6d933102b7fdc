"""Staff: survey rounds, invitations, the round overview and exports."""

from __future__ import annotations

import csv
import io
import re

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response as HttpResponse
from sqlmodel import select

from assess.accounts import audit
from assess.charts import bar_tally, heat_map, quartile_chart
from assess.db import write_transaction
from assess.export import table, to_csv, to_xlsx
from assess.i18n import N_, gettext
from assess.models import Company, Invitation, Response, Round
from assess.reporting import round_counts, round_overview
from assess.responses import create_invitation, invitation_token
from assess.web.auth import StaffDep
from assess.web.deps import DbDep, FormDep, RowId
from assess.web.security import FormRouter
from assess.web.templating import render

router = FormRouter()
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")
FIELDS = ("slug", "name_ja", "name_en", "region", "fiscal_year", "questionnaire", "status", "access",
          "organiser_ja", "organiser_en", "contact", "foreword_ja", "foreword_en")
MAX_CSV_ROWS = 2000


def get_round(db, round_id: int) -> Round:
    round_ = db.get(Round, round_id)
    if round_ is None:
        raise HTTPException(404)
    return round_


@router.get("/staff/rounds")
def rounds(request: Request, staff: StaffDep, db: DbDep):
    return render(request, "staff/rounds.html", {"rounds": db.exec(select(Round).order_by(Round.id)).all(), "counts": round_counts(db)})


def form_page(request, round_, values, errors, status=200):
    versions = [(f"{q.id}:{q.version}", f"{q.title.get(request.state.locale)} (v{q.version})") for q in request.app.state.registry.all()]
    return render(request, "staff/round_form.html", {"round": round_, "values": values, "errors": errors, "versions": versions}, status)


def values_of(round_: Round | None) -> dict:
    if round_ is None:
        return {"status": "open", "access": "open", "fiscal_year": ""}
    return {**round_.model_dump(), "questionnaire": f"{round_.questionnaire_id}:{round_.questionnaire_version}"}


def check(request, db, form, round_: Round | None) -> tuple[dict, dict]:
    values = {k: str(form.get(k, "")).strip() for k in FIELDS}
    errors = {}
    if not SLUG.match(values["slug"]):
        errors["slug"] = "slug"
    elif db.exec(select(Round).where(Round.slug == values["slug"], Round.id != (round_.id if round_ else -1))).first():
        errors["slug"] = "taken"
    for key in ("name_ja", "name_en"):
        if not values[key]:
            errors[key] = "required"
    if not values["fiscal_year"].isdigit() or not 1990 <= int(values["fiscal_year"]) <= 2100:
        errors["fiscal_year"] = "year"
    qid, _, version = values["questionnaire"].partition(":")
    if (qid, int(version) if version.isdigit() else 0) not in request.app.state.registry.versions:
        errors["questionnaire"] = "questionnaire"
    if values["status"] not in ("draft", "open", "closed"):
        errors["status"] = "choice"
    if values["access"] not in ("open", "invitation"):
        errors["access"] = "choice"
    return values, errors


def apply(round_: Round, values: dict) -> None:
    qid, _, version = values["questionnaire"].partition(":")
    for key in FIELDS:
        if key not in ("questionnaire", "fiscal_year"):
            setattr(round_, key, values[key])
    round_.fiscal_year = int(values["fiscal_year"])
    if round_.id is None:  # a round's questionnaire is fixed once it exists: responses depend on it
        round_.questionnaire_id, round_.questionnaire_version = qid, int(version)


@router.get("/staff/rounds/new")
def new_round(request: Request, staff: StaffDep):
    return form_page(request, None, values_of(None), {})


@router.post("/staff/rounds/new")
def create_round(request: Request, staff: StaffDep, form: FormDep, db: DbDep):
    values, errors = check(request, db, form, None)
    if errors:
        return form_page(request, None, values, errors, 400)
    round_ = Round(questionnaire_id="", questionnaire_version=0, fiscal_year=0, name_ja="", name_en="", slug="")
    apply(round_, values)
    with write_transaction(db):
        db.add(round_)
        db.flush()
        audit(db, staff.email, "round.create", "round", round_.id, after=round_.status)
    return RedirectResponse(f"/staff/rounds/{round_.id}", status_code=303)


@router.get("/staff/rounds/{round_id}/edit")
def edit_round(request: Request, round_id: RowId, staff: StaffDep, db: DbDep):
    round_ = get_round(db, round_id)
    return form_page(request, round_, values_of(round_), {})


@router.post("/staff/rounds/{round_id}/edit")
def update_round(request: Request, round_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    round_ = get_round(db, round_id)
    values, errors = check(request, db, form, round_)
    if errors:
        return form_page(request, round_, values, errors, 400)
    before = round_.status
    apply(round_, values)
    with write_transaction(db):
        db.add(round_)
        audit(db, staff.email, "round.update", "round", round_.id, before, round_.status)
    return RedirectResponse(f"/staff/rounds/{round_.id}", status_code=303)


def detail_page(request, db, round_, *, notice=None, error=None, status=200):
    secret = request.app.state.secret_key
    base = str(request.base_url).rstrip("/")
    rows = db.exec(select(Invitation, Company.name, Company.contact_note, Response.status)
                   .join(Company, Invitation.company_id == Company.id)
                   .join(Response, Invitation.response_id == Response.id, isouter=True)
                   .where(Invitation.round_id == round_.id).order_by(Invitation.id)).all()
    invitations = [{"company": name, "note": note, "status": status or "", "link": f"{base}/i/{invitation_token(secret, inv.nonce)}" if inv.nonce else ""}
                   for inv, name, note, status in rows]
    return render(request, "staff/round.html", {"round": round_, "counts": round_counts(db).get(round_.id, {}), "invitations": invitations,
                                                "public_link": f"{base}/r/{round_.slug}", "notice": notice, "error": error}, status)


@router.get("/staff/rounds/{round_id}")
def round_detail(request: Request, round_id: RowId, staff: StaffDep, db: DbDep):
    return detail_page(request, db, get_round(db, round_id))


def invite_many(db, round_, staff, secret: str, entries: list[tuple[str, str]]) -> int:
    for name, note in entries:
        company = Company(name=name[:200], contact_note=note[:2000])
        with write_transaction(db):
            db.add(company)
        db.refresh(company)
        create_invitation(db, round_, company, secret)
    with write_transaction(db):
        audit(db, staff.email, "round.invite", "round", round_.id, detail=f"{len(entries)} companies")
    return len(entries)


@router.post("/staff/rounds/{round_id}/invite")
def invite(request: Request, round_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    round_ = get_round(db, round_id)
    name = str(form.get("company", "")).strip()
    if not name:
        return detail_page(request, db, round_, error="name", status=400)
    invite_many(db, round_, staff, request.app.state.secret_key, [(name, str(form.get("note", "")).strip())])
    return RedirectResponse(f"/staff/rounds/{round_id}#invitations", status_code=303)


@router.post("/staff/rounds/{round_id}/invite-csv")
async def invite_csv(request: Request, round_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    round_ = get_round(db, round_id)
    upload = form.get("file")
    raw = await upload.read(2_000_000) if hasattr(upload, "read") else b""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp932")  # Excel in Japan saves CSV in Shift_JIS
        except UnicodeDecodeError:
            return detail_page(request, db, round_, error="encoding", status=400)
    entries = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0].strip() or row[0].strip().lower() in ("company", "会社名", "企業名"):
            continue
        entries.append((row[0].strip(), row[1].strip() if len(row) > 1 else ""))
    if not entries or len(entries) > MAX_CSV_ROWS:
        return detail_page(request, db, round_, error="csv", status=400)
    count = invite_many(db, round_, staff, request.app.state.secret_key, entries)
    return detail_page(request, db, round_, notice=count)


@router.get("/staff/rounds/{round_id}/overview")
def overview(request: Request, round_id: RowId, staff: StaffDep, db: DbDep):
    round_ = get_round(db, round_id)
    locale = request.state.locale
    q = request.app.state.registry.get(round_.questionnaire_id, round_.questionnaire_version)
    support_q = q.roles.get("support.needed")
    data = round_overview(db, round_.id, tuple(a.id for a in q.areas), support_q.id if support_q else None)
    labels = {a.id: a.label.get(locale) for a in q.areas}
    levels = {level.id: level.label.get(locale) for level in q.maturity_levels}
    support_labels = {o.value: o.label.get(locale) for o in support_q.options} if support_q else {}
    support_labels["other"] = gettext(locale, N_("Other"))
    goals = request.app.state.practices.sdg.goals()
    return render(request, "staff/overview.html", {
        "round": round_, "data": data, "labels": labels,
        "quartiles": quartile_chart([(labels[a], data["areas"][a]) for a in labels] + [(gettext(locale, N_("Overall")), data["overall"])],
                                    gettext(locale, N_("Area scores: quartiles"))),
        "levels": bar_tally([(levels[l.id], data["levels"].get(l.id, 0)) for l in q.maturity_levels], gettext(locale, N_("Maturity levels"))),
        "heat": heat_map(data["heat"], [(g.number, g.color) for g in goals], gettext(locale, N_("SDG goals by company"))),
        "support": bar_tally([(support_labels.get(k, k), v) for k, v in data["support"].items()], gettext(locale, N_("Support needed"))),
    })


@router.get("/staff/rounds/{round_id}/export.{fmt}")
def export(request: Request, round_id: RowId, fmt: str, staff: StaffDep, db: DbDep):
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404)
    round_ = get_round(db, round_id)
    locale = request.state.locale
    q = request.app.state.registry.get(round_.questionnaire_id, round_.questionnaire_version)
    header, rows = table(db, round_.id, q, locale)
    with write_transaction(db):
        audit(db, staff.email, f"round.export_{fmt}", "round", round_.id, detail=f"{len(rows)} rows")
    name = f"{round_.slug}-{locale}.{fmt}"
    if fmt == "csv":
        return HttpResponse(to_csv(header, rows), media_type="text/csv; charset=utf-8",
                            headers={"content-disposition": f'attachment; filename="{name}"'})
    return HttpResponse(to_xlsx(header, rows, round_.slug), headers={"content-disposition": f'attachment; filename="{name}"'},
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/staff/rounds/{round_id}/booklet.pdf")
def booklet_pdf(request: Request, round_id: RowId, staff: StaffDep, db: DbDep):
    from assess.pdf.render import RenderError
    from assess.pdf.service import print_booklet

    round_ = get_round(db, round_id)
    locale = request.state.locale
    try:
        pdf, cases = print_booklet(db, [round_.id], request.app.state.registry, request.app.state.practices, locale)
    except RenderError as exc:
        return render(request, "site/error.html", {"status": 500, "detail": str(exc)}, 500)
    with write_transaction(db):
        audit(db, staff.email, "round.booklet", "round", round_.id, detail=f"{cases} case studies, {locale}")
    return HttpResponse(pdf, media_type="application/pdf", headers={"content-disposition": f'attachment; filename="{round_.slug}-booklet-{locale}.pdf"'})
