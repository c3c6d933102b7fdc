"""Action plans: a company turns its next steps into actions and follows them up.

A plan belongs to the company, not to one response: any private link of the
company reaches all of its actions (and only those), across rounds. Staff
comment on actions; the company sees the comments. When a later response of
the company is submitted, `mark_achieved` notes the actions its answers now
evidence. Every change is audited with the status before and after.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from assess.db import write_transaction
from assess.i18n import N_, gettext
from assess.models import Action, ActionComment, Company, Response, Round, StaffUser, utcnow
from assess.presentation.feedback import TOP_OPPORTUNITIES
from assess.presentation.labels import ACTION_STATUS_NAMES
from assess.scoring.catalogue import PracticeCatalogue
from assess.services.audit import COMPANY, audit
from assess.services.errors import FormInvalid, InvalidInput, NotAllowed
from assess.services.feedback import score_response
from assess.services.startup import Definitions
from assess.vocab import OPEN_ACTIONS, ActionStatus

TITLE_WORDING = 40  # characters: a suggested title longer than this reads as a paragraph
TITLE_MAX, PRACTICE_MAX, OWNER_MAX, NOTE_MAX, COMMENT_MAX = 200, 80, 100, 2000, 2000
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)  # ASCII: "２０２６-０３-３１" is no date here
MAX_DAYS_AHEAD = 3660  # actions_due looks at most ten years ahead
# The companies are Japanese: "today" and "overdue" follow Japan's calendar (no summer time).
JST = timezone(timedelta(hours=9), "JST")
SORTS = ("new", "due", "status")  # newest plans first; by due date; grouped by status
STATUS_ORDER = {status: i for i, status in enumerate(ActionStatus)}


# --- what the rules refuse ---------------------------------------------------------


class ActionTitleRequired(InvalidInput):
    code = "action_title"
    message = N_("Write what you will do.")


class ActionTitleTooLong(InvalidInput):
    code = "action_title_long"
    message = N_("Keep the action to 200 characters or fewer.")


class ActionOwnerTooLong(InvalidInput):
    code = "action_owner_long"
    message = N_("Keep the name of the person in charge to 100 characters or fewer.")


class ActionNoteTooLong(InvalidInput):
    code = "action_note_long"
    message = N_("Keep the note to 2,000 characters or fewer.")


class UnknownPractice(InvalidInput):
    code = "action_practice"
    message = N_("Choose one of the next steps, or your own idea.")


class InvalidDueDate(InvalidInput):
    code = "action_due"
    message = N_("Enter a date such as 2026-03-31.")


class InvalidActionStatus(InvalidInput):
    code = "action_status"
    message = N_("Choose one of the statuses.")


class CommentMissing(InvalidInput):
    code = "action_comment"
    message = N_("Write a comment for the company.")


class CommentTooLong(InvalidInput):
    code = "action_comment_long"
    message = N_("Keep the comment to 2,000 characters or fewer.")


class NoCompanyYet(NotAllowed):
    """A draft whose company profile is not answered yet has no company to plan for."""

    code = "action_company"
    message = N_("Answer the company profile first: the action plan belongs to your company.")


# --- the form ------------------------------------------------------------------------


@dataclass
class ActionForm:
    """An action as a form gives it: every value a string, checked by `check_action`."""

    title: str = ""
    practice: str = ""
    owner: str = ""
    due_on: str = ""  # an <input type="date"> value: YYYY-MM-DD
    status: str = ActionStatus.PLANNED
    note: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ActionForm:
        """A form from posted values; a field not posted keeps its default."""
        posted = {f.name: values[f.name] for f in fields(cls) if f.name in values}
        return cls(**{k: v.strip() if isinstance(v, str) else "" for k, v in posted.items()})

    @classmethod
    def of(cls, action: Action) -> ActionForm:
        return cls(
            title=action.title,
            practice=action.practice or "",
            owner=action.owner,
            due_on=action.due_on.isoformat() if action.due_on else "",
            status=str(action.status),
            note=action.note,
        )


@dataclass(frozen=True)
class CleanAction:
    title: str
    practice: str | None
    owner: str
    due_on: date | None
    status: ActionStatus
    note: str


def parse_due_date(text: str) -> date | None:
    """A due date from a form: "" is none; else an ISO date from 2000-01-01 to 2100-12-31."""
    text = text.strip()
    if not text:
        return None
    if not ISO_DATE.fullmatch(text):
        raise InvalidDueDate()
    try:
        value = date.fromisoformat(text)
    except ValueError:  # 2026-02-30
        raise InvalidDueDate() from None
    if not EARLIEST <= value <= LATEST:
        raise InvalidDueDate()
    return value


def _text_problems(form: ActionForm) -> dict[str, str]:
    errors = {}
    if not form.title:
        errors["title"] = ActionTitleRequired.code
    elif len(form.title) > TITLE_MAX:
        errors["title"] = ActionTitleTooLong.code
    if len(form.owner) > OWNER_MAX:
        errors["owner"] = ActionOwnerTooLong.code
    if len(form.note) > NOTE_MAX:
        errors["note"] = ActionNoteTooLong.code
    return errors


def check_action(form: ActionForm, catalogue: PracticeCatalogue) -> CleanAction:
    """The form's values, cleaned; FormInvalid maps each wrong field to the code of its problem."""
    errors = _text_problems(form)
    if form.practice and (len(form.practice) > PRACTICE_MAX or form.practice not in catalogue):
        errors["practice"] = UnknownPractice.code
    due: date | None = None
    try:
        due = parse_due_date(form.due_on)
    except InvalidDueDate:
        errors["due_on"] = InvalidDueDate.code
    if form.status not in tuple(ActionStatus):
        errors["status"] = InvalidActionStatus.code
    if errors:
        raise FormInvalid(errors)
    return CleanAction(
        title=form.title,
        practice=form.practice or None,
        owner=form.owner,
        due_on=due,
        status=ActionStatus(form.status),
        note=form.note,
    )


