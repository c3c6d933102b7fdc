"""Which events write which messages: invitations staff send, a response returned or
approved, reminders before a round closes, actions coming due, and the staff digest.

Each function adds messages to the caller's transaction (the event's own), with a key
naming the cause, so running a schedule twice, or in two processes, sends nothing twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import (
    Action,
    Company,
    Invitation,
    OutboxMessage,
    Response,
    Round,
    StaffUser,
    utcnow,
)
from assess.services.audit import SYSTEM, audit
from assess.services.contacts import reachable
from assess.services.errors import InvalidInput, NotAllowed
from assess.services.outbox import long_date, queue, round_values, to_contact
from assess.vocab import OPEN_ACTIONS, MessageKind, MessageStatus, ResponseStatus, ReviewAction, RoundStatus

JST_OFFSET = timedelta(hours=9)
DIGEST_HOUR = 8  # JST: the digest of the day before goes out with the first run after this
ACTION_NOTICE_DAYS = 7  # a company hears of an action this many days before it is due
MAX_REMINDERS, MAX_REMINDER_DAYS = 5, 120


class RoundNotOpen(NotAllowed):
    code = "round_not_open"
    message = N_("Invitations can be sent while the round is open.")


class BadReminderDays(InvalidInput):
    code = "reminder_days"
    message = N_("Enter up to 5 whole numbers of days before closing, such as 14, 3 (each 1 to 120).")


def reminder_days(text: str) -> list[int]:
    """ "14, 3" as [14, 3]; BadReminderDays for anything else."""
    parts = [p for p in re.split(r"[,、，\s]+", text.strip()) if p]
    if len(parts) > MAX_REMINDERS or not all(p.isdigit() and len(p) <= 3 for p in parts):
        raise BadReminderDays()
    days = sorted({int(p) for p in parts}, reverse=True)
    if any(not 1 <= d <= MAX_REMINDER_DAYS for d in days):
        raise BadReminderDays()
    return days


# --- events staff cause -----------------------------------------------------------


def queue_invitations(db: Session, round_: Round, actor: str) -> int:
    """An invitation message to every reachable contact of every company invited to the
    round that has not had one; how many were queued."""
    if round_.status != RoundStatus.OPEN:
        raise RoundNotOpen()
    queued = 0
    with write_transaction(db):
        rows = db.exec(
            select(Invitation, Company)
            .join(Company, Company.id == Invitation.company_id)
            .where(Invitation.round_id == round_.id)
            .order_by(Invitation.id)
        ).all()
        for invitation, company in rows:
            for contact in reachable(db, company.id):
                values = {
                    **round_values(round_, contact.locale),
                    "company": company.name,
                    "invitation_id": invitation.id,
                }
                key = f"invitation:{invitation.id}:{contact.id}"
                queued += to_contact(db, key, MessageKind.INVITATION, contact, values, round_.id)
        audit(db, actor, "mail.invitations", "round", round_.id, detail=f"{queued} messages")
    return queued


def queue_review_notice(
    db: Session, response: Response, step: ReviewAction, comment: str, event_id: int
) -> int:
    """Inside the review step's transaction: tell the company it was returned or approved."""
    kinds = {ReviewAction.RETURN: MessageKind.RETURNED, ReviewAction.APPROVE: MessageKind.APPROVED}
    if step not in kinds or response.company_id is None:
        return 0
    round_ = db.get(Round, response.round_id)
    company = db.get(Company, response.company_id)
    queued = 0
    for contact in reachable(db, response.company_id):
        values = {
            **round_values(round_, contact.locale),
            "company": company.name if company else "",
            "response_id": response.id,
            "comment": comment,
        }
        key = f"{kinds[step]}:{event_id}:{contact.id}"
        queued += to_contact(db, key, kinds[step], contact, values, response.round_id)
    return queued


# --- the schedule ---------------------------------------------------------------


@dataclass(frozen=True)
class Scheduled:
    reminders: int = 0
    actions: int = 0
    digests: int = 0


def run_schedule(db: Session, now: datetime | None = None, staff_locale: str = "ja") -> Scheduled:
    """Queue what is due at `now`: reminders, action notices, the staff digest (in
    `staff_locale`, the installation's default language)."""
    now = now or utcnow()
    today = (now.astimezone(UTC) + JST_OFFSET).date()
    with write_transaction(db):
        result = Scheduled(
            _reminders(db, today), _action_notices(db, today), _digests(db, now, today, staff_locale)
        )
        if result != Scheduled():
            audit(
                db,
                SYSTEM,
                "mail.schedule",
                "outbox",
                None,
                detail=f"{result.reminders} reminders, {result.actions} actions, {result.digests} digests",
            )
    return result


def _reminders(db: Session, today: date) -> int:
    queued = 0
    for round_ in db.exec(select(Round).where(Round.status == RoundStatus.OPEN, Round.closes_on != None)):  # noqa: E711
        try:
            days = reminder_days(round_.reminder_days)
        except BadReminderDays:
            continue
        left = (round_.closes_on - today).days
        due = [d for d in days if d >= left >= 0]
        if due:
            queued += _remind(db, round_, min(due), left)
    return queued


