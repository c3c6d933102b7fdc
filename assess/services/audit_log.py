"""The audit log for admins: events filtered by person, company, round, action and date,
a page at a time, newest first, each with a link to what it concerns; a CSV export; and
pruning events older than a date (the log is otherwise kept indefinitely).

Dates are calendar days in Japan (JST), as the page shows the times; events are stored in UTC.
Every filter is a condition in SQL (the company's and round's responses and actions are
subqueries), and names and links come from outer joins on primary keys for one page only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from urllib.parse import urlencode

from sqlalchemy import and_, case, delete, func, or_
from sqlmodel import Session, select

from assess.db import write_transaction
from assess.definitions.characters import forbidden_character
from assess.i18n import N_, gettext
from assess.models import Action, AuditEvent, Company, Response, Round, StaffUser
from assess.presentation.labels import AUDIT_ACTION_GROUPS, AUDIT_ACTION_NAMES, AUDIT_ACTOR_NAMES
from assess.services.audit import SYSTEM, audit
from assess.services.errors import DomainError
from assess.services.inputs import plain_date, small_int
from assess.services.spreadsheet import safe_cell, to_csv

JST = timezone(timedelta(hours=9), "JST")
PER_PAGE = 100
FIELDS = ("person", "company", "round", "action", "from", "to")  # the query's filter names
TEXT_MAX = 200  # characters of a person or company filter: the columns hold no more

PERSON_INVALID = N_("The person may be at most 200 characters long, without control characters.")
COMPANY_INVALID = N_(
    "The company may be at most 200 characters (its number, its code or part of its name), "
    "without control characters."
)
ROUND_INVALID = N_("Choose a round from the list.")
ACTION_INVALID = N_("Choose an action from the list.")
FROM_INVALID = N_("The “from” date is not a date between 2000 and 2100: write it as YYYY-MM-DD.")
TO_INVALID = N_("The “to” date is not a date between 2000 and 2100: write it as YYYY-MM-DD.")
DATES_REVERSED = N_("The “from” date is after the “to” date.")

RESPONSE_LABEL = N_("Response #{id}")
COMPANY_LABEL = N_("Company #{id}")
ACTION_LABEL = N_("Action #{id}: {title}")
ROUND_LABEL = N_("Round #{id}")
STAFF_LABEL = N_("Staff account #{id}")
TOKEN_LABEL = N_("API token #{id}")
TOKENS_LABEL = N_("API tokens")
INSTALLATION_LABEL = N_("The whole installation")
AUDIT_LOG_LABEL = N_("The audit log")
GONE = N_("no longer exists")

CSV_HEADER = (
    N_("When (JST)"),
    N_("Who"),
    N_("What"),
    N_("Action code"),
    N_("Concerning"),
    N_("Object type"),
    N_("Object id"),
    N_("Before"),
    N_("After"),
    N_("Detail"),
)


class PruneInFuture(DomainError):
    code = "prune_future"
    message = N_("Events can only be deleted before a day that has begun.")


# --- the filters -------------------------------------------------------------------


@dataclass
class AuditFilters:
    """The filters of the audit page's query string; `problems` names what could not be read."""

    person: str = ""
    company: str = ""  # as typed: a company's id, or text of its name or code
    company_id: int | None = None
    round_id: int | None = None
    action: str = ""  # a known action, or a group such as "response.*"
    start: date | None = None
    end: date | None = None
    page: int = 1
    problems: list[str] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)  # what the form shows again

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> AuditFilters:
        typed = {key: str(query.get(key, "")) for key in FIELDS}
        f = cls(typed={key: value[: TEXT_MAX * 2] for key, value in typed.items()})
        f.person = _text(typed["person"], PERSON_INVALID, f.problems)
        f.company = _text(typed["company"], COMPANY_INVALID, f.problems)
        f.company_id = small_int(f.company.removeprefix("#")) if f.company else None
        if typed["round"].strip():
            f.round_id = small_int(typed["round"]) or None
            if f.round_id is None:
                f.problems.append(ROUND_INVALID)
        action = typed["action"].strip()
        if action and action not in AUDIT_ACTION_NAMES and action not in AUDIT_ACTION_GROUPS:
            f.problems.append(ACTION_INVALID)
        else:
            f.action = action
        f.start = _day(typed["from"], FROM_INVALID, f.problems)
        f.end = _day(typed["to"], TO_INVALID, f.problems)
        if f.start and f.end and f.start > f.end:
            f.problems.append(DATES_REVERSED)
        f.page = small_int(str(query.get("page", ""))) or 1
        return f

    def messages(self, locale: str) -> list[str]:
        return [gettext(locale, problem) for problem in self.problems]

    def params(self) -> dict[str, str]:
        """The filters as read, for links to other pages and to the CSV file."""
        values = {
            "person": self.person,
            "company": self.company,
            "round": str(self.round_id or ""),
            "action": self.action,
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
        }
        return {key: value for key, value in values.items() if value}

    def link(self, path: str, page: int | None = None) -> str:
        params = self.params() | ({"page": str(page)} if page and page > 1 else {})
        return f"{path}?{urlencode(params)}" if params else path

    def summary(self) -> str:
        """The filters in one line, for the audit event of an export."""
        return " ".join(f"{key}={value}" for key, value in self.params().items())[:500]