# --- changes ---------------------------------------------------------------------------


def create_action(
    db: Session, response: Response, catalogue: PracticeCatalogue, form: ActionForm, actor: str = COMPANY
) -> Action:
    """A new action of the response's company, planned on this response."""
    if response.company_id is None:
        raise NoCompanyYet()
    clean = check_action(form, catalogue)
    with write_transaction(db):
        action = Action(company_id=response.company_id, response_id=response.id, **asdict(clean))
        db.add(action)
        db.flush()
        audit(db, actor, "action.create", "action", action.id, "", clean.status, f"response {response.id}")
    return action


def update_action(
    db: Session, action: Action, catalogue: PracticeCatalogue, form: ActionForm, actor: str = COMPANY
) -> Action:
    """Change an action; the audit names the fields that changed."""
    clean = check_action(form, catalogue)
    before = action.status
    changed = [key for key, value in asdict(clean).items() if getattr(action, key) != value]
    if not changed:
        return action
    with write_transaction(db):
        for key in changed:
            setattr(action, key, getattr(clean, key))
        action.updated_at = utcnow()
        db.add(action)
        audit(db, actor, "action.update", "action", action.id, before, clean.status, ", ".join(changed))
    return action


def publish_plan(db: Session, response: Response, published: bool) -> None:
    """The company's consent (or its withdrawal) to show its action plan in its published case study."""
    company = db.get(Company, response.company_id) if response.company_id else None
    if company is None:
        raise NoCompanyYet()
    if company.plan_published == published:
        return
    with write_transaction(db):
        before, company.plan_published = company.plan_published, published
        db.add(company)
        audit(db, COMPANY, "action_plan.publish", "company", company.id, str(before), str(published))


def published_plan(
    db: Session, company: Company | None, catalogue: PracticeCatalogue, locale: str
) -> list[dict]:
    """What a case study shows of the company's plan, only with its consent: each action's title,
    the next step it serves and its status; never the person in charge or the notes."""
    if company is None or not company.plan_published:
        return []
    shown = (ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED)
    return [
        {
            "title": a.title,
            "practice_label": practice_label(catalogue, a.practice, locale) if a.practice else "",
            "status": str(a.status),
            "status_label": gettext(locale, ACTION_STATUS_NAMES[a.status]),
        }
        for a in sorted(
            (a for a in list_actions(db, company.id, "due") if a.status in shown),
            key=lambda a: shown.index(a.status),
        )
    ]


def add_comment(db: Session, action: Action, staff: StaffUser, text: str) -> ActionComment:
    """A staff member's comment on an action; the company sees it with the action."""
    text = text.strip()
    if not text:
        raise CommentMissing()
    if len(text) > COMMENT_MAX:
        raise CommentTooLong()
    with write_transaction(db):
        comment = ActionComment(action_id=action.id, author=staff.display_name or staff.email, text=text)
        db.add(comment)
        audit(db, staff.email, "action.comment", "action", action.id, action.status, action.status)
    return comment