def _remind(db: Session, round_: Round, day: int, left: int) -> int:
    """Reminder `day` to contacts whose invitation went out before that day and whose
    company has not submitted."""
    reminder_day = round_.closes_on - timedelta(days=day)
    invited_before = datetime.combine(reminder_day, time(), UTC) - JST_OFFSET
    rows = db.exec(
        select(Invitation, Response.status)
        .join(Response, Response.id == Invitation.response_id, isouter=True)
        .where(Invitation.round_id == round_.id)
    ).all()
    queued = 0
    submitted = set(
        db.exec(
            select(Response.company_id).where(
                Response.round_id == round_.id, Response.status != ResponseStatus.DRAFT
            )
        )
    )
    for invitation, status in rows:
        # Per company: one that submitted through any link of the round is not reminded.
        if status not in (None, ResponseStatus.DRAFT) or invitation.company_id in submitted:
            continue
        company = db.get(Company, invitation.company_id)
        for contact in reachable(db, invitation.company_id):
            sent = db.exec(
                select(OutboxMessage.created_at).where(
                    OutboxMessage.key == f"invitation:{invitation.id}:{contact.id}",
                    OutboxMessage.status != MessageStatus.CANCELLED,
                )
            ).first()
            if sent is None or _aware(sent) >= invited_before:
                continue
            values = {
                **round_values(round_, contact.locale),
                "company": company.name if company else "",
                "invitation_id": invitation.id,
                "days_left": left,
            }
            key = f"reminder:{invitation.id}:{contact.id}:{day}"
            queued += to_contact(db, key, MessageKind.REMINDER, contact, values, round_.id)
    return queued


def _action_notices(db: Session, today: date) -> int:
    horizon = today + timedelta(days=ACTION_NOTICE_DAYS)
    actions = db.exec(
        select(Action).where(
            col(Action.status).in_(OPEN_ACTIONS),
            Action.due_on != None,  # noqa: E711
            Action.due_on >= today,
        )
    ).all()
    queued = 0
    for action in (a for a in actions if a.due_on <= horizon):
        response = db.get(Response, action.response_id)
        round_ = db.get(Round, response.round_id) if response else None
        company = db.get(Company, action.company_id)
        if round_ is None:
            continue
        for contact in reachable(db, action.company_id):
            values = {
                **round_values(round_, contact.locale),
                "company": company.name if company else "",
                "response_id": action.response_id,
                "action": action.title,
                "due_date": long_date(action.due_on, contact.locale),
            }
            key = f"action_due:{action.id}:{action.due_on}:{contact.id}"
            queued += to_contact(db, key, MessageKind.ACTION_DUE, contact, values, round_.id)
    return queued


def _digests(db: Session, now: datetime, today: date, locale: str) -> int:
    if (now.astimezone(UTC) + JST_OFFSET).hour < DIGEST_HOUR:
        return 0
    queued = 0
    for staff in db.exec(select(StaffUser).where(StaffUser.active == True, StaffUser.digest == True)):  # noqa: E712
        last = db.exec(
            select(OutboxMessage.values)
            .where(OutboxMessage.staff_id == staff.id, OutboxMessage.kind == MessageKind.DIGEST)
            .order_by(col(OutboxMessage.id).desc())
        ).first()
        # From where the last digest ended; the first covers yesterday and today so far (JST).
        first = datetime.combine(today - timedelta(days=1), time(), UTC) - JST_OFFSET
        since = datetime.fromisoformat(last["until"]) if last and last.get("until") else first
        lines = _submissions_since(db, since, now, locale)
        if not lines:
            continue
        values = {
            "staff_name": staff.display_name or staff.email,
            "count": len(lines),
            "submissions": "\n".join(lines),
            "until": now.astimezone(UTC).isoformat(),  # where the next digest starts
        }
        key = f"digest:{staff.id}:{today}"
        queued += queue(
            db,
            key,
            MessageKind.DIGEST,
            staff.email,
            locale,
            values,
            to_name=staff.display_name,
            staff_id=staff.id,
        )
    return queued


def _submissions_since(db: Session, since: datetime, now: datetime, locale: str) -> list[str]:
    rows = db.exec(
        select(Response, Company.name, Round)
        .join(Company, Company.id == Response.company_id, isouter=True)
        .join(Round, Round.id == Response.round_id)
        .where(Response.submitted_at != None, Response.submitted_at >= since, Response.submitted_at < now)  # noqa: E711
        .order_by(Response.submitted_at)
    ).all()
    line = "・{name}（{round}）{at}" if locale == "ja" else "- {name} ({round}), {at}"
    return [
        line.format(
            name=name or f"#{response.id}",
            round=round_.name(locale),
            at=f"{_aware(response.submitted_at) + JST_OFFSET:%Y-%m-%d %H:%M}",
        )
        for response, name, round_ in rows
    ]


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite gives naive UTC times
