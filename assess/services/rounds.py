"""Survey rounds: one set of rules for creating and changing them, from the
staff workspace and from the command line alike."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, select

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import Invitation, Response, Round
from assess.questionnaire.registry import Registry
from assess.services.audit import audit
from assess.services.errors import FormInvalid
from assess.services.inputs import plain_date, small_int
from assess.services.mail_events import BadReminderDays, reminder_days
from assess.vocab import ResponseStatus, RoundAccess, RoundStatus

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")
YEARS = (1990, 2100)
BOOKLET_TEXTS = ("foreword_ja", "foreword_en", "findings_ja", "findings_en")
BOOKLET_TEXT_MAX = 8000  # characters of one booklet text; the "long" message says the number
FIELD_MESSAGES = {  # the problem codes of `check_round`
    "slug": N_("Use 2–61 lowercase letters, digits and hyphens."),
    "taken": N_("Another round uses this short name."),
    "required": N_("Required."),
    "year": N_("Enter a year such as 2025."),
    "questionnaire": N_("Choose a loaded questionnaire."),
    "choice": N_("Choose one of the options."),
    "date": N_("Enter a date such as 2026-03-31, or leave it empty."),
    "reminders": BadReminderDays.message,
    "long": N_("At most 8,000 characters: this text is longer."),
}


@dataclass
class RoundForm:
    """A round as a form gives it: every value a string, checked by `check_round`."""

    slug: str = ""
    name_ja: str = ""
    name_en: str = ""
    region: str = ""
    fiscal_year: str = ""
    closes_on: str = ""  # YYYY-MM-DD, or empty
    questionnaire: str = ""  # "id:version"; "id" alone means its latest version
    status: str = RoundStatus.OPEN
    access: str = RoundAccess.OPEN
    organiser_ja: str = ""
    organiser_en: str = ""
    contact: str = ""
    reminder_days: str = ""  # e.g. "14, 3": days before closing on which to remind by e-mail
    foreword_ja: str = ""
    foreword_en: str = ""
    findings_ja: str = ""  # the booklet's findings chapter, each printed in its own language only
    findings_en: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RoundForm:
        """A form from posted values; a field not posted keeps its default."""
        return cls(**{f.name: str(values[f.name] or "").strip() for f in fields(cls) if f.name in values})

    @classmethod
    def of(cls, round_: Round) -> RoundForm:
        data = {f.name: str(getattr(round_, f.name, "") or "") for f in fields(cls)}
        data["questionnaire"] = f"{round_.questionnaire_id}:{round_.questionnaire_version}"
        return cls(**data)


def find_round(db: Session, slug: str) -> Round | None:
    return db.exec(select(Round).where(Round.slug == slug)).first()


def find_round_by_name(db: Session, name: str) -> Round | None:
    """A round by its slug, or by its id written as digits."""
    found = find_round(db, name)
    number = small_int(name)
    if found is None and number is not None:
        found = db.get(Round, number)
    return found


def list_rounds(db: Session) -> list[Round]:
    return list(db.exec(select(Round).order_by(Round.id)))


def check_round(
    db: Session, registry: Registry, form: RoundForm, existing: Round | None = None
) -> dict[str, str]:
    """Each field with a problem, mapped to its code (shown next to the field)."""
    errors = {}
    if not SLUG.match(form.slug):
        errors["slug"] = "slug"
    elif db.exec(
        select(Round.id).where(Round.slug == form.slug, Round.id != (existing.id if existing else -1))
    ).first():
        errors["slug"] = "taken"
    for key in ("name_ja", "name_en"):
        if not getattr(form, key):
            errors[key] = "required"
    year = small_int(form.fiscal_year, max_digits=4)
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        errors["fiscal_year"] = "year"
    if existing is None and _questionnaire(registry, form.questionnaire) is None:
        errors["questionnaire"] = "questionnaire"
    if form.closes_on and plain_date(form.closes_on) is None:
        errors["closes_on"] = "date"
    try:
        reminder_days(form.reminder_days)
    except BadReminderDays:
        errors["reminder_days"] = "reminders"
    errors.update({key: "long" for key in BOOKLET_TEXTS if len(getattr(form, key)) > BOOKLET_TEXT_MAX})
    if form.status not in tuple(RoundStatus):
        errors["status"] = "choice"
    if form.access not in tuple(RoundAccess):
        errors["access"] = "choice"
    return errors


def _questionnaire(registry: Registry, value: str) -> tuple[str, int] | None:
    qid, _, version = value.partition(":")
    if not version:
        candidates = [key for key in registry.versions if key[0] == qid]
        return max(candidates, key=lambda key: key[1]) if candidates else None
    number = small_int(version)
    key = (qid, number) if number is not None else None
    return key if key in registry.versions else None


def create_round(db: Session, registry: Registry, form: RoundForm, actor: str) -> Round:
    errors = check_round(db, registry, form)
    if errors:
        raise FormInvalid(errors)
    qid, version = _questionnaire(registry, form.questionnaire) or ("", 0)
    round_ = Round(
        slug=form.slug,
        name_ja="",
        name_en="",
        fiscal_year=0,
        questionnaire_id=qid,
        questionnaire_version=version,
    )
    _apply(round_, form)
    with write_transaction(db):
        db.add(round_)
        db.flush()
        audit(db, actor, "round.create", "round", round_.id, after=round_.status)
    db.refresh(round_)
    return round_


def update_round(db: Session, registry: Registry, round_: Round, form: RoundForm, actor: str) -> Round:
    """Change a round; its questionnaire stays as it was (responses depend on it)."""
    errors = check_round(db, registry, form, round_)
    if errors:
        raise FormInvalid(errors)
    before = round_.status
    _apply(round_, form)
    with write_transaction(db):
        db.add(round_)
        audit(db, actor, "round.update", "round", round_.id, before, round_.status)
    db.refresh(round_)
    return round_


def _apply(round_: Round, form: RoundForm) -> None:
    for key in (
        "slug",
        "name_ja",
        "name_en",
        "region",
        "organiser_ja",
        "organiser_en",
        "contact",
        *BOOKLET_TEXTS,
    ):
        setattr(round_, key, getattr(form, key))
    round_.fiscal_year = small_int(form.fiscal_year, max_digits=4)
    round_.closes_on = plain_date(form.closes_on) if form.closes_on else None
    round_.reminder_days = ", ".join(str(d) for d in reminder_days(form.reminder_days))
    round_.status, round_.access = RoundStatus(form.status), RoundAccess(form.access)


def round_counts(db: Session) -> dict[int, dict[str, int]]:
    """Per round: invited, started, submitted (ever), approved."""
    counts: dict[int, dict[str, int]] = {}
    for round_id, invited in db.exec(select(Invitation.round_id, func.count()).group_by(Invitation.round_id)):
        counts.setdefault(round_id, {})["invited"] = invited
    query = select(
        Response.round_id,
        func.count(),
        func.sum(case((Response.status != ResponseStatus.DRAFT, 1), else_=0)),
        func.sum(case((Response.status == ResponseStatus.APPROVED, 1), else_=0)),
    ).group_by(Response.round_id)
    for round_id, started, submitted, approved in db.exec(query):
        counts.setdefault(round_id, {}).update(
            started=started, submitted=int(submitted or 0), approved=int(approved or 0)
        )
    return counts
