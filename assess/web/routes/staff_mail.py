"""Staff: the outbox (every message with its text and its attempts), sending a round's
invitations, and a round's wording of each message with a preview."""

from __future__ import annotations

from fastapi import HTTPException, Request
from sqlmodel import select

from assess.models import Company, Invitation, OutboxMessage, Round
from assess.presentation.mail import KIND_NAMES, PLACEHOLDERS, compose, footer, sample_values
from assess.services.errors import DomainError, message_for
from assess.services.inputs import small_int
from assess.services.mail_events import queue_invitations
from assess.services.outbox import (
    Links,
    OutboxFilter,
    attempts_of,
    cancel,
    check_template,
    compose_message,
    outbox_page,
    reset_template,
    round_values,
    save_template,
    send_again,
    set_digest,
    status_counts,
    subject_of,
    template_for,
)
from assess.vocab import Locale, MessageKind, MessageStatus
from assess.web.csrf import FormRouter
from assess.web.deps import ContextDep, DbDep, FormDep, LocaleDep, RowId, StaffDep
from assess.web.rendering import redirect, render
from assess.web.round_page import get_round

router = FormRouter()


def _links(context) -> Links:
    return Links(context.settings.public_url, context.secret)


def _message(db, message_id: int) -> OutboxMessage:
    message = db.get(OutboxMessage, message_id)
    if message is None:
        raise HTTPException(404)
    return message


@router.get("/staff/outbox")
def outbox(request: Request, staff: StaffDep, db: DbDep, context: ContextDep, locale: LocaleDep):
    query = request.query_params
    where = OutboxFilter(
        status=query.get("status", ""),
        kind=query.get("kind", ""),
        round_id=small_int(query.get("round", "")),
        company_id=small_int(query.get("company", "")),
        page=small_int(query.get("page", "")) or 1,
    )
    messages, total = outbox_page(db, where)
    return render(
        request,
        "staff/outbox.html",
        {
            "messages": messages,
            "subjects": {m.id: subject_of(m) for m in messages},
            "total": total,
            "where": where,
            "counts": status_counts(db, where.round_id),
            "smtp": bool(context.settings.smtp_host),
            "statuses": list(MessageStatus),
            "kinds": [(k, KIND_NAMES[k]) for k in MessageKind],
            "kind_names": KIND_NAMES,
            "rounds": list(db.exec(select(Round).order_by(Round.id))),
            "digest": staff.digest,
            "error": message_for(query.get("e", ""), locale),
            "notice": query.get("n", ""),
        },
    )


@router.get("/staff/outbox/{message_id}")
def message_page(
    request: Request, message_id: RowId, staff: StaffDep, db: DbDep, context: ContextDep, locale: LocaleDep
):
    message = _message(db, message_id)
    return render(
        request,
        "staff/outbox_message.html",
        {
            "message": message,
            "composed": compose_message(db, message, _links(context)),
            "attempts": attempts_of(db, message.id),
            "kind_name": KIND_NAMES[message.kind],
            "smtp": bool(context.settings.smtp_host),
            "error": message_for(request.query_params.get("e", ""), locale),
        },
    )


@router.post("/staff/outbox/{message_id}/send-again")
def resend(message_id: RowId, staff: StaffDep, db: DbDep):
    return _decide(db, message_id, staff, send_again)


@router.post("/staff/outbox/{message_id}/cancel")
def cancel_message(message_id: RowId, staff: StaffDep, db: DbDep):
    return _decide(db, message_id, staff, cancel)


def _decide(db, message_id: int, staff, decision):
    """Staff's decision on one message, back on its page (with the reason when refused)."""
    try:
        decision(db, _message(db, message_id), staff.email)
    except DomainError as exc:
        return redirect(f"/staff/outbox/{message_id}?e={exc.code}")
    return redirect(f"/staff/outbox/{message_id}")


@router.post("/staff/outbox/digest")
def digest(staff: StaffDep, form: FormDep, db: DbDep):
    """The signed-in staff member's own choice: the daily digest of new submissions, or not."""
    set_digest(db, staff, form.get("digest") == "on")
    return redirect("/staff/outbox?n=digest")


@router.post("/staff/rounds/{round_id}/mail/invitations")
def send_invitations(round_id: RowId, staff: StaffDep, db: DbDep):
    round_ = get_round(db, round_id)
    try:
        queued = queue_invitations(db, round_, staff.email)
    except DomainError as exc:
        return redirect(f"/staff/rounds/{round_id}/mail?e={exc.code}")
    return redirect(f"/staff/rounds/{round_id}/mail?n={queued}")