def _text(value: str, problem: str, problems: list[str]) -> str:
    text = value.strip()
    if len(text) > TEXT_MAX or forbidden_character(text):
        problems.append(problem)
        return ""
    return text


def _day(value: str, problem: str, problems: list[str]) -> date | None:
    if not value.strip():
        return None
    day = plain_date(value)
    if day is None:
        problems.append(problem)
    return day


# --- the query -------------------------------------------------------------------


def day_start(day: date) -> datetime:
    """Midnight in Japan at the start of the day, as the UTC time events are stored in."""
    return datetime.combine(day, time(), JST).astimezone(UTC)


def _on(object_type: str, ids) -> object:
    return and_(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))


def _company_condition(f: AuditFilters):
    """Events on the company, on its responses and on its actions."""
    if f.company_id is not None:
        companies = select(Company.id).where(Company.id == f.company_id)
        own = AuditEvent.object_id == f.company_id  # also a company merged away since
    else:
        text = f.company.lower()
        companies = select(Company.id).where(
            or_(func.lower(Company.name).contains(text, autoescape=True), Company.code == f.company)
        )
        own = AuditEvent.object_id.in_(companies)
    return or_(
        and_(AuditEvent.object_type == "company", own),
        _on("response", select(Response.id).where(Response.company_id.in_(companies))),
        _on("action", select(Action.id).where(Action.company_id.in_(companies))),
    )


def _action_condition(action: str):
    if action in AUDIT_ACTION_GROUPS:
        return AuditEvent.action.startswith(action.removesuffix("*"), autoescape=True)
    return AuditEvent.action == action


def conditions(f: AuditFilters) -> list:
    found = []
    if f.person:
        found.append(func.lower(AuditEvent.actor).contains(f.person.lower(), autoescape=True))
    if f.company:
        found.append(_company_condition(f))
    if f.round_id is not None:
        responses = select(Response.id).where(Response.round_id == f.round_id)
        found.append(or_(_on("round", [f.round_id]), _on("response", responses)))
    if f.action:
        found.append(_action_condition(f.action))
    if f.start:
        found.append(AuditEvent.at >= day_start(f.start))
    if f.end:
        found.append(AuditEvent.at < day_start(f.end + timedelta(days=1)))
    return found


