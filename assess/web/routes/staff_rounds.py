"""Staff: survey rounds, invitations, the round overview, exports and the booklet."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import HTTPException, Request

from assess.i18n import N_, gettext
from assess.models import Round
from assess.presentation.charts import bar_tally, heat_map, quartile_chart
from assess.presentation.explain import maturity_levels
from assess.services.directory import publish_round
from assess.services.errors import FormInvalid, message_for
from assess.services.printing import print_booklet
from assess.services.reporting import round_overview
from assess.services.rounds import (
    FIELD_MESSAGES,
    RoundForm,
    create_round,
    list_rounds,
    round_counts,
    update_round,
)
from assess.services.spreadsheet import FORMATS, export_round
from assess.vocab import RoundStatus
from assess.web.csrf import FormRouter
from assess.web.deps import (
    BaseUrlDep,
    ContextDep,
    DbDep,
    DefinitionsDep,
    FormDep,
    LocaleDep,
    PrinterDep,
    RowId,
    StaffDep,
)
from assess.web.rendering import attachment, redirect, render
from assess.web.round_page import detail_page, get_round

router = FormRouter()


@router.get("/staff/rounds")
def rounds(request: Request, staff: StaffDep, db: DbDep):
    return render(request, "staff/rounds.html", {"rounds": list_rounds(db), "counts": round_counts(db)})


def form_page(
    request, definitions, locale: str, round_: Round | None, form: RoundForm, errors: dict, status=200
):
    versions = [
        (f"{q.id}:{q.version}", f"{q.title.get(locale)} (v{q.version})") for q in definitions.registry.all()
    ]
    return render(
        request,
        "staff/round_form.html",
        {
            "round": round_,
            "values": asdict(form),
            "errors": errors,
            "versions": versions,
            "statuses": list(RoundStatus),
            "messages": {code: gettext(locale, text) for code, text in FIELD_MESSAGES.items()},
        },
        status,
    )


@router.get("/staff/rounds/new")
def new_round(request: Request, staff: StaffDep, definitions: DefinitionsDep, locale: LocaleDep):
    latest = definitions.registry.all()[-1]
    return form_page(
        request,
        definitions,
        locale,
        None,
        RoundForm(questionnaire=f"{latest.id}:{latest.version}", reminder_days="14, 3"),
        {},
    )


@router.post("/staff/rounds/new")
def create(
    request: Request,
    staff: StaffDep,
    form: FormDep,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
):
    values = RoundForm.from_mapping(form)
    try:
        round_ = create_round(db, definitions.registry, values, staff.email)
    except FormInvalid as exc:
        return form_page(request, definitions, locale, None, values, exc.errors, 400)
    return redirect(f"/staff/rounds/{round_.id}")


@router.get("/staff/rounds/{round_id}/edit")
def edit_round(
    request: Request,
    round_id: RowId,
    staff: StaffDep,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
):
    round_ = get_round(db, round_id)
    return form_page(request, definitions, locale, round_, RoundForm.of(round_), {})


@router.post("/staff/rounds/{round_id}/edit")
def update(
    request: Request,
    round_id: RowId,
    staff: StaffDep,
    form: FormDep,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
):
    round_ = get_round(db, round_id)
    values = RoundForm.from_mapping(form)
    try:
        update_round(db, definitions.registry, round_, values, staff.email)
    except FormInvalid as exc:
        db.refresh(round_)
        return form_page(request, definitions, locale, round_, values, exc.errors, 400)
    return redirect(f"/staff/rounds/{round_.id}")


@router.get("/staff/rounds/{round_id}")
def round_detail(
    request: Request, round_id: RowId, staff: StaffDep, db: DbDep, context: ContextDep, base_url: BaseUrlDep
):
    # ?e=<code>: a step started from this page was refused (e.g. an interview on an invitation).
    code = request.query_params.get("e", "")
    error = message_for(code, request.state.locale) if code else ""
    return detail_page(request, db, context, base_url, get_round(db, round_id), error=error)


@router.post("/staff/rounds/{round_id}/publish")
def publish(round_id: RowId, staff: StaffDep, form: FormDep, db: DbDep):
    """Put the round's case studies in the public directory, or take them out."""
    choice = form.get("published")
    if choice not in ("0", "1"):  # a form without the choice changes nothing
        return redirect(f"/staff/rounds/{round_id}#directory")
    publish_round(db, get_round(db, round_id), staff, choice == "1")
    return redirect(f"/staff/rounds/{round_id}#directory")


@router.get("/staff/rounds/{round_id}/overview")
def overview(
    request: Request,
    round_id: RowId,
    staff: StaffDep,
    db: DbDep,
    definitions: DefinitionsDep,
    locale: LocaleDep,
):
    round_ = get_round(db, round_id)
    q = definitions.registry.get(round_.questionnaire_id, round_.questionnaire_version)
    support_q = q.roles.get("support.needed")
    data = round_overview(db, round_.id, tuple(a.id for a in q.areas), support_q.id if support_q else None)
    labels = {a.id: a.label.get(locale) for a in q.areas}
    support_labels = {o.value: o.label.get(locale) for o in support_q.options} if support_q else {}
    support_labels["other"] = gettext(locale, N_("Other"))
    sdg = definitions.practices.sdg
    goals = [sdg.goal(n) for n in data["goal_order"]]
    t = lambda text: gettext(locale, text)  # noqa: E731
    box_rows = [(labels[a], data["areas"][a]) for a in labels] + [(t(N_("Overall")), data["overall"])]
    return render(
        request,
        "staff/overview.html",
        {
            "round": round_,
            "data": data,
            "labels": labels,
            "quartiles": quartile_chart(box_rows, t(N_("Area scores: quartiles"))),
            "levels": bar_tally(
                [
                    (level["label"], data["levels"].get(level["id"], 0))
                    for level in maturity_levels(q, locale)
                ],
                t(N_("Maturity levels")),
            ),
            "heat": heat_map(
                data["heat"], [(g.number, g.color) for g in goals], t(N_("SDG goals by company"))
            ),
            "support": bar_tally(
                [(support_labels.get(k, k), v) for k, v in data["support"].items()], t(N_("Support needed"))
            ),
        },
    )


@router.get("/staff/rounds/{round_id}/export.{fmt}")
def export(
    round_id: RowId, fmt: str, staff: StaffDep, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep
):
    if fmt not in FORMATS:
        raise HTTPException(404)
    round_ = get_round(db, round_id)
    q = definitions.registry.get(round_.questionnaire_id, round_.questionnaire_version)
    content = export_round(db, round_, q, locale, fmt, staff.email)
    return attachment(content, FORMATS[fmt], f"{round_.slug}-{locale}.{fmt}")


@router.get("/staff/rounds/{round_id}/booklet.pdf")
def booklet_pdf(
    request: Request, round_id: RowId, staff: StaffDep, db: DbDep, printer: PrinterDep, locale: LocaleDep
):
    """`?for_print=1`: the print shop's file, with bleed and crop marks."""
    for_print = request.query_params.get("for_print") == "1"
    round_ = get_round(db, round_id)
    pdf = print_booklet(db, printer, round_, locale, staff.email, for_print)
    suffix = "-print" if for_print else ""
    return attachment(pdf, "application/pdf", f"{round_.slug}-booklet-{locale}{suffix}.pdf")