# --- reading -----------------------------------------------------------------------------


def today_in_japan() -> date:
    return datetime.now(JST).date()


def company_action(db: Session, response: Response, action_id: int) -> Action | None:
    """An action of the response's company; None for any other company's action."""
    action = db.get(Action, action_id)
    if action is None or response.company_id is None or action.company_id != response.company_id:
        return None
    return action


def is_overdue(action: Action, today: date) -> bool:
    """Still to do, not shown achieved, and its due date has passed."""
    return (
        action.status in OPEN_ACTIONS
        and action.achieved_in_id is None
        and action.due_on is not None
        and action.due_on < today
    )


def sort_actions(actions: list[Action], sort: str = "new") -> list[Action]:
    """Newest plans first ("new"), by due date with undated last ("due"), or grouped by
    status in the order planned, in progress, done, not feasible, each by due date ("status")."""
    newest = sorted(actions, key=lambda a: (a.created_at, a.id or 0), reverse=True)
    if sort == "due":
        return sorted(newest, key=lambda a: (a.due_on is None, a.due_on or LATEST))
    if sort == "status":
        return sorted(
            newest, key=lambda a: (STATUS_ORDER.get(a.status, 9), a.due_on is None, a.due_on or LATEST)
        )
    return newest


def list_actions(db: Session, company_id: int | None, sort: str = "new") -> list[Action]:
    """All of a company's actions (see sort_actions for the orders)."""
    if company_id is None:
        return []
    return sort_actions(list(db.exec(select(Action).where(Action.company_id == company_id))), sort)


def _comments(db: Session, action_ids: list[int]) -> dict[int, list[dict]]:
    by_action: dict[int, list[dict]] = {i: [] for i in action_ids}
    if action_ids:
        query = (
            select(ActionComment)
            .where(ActionComment.action_id.in_(action_ids))
            .order_by(ActionComment.created_at, ActionComment.id)
        )
        for c in db.exec(query):
            by_action[c.action_id].append({"author": c.author, "text": c.text, "at": c.created_at})
    return by_action


def practice_label(catalogue: PracticeCatalogue, practice: str | None, locale: str) -> str:
    """The practice's name; an id the catalogue no longer knows stays as it is."""
    if not practice:
        return ""
    return catalogue[practice].label.get(locale) if practice in catalogue else practice


def plan_rows(
    db: Session,
    company_id: int | None,
    catalogue: PracticeCatalogue,
    locale: str,
    today: date | None = None,
    sort: str = "new",
) -> list[dict]:
    """A company's actions for pages and reports (templates/*/_actions.html, survey/actions.html):
    each a dict with id, title, practice, practice_label, owner, due_on (date or None),
    status, status_label, overdue, note, planned_in (round name), planned_response_id,
    achieved_in (round name or ""), achieved_in_id, comments (author, text, at), created_at."""
    actions = list_actions(db, company_id, sort)
    today = today or today_in_japan()
    responses = {a.response_id for a in actions} | {a.achieved_in_id for a in actions if a.achieved_in_id}
    rounds = _round_names(db, responses, locale)
    comments = _comments(db, [a.id for a in actions if a.id is not None])
    return [
        {
            "id": a.id,
            "title": a.title,
            "practice": a.practice or "",
            "practice_label": practice_label(catalogue, a.practice, locale),
            "owner": a.owner,
            "due_on": a.due_on,
            "status": str(a.status),
            "status_label": gettext(locale, ACTION_STATUS_NAMES[a.status]),
            "overdue": is_overdue(a, today),
            "note": a.note,
            "planned_in": rounds.get(a.response_id, ""),
            "planned_response_id": a.response_id,
            "achieved_in": rounds.get(a.achieved_in_id, "") if a.achieved_in_id else "",
            "achieved_in_id": a.achieved_in_id,
            "comments": comments.get(a.id or 0, []),
            "created_at": a.created_at,
        }
        for a in actions
    ]


def _round_names(db: Session, response_ids: set[int], locale: str) -> dict[int, str]:
    if not response_ids:
        return {}
    rows = db.exec(
        select(Response.id, Round)
        .join(Round, Round.id == Response.round_id)
        .where(Response.id.in_(response_ids))
    )
    return {response_id: round_.name(locale) for response_id, round_ in rows}


