"""Names people read for the stored vocabularies (statuses, review steps, narrative parts)."""

from __future__ import annotations

from assess.i18n import N_
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
