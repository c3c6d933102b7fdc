"""Names people read for the stored vocabularies (statuses, review steps, narrative parts)."""

from __future__ import annotations

from collections.abc import Iterable

from assess.i18n import N_
from assess.questionnaire.model import Questionnaire
from assess.vocab import ResponseStatus, ReviewAction, RoundAccess, RoundStatus

STATUS_NAMES = {
    ResponseStatus.DRAFT: N_("Draft"),
    ResponseStatus.SUBMITTED: N_("Submitted"),
    ResponseStatus.IN_REVIEW: N_("In review"),
    ResponseStatus.RETURNED: N_("Returned"),
    ResponseStatus.APPROVED: N_("Approved"),
}
ACTION_NAMES = {
    ReviewAction.START_REVIEW: N_("Review started"),
    ReviewAction.RETURN: N_("Returned to the company"),
    ReviewAction.APPROVE: N_("Approved"),
    ReviewAction.REOPEN: N_("Review reopened"),
    ReviewAction.NOTE: N_("Note"),
    ReviewAction.RESUBMIT: N_("Resubmitted"),
}
NARRATIVE_NAMES = {
    "motto": N_("Motto"),
    "story": N_("Ties with the community"),
    "initiatives": N_("Initiatives"),
    "challenges": N_("Challenges"),
    "support": N_("Support needed"),
}
ROUND_NAMES = {
    RoundStatus.OPEN: N_("Open"),
    RoundStatus.CLOSED: N_("Closed"),
    RoundAccess.INVITATION: N_("By invitation only"),
}
# One lookup for templates (label()) and exports, keyed by the stored strings: the
# same value in two vocabularies (a round's status and its access, "open") shares a name.
LABELS: dict[str, str] = {
    str(key): name
    for names in (ROUND_NAMES, NARRATIVE_NAMES, ACTION_NAMES, STATUS_NAMES)
    for key, name in names.items()
}
# What the review buttons say.
STEP_BUTTONS = {
    ReviewAction.START_REVIEW: N_("Start review"),
    ReviewAction.RETURN: N_("Return to the company"),
    ReviewAction.APPROVE: N_("Approve"),
    ReviewAction.REOPEN: N_("Reopen review"),
}


PROFILE_ROLES = {
    "prefecture": "company.prefecture",
    "industry": "company.industry",
    "employees": "company.employees",
}


def profile_labels(questionnaires: Iterable[Questionnaire], locale: str) -> dict[str, dict[str, str]]:
    """The names of the stored company profile codes ("saga", "manufacturing"), from the
    questionnaires' options; a later version's wording wins, an unknown code stays as it is."""
    labels: dict[str, dict[str, str]] = {field: {} for field in PROFILE_ROLES}
    for questionnaire in sorted(questionnaires, key=lambda q: q.version):
        for field, role in PROFILE_ROLES.items():
            question = questionnaire.roles.get(role)
            for option in question.options if question is not None else ():
                labels[field][option.value] = option.label.get(locale)
    return labels


# --- action plans (services/actions.py) ---
from assess.vocab import ActionStatus  # noqa: E402  (appended with the action plans)

ACTION_STATUS_NAMES = {
    ActionStatus.PLANNED: N_("Planned"),
    ActionStatus.IN_PROGRESS: N_("In progress"),
    ActionStatus.DONE: N_("Done"),
    ActionStatus.NOT_FEASIBLE: N_("Not feasible"),
}
# label() in templates names action statuses too (no stored string above means the same).
LABELS.update({str(key): name for key, name in ACTION_STATUS_NAMES.items()})