def next_steps(db: Session, definitions: Definitions, response: Response, locale: str) -> list[dict]:
    """The response's next steps, most valuable first, as choices for a new action: practice id,
    label, suggestion, a suggested title, and `top` for those the results page shows first."""
    catalogue = definitions.practices
    result = score_response(db, definitions, response)
    return [
        {
            "practice": o.practice,
            "label": catalogue[o.practice].label.get(locale),
            "suggestion": catalogue[o.practice].suggestion.get(locale),
            "title": suggested_title(catalogue, o.practice, locale),
            "top": i < TOP_OPPORTUNITIES,
        }
        for i, o in enumerate(result.opportunities)
        if o.practice in catalogue
    ]


def suggested_title(catalogue: PracticeCatalogue, practice: str, locale: str) -> str:
    """A first wording for an action serving a practice: the suggestion's first sentence when
    it is as short as a title, else the practice's name (the whole suggestion stays beside it)."""
    if practice not in catalogue:
        return ""
    suggestion = catalogue[practice].suggestion.get(locale).strip()
    first = re.split(r"(?<=[。.!?])\s*", suggestion, maxsplit=1)[0]
    if 0 < len(first) <= TITLE_WORDING:
        return first
    return catalogue[practice].label.get(locale)[:TITLE_MAX]


@dataclass(frozen=True)
class DueAction:
    """An open action due within the days asked, or overdue (for the staff dashboard)."""

    action_id: int
    company_id: int
    company_name: str
    response_id: int  # where it was planned: /staff/responses/<id>
    title: str
    due_on: date
    status: ActionStatus
    overdue: bool
    days_left: int  # negative when overdue


def actions_due(db: Session, today: date, within_days: int = 14, limit: int | None = None) -> list[DueAction]:
    """Open actions (planned or in progress, not shown achieved) of every company whose due date
    is at most `within_days` after `today`, overdue ones included; earliest due first."""
    horizon = today + timedelta(days=max(0, min(int(within_days), MAX_DAYS_AHEAD)))
    query = (
        select(Action, Company.name)
        .join(Company, Company.id == Action.company_id)
        .where(
            Action.status.in_(OPEN_ACTIONS),
            Action.achieved_in_id.is_(None),
            Action.due_on.is_not(None),
            Action.due_on <= horizon,
        )
        .order_by(Action.due_on, Company.name, Action.id)
    )
    if limit is not None:
        query = query.limit(max(0, limit))
    return [
        DueAction(
            action_id=a.id,
            company_id=a.company_id,
            company_name=name,
            response_id=a.response_id,
            title=a.title,
            due_on=a.due_on,
            status=a.status,
            overdue=a.due_on < today,
            days_left=(a.due_on - today).days,
        )
        for a, name in db.exec(query)
        if a.id is not None and a.due_on is not None
    ]


@dataclass(frozen=True)
class RoundAction:
    """One action of a company of a round, for the export."""

    action: Action
    company_name: str
    planned_in: Round  # the round of the response it was planned on
    achieved_in: Round | None  # the round of the response that shows it achieved
    comments: int  # staff comments


def actions_of_round(db: Session, round_id: int) -> list[RoundAction]:
    """Every action of the companies with a response in the round, also those planned in other
    rounds (each names its own round); by company name, then oldest plan first."""
    companies = (
        select(Response.company_id)
        .where(Response.round_id == round_id, Response.company_id.is_not(None))
        .distinct()
    )
    planned, achieved = aliased(Response), aliased(Response)
    planned_round, achieved_round = aliased(Round), aliased(Round)
    rows = db.exec(
        select(Action, Company.name, planned_round, achieved_round)
        .join(Company, Company.id == Action.company_id)
        .join(planned, planned.id == Action.response_id)
        .join(planned_round, planned_round.id == planned.round_id)
        .outerjoin(achieved, achieved.id == Action.achieved_in_id)
        .outerjoin(achieved_round, achieved_round.id == achieved.round_id)
        .where(Action.company_id.in_(companies))
        .order_by(Company.name, Company.id, Action.created_at, Action.id)
    ).all()
    ids = [a.id for a, *_ in rows]
    counts: dict[int, int] = {}
    if ids:
        counts = dict(
            db.exec(
                select(ActionComment.action_id, func.count())
                .where(ActionComment.action_id.in_(ids))
                .group_by(ActionComment.action_id)
            ).all()
        )
    return [
        RoundAction(action, name, p_round, a_round, counts.get(action.id, 0))
        for action, name, p_round, a_round in rows
    ]
