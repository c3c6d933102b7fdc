"""Staff: inviting companies to a round, one by one or from a CSV file. A company
already known (by its code, or by an exact name and prefecture that staff confirm)
is invited again rather than recorded twice."""

from __future__ import annotations

from dataclasses import replace

from fastapi import Request

from assess.presentation.labels import profile_labels
from assess.services.companies import InviteEntry
from assess.services.errors import DomainError
from assess.services.inputs import small_int
from assess.services.invitation_csv import MAX_CSV_BYTES, UploadTooLarge, read_invitations, refused_lines
from assess.services.invitations import invite, pack, plan_invitations, unpack
from assess.web.csrf import FormRouter
from assess.web.deps import BaseUrlDep, ContextDep, DbDep, FormDep, LocaleDep, RowId, StaffDep
from assess.web.rendering import redirect
from assess.web.round_page import detail_page, get_round

router = FormRouter()


def _prefecture(context, value: str) -> str:
    """A prefecture as stored: its option value, also when the file gives its name (佐賀県, Saga)."""
    by_name = {
        label: code
        for locale in ("ja", "en")
        for code, label in profile_labels(context.definitions.registry.all(), locale)["prefecture"].items()
    }
    return by_name.get(value, value)


def _plan(db, context, entries):
    """The entries with known companies found by code, and those staff must confirm."""
    entries = [replace(e, prefecture=_prefecture(context, e.prefecture)) for e in entries]
    return plan_invitations(db, entries)


def _confirm_page(request, db, context, base_url, round_, resolved, pending):
    text, signature = pack(context.secret, resolved)
    confirm = {"pending": pending, "entries": text, "signature": signature}
    return detail_page(request, db, context, base_url, round_, confirm=confirm)


@router.post("/staff/rounds/{round_id}/invite")
def invite_one(
    request: Request,
    round_id: RowId,
    staff: StaffDep,
    form: FormDep,
    db: DbDep,
    context: ContextDep,
    base_url: BaseUrlDep,
    locale: LocaleDep,
):
    round_ = get_round(db, round_id)
    entry = InviteEntry(
        str(form.get("company", "")),
        str(form.get("note", "")),
        str(form.get("code", "")),
        str(form.get("prefecture", "")),
        contact_name=str(form.get("contact_name", "")),
        email=str(form.get("email", "")),
        contact_locale=str(form.get("contact_language", "")),
    )
    try:
        resolved, pending = _plan(db, context, [entry])
        if pending:
            return _confirm_page(request, db, context, base_url, round_, resolved, pending)
        invite(db, round_, staff.email, context.secret, resolved)
    except DomainError as exc:
        return detail_page(request, db, context, base_url, round_, error=exc.text(locale), status=400)
    return redirect(f"/staff/rounds/{round_id}#invitations")


@router.post("/staff/rounds/{round_id}/invite-csv")
async def invite_csv(
    request: Request,
    round_id: RowId,
    staff: StaffDep,
    form: FormDep,
    db: DbDep,
    context: ContextDep,
    base_url: BaseUrlDep,
    locale: LocaleDep,
):
    round_ = get_round(db, round_id)
    upload = form.get("file")
    # One byte more than allowed tells a file at the limit from a larger one: never cut silently.
    raw = await upload.read(MAX_CSV_BYTES + 1) if hasattr(upload, "read") else b""
    try:
        report = read_invitations(raw)
        if report.refused:  # all or nothing: say what to fix, invite nobody yet
            refused = (len(report.entries), refused_lines(report, locale))
            return detail_page(request, db, context, base_url, round_, csv_report=refused, status=400)
        resolved, pending = _plan(db, context, report.entries)
        if pending:
            return _confirm_page(request, db, context, base_url, round_, resolved, pending)
        tokens = invite(db, round_, staff.email, context.secret, resolved)
    except DomainError as exc:
        status = 413 if isinstance(exc, UploadTooLarge) else 400
        return detail_page(request, db, context, base_url, round_, error=exc.text(locale), status=status)
    return detail_page(request, db, context, base_url, round_, notice=len(tokens))


@router.post("/staff/rounds/{round_id}/invite/confirm")
def confirm_invitations(
    request: Request,
    round_id: RowId,
    staff: StaffDep,
    form: FormDep,
    db: DbDep,
    context: ContextDep,
    base_url: BaseUrlDep,
    locale: LocaleDep,
):
    """Staff's answer for each entry that may be a known company: `same-<i>` names it."""
    round_ = get_round(db, round_id)
    try:
        entries = unpack(context.secret, str(form.get("entries", "")), str(form.get("signature", "")))
        chosen = {i: small_int(form.get(f"same-{i}", "")) for i in range(len(entries))}
        entries = [replace(e, company_id=e.company_id or chosen[i]) for i, e in enumerate(entries)]
        tokens = invite(db, round_, staff.email, context.secret, entries)
    except DomainError as exc:
        return detail_page(request, db, context, base_url, round_, error=exc.text(locale), status=400)
    return detail_page(request, db, context, base_url, round_, notice=len(tokens))
