"""Admins: the audit log, filtered and exported."""

from __future__ import annotations

from fastapi import Request

from assess.models import utcnow
from assess.services.audit_log import AuditFilters, action_choices, audit_page, export_csv, local_time
from assess.services.rounds import list_rounds
from assess.services.spreadsheet import FORMATS
from assess.web.csrf import FormRouter
from assess.web.deps import AdminDep, DbDep, LocaleDep
from assess.web.rendering import attachment, render

router = FormRouter()


def log_page(request: Request, db, filters: AuditFilters, locale: str):
    """The page; with filters it cannot read, their messages and no events (400)."""
    groups, actions = action_choices(locale)
    listing = None if filters.problems else audit_page(db, filters, locale)
    return render(
        request,
        "staff/audit.html",
        {
            "filters": filters,
            "typed": filters.typed,
            "errors": filters.messages(locale),
            "listing": listing,
            "rounds": list_rounds(db),
            "action_groups": groups,
            "action_names": actions,
            "page_link": lambda n: filters.link("/staff/audit", n),
            "csv_link": filters.link("/staff/audit.csv"),
        },
        400 if filters.problems else 200,
    )


@router.get("/staff/audit")
def audit_log(request: Request, admin: AdminDep, db: DbDep, locale: LocaleDep):
    return log_page(request, db, AuditFilters.from_query(request.query_params), locale)


@router.get("/staff/audit.csv")
def audit_csv(request: Request, admin: AdminDep, db: DbDep, locale: LocaleDep):
    """Every event the filters find, as a spreadsheet reads it; the download is itself recorded."""
    filters = AuditFilters.from_query(request.query_params)
    if filters.problems:
        return log_page(request, db, filters, locale)
    content = export_csv(db, filters, locale, actor=admin.email)
    day = local_time(utcnow()).strftime("%Y%m%d")
    return attachment(content, FORMATS["csv"], f"audit-log-{day}-{locale}.csv")
