"""Staff: the dashboard, the workspace's home page: open rounds' funnels, what waits for
review or for a company, actions due and rounds closing soon, each figure a link to its list."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from fastapi import Request

from assess.i18n import N_, gettext
from assess.presentation.charts import funnel_chart
from assess.presentation.labels import ACTION_STATUS_NAMES, STATUS_NAMES
from assess.services.dashboard import ACTION_DAYS, ACTION_ROWS, CLOSING_DAYS, Funnel, dashboard
from assess.vocab import ResponseStatus
from assess.web.csrf import FormRouter
from assess.web.deps import DbDep, LocaleDep, StaffDep
from assess.web.rendering import render

router = FormRouter()

STAGES = (  # the funnel's stages: the Funnel field, its name, the list it counts
    ("invited", N_("Invited"), "/staff/rounds/{id}#invitations"),
    ("started", N_("Started"), "/staff/responses?round={id}&status=all"),
    ("submitted", N_("Submitted"), "/staff/responses?round={id}"),
    ("in_review", STATUS_NAMES[ResponseStatus.IN_REVIEW], "/staff/responses?round={id}&status=in_review"),
    ("approved", STATUS_NAMES[ResponseStatus.APPROVED], "/staff/responses?round={id}&status=approved"),
)
DATE_PATTERNS = {"ja": "y年M月d日", "en": "d MMM y"}


def date_text(day: date | None, locale: str) -> str:
    if day is None:
        return "–"
    return format_date(day, DATE_PATTERNS.get(locale, DATE_PATTERNS["en"]), locale=locale)


def stages_of(funnel: Funnel, locale: str) -> list[dict]:
    return [
        {
            "label": gettext(locale, name),
            "count": getattr(funnel, key),
            "link": link.format(id=funnel.round_id),
        }
        for key, name, link in STAGES
    ]


@router.get("/staff")
def staff_dashboard(request: Request, staff: StaffDep, db: DbDep, locale: LocaleDep):
    # ?actions=all: every due action; ?actions=overdue: those overdue (the lists the counts link to)
    shown = request.query_params.get("actions", "")
    view = dashboard(
        db,
        datetime.now().astimezone(),
        action_limit=None if shown in ("all", "overdue") else ACTION_ROWS,
        overdue_only=shown == "overdue",
    )
    funnels = []
    for funnel in view.funnels:
        stages = stages_of(funnel, locale)
        title = gettext(locale, N_("{round}: from invitation to approval"), round=funnel.name(locale))
        chart = funnel_chart(
            [(s["label"], s["count"]) for s in stages], title, title_id=f"funnel-{funnel.round_id}"
        )
        funnels.append({"funnel": funnel, "stages": stages, "chart": chart})
    return render(
        request,
        "staff/dashboard.html",
        {
            "view": view,
            "funnels": funnels,
            "actions_shown": shown if shown in ("all", "overdue") else "",
            "action_days": ACTION_DAYS,
            "action_status": lambda status: gettext(locale, ACTION_STATUS_NAMES.get(status, status)),
            "closing_days": CLOSING_DAYS,
            "date_text": lambda day: date_text(day, locale),
        },
    )