@router.get("/staff/rounds/{round_id}/mail")
def round_mail(
    request: Request, round_id: RowId, staff: StaffDep, db: DbDep, context: ContextDep, locale: LocaleDep
):
    round_ = get_round(db, round_id)
    query = request.query_params
    wordings = [
        (kind, KIND_NAMES[kind], [(lang, template_for(db, round_.id, kind, lang)[2]) for lang in Locale])
        for kind in MessageKind
        if kind != MessageKind.DIGEST
    ]
    return render(
        request,
        "staff/round_mail.html",
        {
            "round": round_,
            "counts": status_counts(db, round_.id),
            "wordings": wordings,
            "smtp": bool(context.settings.smtp_host),
            "queued": small_int(query.get("n", "")),
            "error": message_for(query.get("e", ""), locale),
        },
    )


def _kind(kind: str) -> MessageKind:
    if kind not in tuple(MessageKind) or kind == MessageKind.DIGEST:
        raise HTTPException(404)
    return MessageKind(kind)


def _language(language: str) -> Locale:
    if language not in tuple(Locale):
        raise HTTPException(404)
    return Locale(language)


def _preview(db, context, round_: Round, kind: MessageKind, language: Locale, subject: str, body: str):
    """The message as the first invited company would receive it, with sample links."""
    invitation = db.exec(
        select(Invitation).where(Invitation.round_id == round_.id).order_by(Invitation.id)
    ).first()
    company = db.get(Company, invitation.company_id) if invitation else None
    base = context.settings.public_url
    values = {**sample_values(language, base), **round_values(round_, language)}
    if company is not None and company.name:
        values["company"] = company.name
    lines = footer(language, values["organiser"], values["organiser_contact"], values["opt_out_link"])
    return compose(subject, body, values, lines)


def _editor(request, db, context, round_, kind, language, subject, body, own, error="", status=200):
    return render(
        request,
        "staff/mail_template.html",
        {
            "round": round_,
            "kind": kind,
            "kind_name": KIND_NAMES[kind],
            "language": language,
            "subject": subject,
            "body": body,
            "own": own,
            "placeholders": PLACEHOLDERS[kind],
            "preview": _preview(db, context, round_, kind, language, subject, body) if not error else None,
            "error": error,
        },
        status,
    )


@router.get("/staff/rounds/{round_id}/mail/{kind}/{language}")
def edit_template(
    request: Request,
    round_id: RowId,
    kind: str,
    language: str,
    staff: StaffDep,
    db: DbDep,
    context: ContextDep,
):
    round_ = get_round(db, round_id)
    message_kind, lang = _kind(kind), _language(language)
    subject, body, own = template_for(db, round_.id, message_kind, lang)
    return _editor(request, db, context, round_, message_kind, lang, subject, body, own)


@router.post("/staff/rounds/{round_id}/mail/{kind}/{language}")
def save_template_form(
    request: Request,
    round_id: RowId,
    kind: str,
    language: str,
    staff: StaffDep,
    form: FormDep,
    db: DbDep,
    context: ContextDep,
    locale: LocaleDep,
):
    """`action`: preview (nothing saved), save, or reset (back to the shipped wording)."""
    round_ = get_round(db, round_id)
    message_kind, lang = _kind(kind), _language(language)
    subject, body = str(form.get("subject", "")), str(form.get("body", ""))
    action = form.get("action", "preview")
    try:
        if action == "reset":
            reset_template(db, round_, message_kind, lang, staff.email)
            return redirect(f"/staff/rounds/{round_id}/mail/{kind}/{language}")
        check_template(message_kind, subject, body)
        if action == "save":
            save_template(db, round_, message_kind, lang, subject, body, staff.email)
            return redirect(f"/staff/rounds/{round_id}/mail/{kind}/{language}?n=saved")
    except DomainError as exc:
        own = template_for(db, round_.id, message_kind, lang)[2]
        return _editor(
            request, db, context, round_, message_kind, lang, subject, body, own, exc.text(locale), 400
        )
    own = template_for(db, round_.id, message_kind, lang)[2]
    return _editor(request, db, context, round_, message_kind, lang, subject, body, own)