def _labelled(where: Iterable):
    """The events with what names and links need: outer joins on primary keys."""
    company_id = func.coalesce(
        Response.company_id,
        Action.company_id,
        case((AuditEvent.object_type == "company", AuditEvent.object_id)),
    )
    return (
        select(
            AuditEvent,
            Response.id,
            Action.id,
            Action.title,
            Company.id,
            Company.name,
            Round.id,
            Round.name_ja,
            Round.name_en,
            StaffUser.email,
        )
        .outerjoin(Response, and_(AuditEvent.object_type == "response", Response.id == AuditEvent.object_id))
        .outerjoin(Action, and_(AuditEvent.object_type == "action", Action.id == AuditEvent.object_id))
        .outerjoin(Company, Company.id == company_id)
        .outerjoin(Round, and_(AuditEvent.object_type == "round", Round.id == AuditEvent.object_id))
        .outerjoin(
            StaffUser, and_(AuditEvent.object_type == "staff_user", StaffUser.id == AuditEvent.object_id)
        )
        .where(*where)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


# --- what an event is and concerns ---------------------------------------------------


@dataclass
class Target:
    label: str
    href: str = ""  # "" when there is no page (or the object no longer exists)
    context: str = ""  # the company of a response or an action


@dataclass
class AuditRow:
    event: AuditEvent
    when: str  # JST
    who: str
    what: str
    target: Target


def local_time(at: datetime) -> datetime:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(JST)  # SQLite drops the zone


def _target(row, locale: str) -> Target:
    event, response_id, action_id, title, company_id, company, round_id, name_ja, name_en, email = row
    t = lambda text, **kw: gettext(locale, text, **kw)  # noqa: E731
    kind, oid = event.object_type, event.object_id
    if kind == "response":
        href = f"/staff/responses/{oid}" if response_id else ""
        return Target(t(RESPONSE_LABEL, id=oid), href, company or ("" if response_id else t(GONE)))
    if kind == "company":
        if company_id is None:
            return Target(t(COMPANY_LABEL, id=oid), "", t(GONE))
        return Target(company or t(COMPANY_LABEL, id=oid), f"/staff/companies/{oid}")
    if kind == "action":
        if action_id is None:
            return Target(t(ACTION_LABEL, id=oid, title=""), "", t(GONE))
        return Target(
            t(ACTION_LABEL, id=oid, title=title), f"/staff/companies/{company_id}#action-{oid}", company or ""
        )
    if kind == "round":
        name = (name_ja if locale == "ja" else name_en) or name_ja or name_en
        return Target(name or t(ROUND_LABEL, id=oid), f"/staff/rounds/{oid}" if round_id else "")
    if kind == "staff_user":
        return Target(email or t(STAFF_LABEL, id=oid), "/staff/users")
    if kind == "api_token":
        return Target(t(TOKEN_LABEL, id=oid) if oid else t(TOKENS_LABEL), "/staff/tokens")
    if kind == "installation":
        return Target(t(INSTALLATION_LABEL), "/staff/backup")
    if kind == "audit_log":
        return Target(t(AUDIT_LOG_LABEL), "/staff/audit")
    return Target(f"{kind} #{oid}" if oid is not None else kind)


def _row(row, locale: str) -> AuditRow:
    event = row[0]
    actor = AUDIT_ACTOR_NAMES.get(event.actor)
    what = AUDIT_ACTION_NAMES.get(event.action)
    return AuditRow(
        event=event,
        when=local_time(event.at).strftime("%Y-%m-%d %H:%M"),
        who=gettext(locale, actor) if actor else event.actor,
        what=gettext(locale, what) if what else event.action,
        target=_target(row, locale),
    )


# --- pages, the CSV file, pruning ----------------------------------------------------


@dataclass
class AuditPage:
    rows: list[AuditRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def count(db: Session, f: AuditFilters) -> int:
    return db.exec(select(func.count(AuditEvent.id)).where(*conditions(f))).one()


def audit_page(db: Session, f: AuditFilters, locale: str) -> AuditPage:
    """One page of the events the filters find, newest first, and how many there are."""
    where = conditions(f)
    total = count(db, f)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(f.page, 1), pages)
    ids = db.exec(
        select(AuditEvent.id)
        .where(*where)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    rows = db.exec(_labelled([AuditEvent.id.in_(ids)])).all() if ids else []
    return AuditPage([_row(r, locale) for r in rows], total, page, pages)


def action_choices(locale: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The groups, then every known action, each with its name, for the filter's list."""
    groups = [(key, gettext(locale, name)) for key, name in AUDIT_ACTION_GROUPS.items()]
    actions = sorted(((key, gettext(locale, name)) for key, name in AUDIT_ACTION_NAMES.items()), key=_by_name)
    return groups, actions


def _by_name(choice: tuple[str, str]) -> str:
    return choice[1]


def csv_rows(db: Session, f: AuditFilters, locale: str) -> list[list]:
    rows = []
    for found in db.exec(_labelled(conditions(f))):
        r = _row(found, locale)
        concerning = f"{r.target.label} ({r.target.context})" if r.target.context else r.target.label
        e = r.event
        rows.append([r.when, r.who, r.what, e.action, concerning])
        rows[-1] += [e.object_type, e.object_id, e.before, e.after, e.detail]
    return rows


def export_csv(db: Session, filters: AuditFilters, locale: str, actor: str = SYSTEM) -> bytes:
    """Every event the filters find as CSV (UTF-8 with a BOM, formulas neutralised); audited."""
    rows = csv_rows(db, filters, locale)
    with write_transaction(db):
        detail = f"{len(rows)} rows" + (f"; {filters.summary()}" if filters.params() else "")
        audit(db, actor, "audit.export_csv", "audit_log", None, detail=detail)
    header = [gettext(locale, name) for name in CSV_HEADER]
    return to_csv([safe_cell(h) for h in header], ([safe_cell(v) for v in row] for row in rows))


def older_than(db: Session, before: date) -> int:
    """How many events were recorded before the day began in Japan."""
    return db.exec(select(func.count(AuditEvent.id)).where(AuditEvent.at < day_start(before))).one()


def check_prune_day(before: date) -> None:
    """Only days that have begun in Japan: a later one would delete events still being made."""
    if before > datetime.now(JST).date():
        raise PruneInFuture()


def prune(db: Session, before: date, actor: str = SYSTEM) -> int:
    """Delete the events recorded before the day began in Japan; the deletion is itself an event."""
    check_prune_day(before)
    with write_transaction(db):
        deleted = db.exec(delete(AuditEvent).where(AuditEvent.at < day_start(before))).rowcount
        audit(db, actor, "audit.prune", "audit_log", None, detail=f"{deleted} events before {before} JST")
    return deleted
