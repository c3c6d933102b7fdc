"""Names people read for the stored vocabularies (statuses, review steps, narrative parts)."""

from __future__ import annotations

from collections.abc import Iterable

from assess.i18n import N_
from assess.questionnaire.model import Questionnaire
from assess.vocab import ContactSource, MessageStatus, ResponseStatus, ReviewAction, RoundAccess, RoundStatus

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

MESSAGE_STATUS_NAMES = {
    MessageStatus.QUEUED: N_("Waiting"),
    MessageStatus.SENDING: N_("Being sent"),
    MessageStatus.TRANSMITTING: N_("Being handed over"),
    MessageStatus.SENT: N_("Sent"),
    MessageStatus.FAILED: N_("Failed"),
    MessageStatus.UNCONFIRMED: N_("Unconfirmed"),
    MessageStatus.CANCELLED: N_("Cancelled"),
}
LABELS.update({str(key): name for key, name in MESSAGE_STATUS_NAMES.items()})
CONTACT_SOURCE_NAMES = {
    ContactSource.STAFF: N_("entered by staff"),
    ContactSource.CSV: N_("from the invitation file"),
    ContactSource.COMPANY: N_("given by the company"),
}


# --- the audit log (services/audit_log.py) ---
# What each recorded action is called; an action not named here is shown as stored.
AUDIT_ACTION_NAMES = {
    "response.submit": N_("Response submitted"),
    "response.start_review": N_("Review started"),
    "response.return": N_("Returned to the company"),
    "response.approve": N_("Response approved"),
    "response.reopen": N_("Review reopened"),
    "response.note": N_("Internal note added"),
    "response.link": N_("Response linked to a known company"),
    "response.carry_forward": N_("Earlier answers carried forward"),
    "response.start_empty": N_("Started again without earlier answers"),
    "response.interview": N_("Interview started"),
    "response.interview_end": N_("Interview ended"),
    "case_study.save": N_("Case study saved"),
    "photo.add": N_("Photo added"),
    "photo.edit": N_("Photo caption changed"),
    "photo.delete": N_("Photo removed"),
    "consent.withdraw": N_("Consent to publish withdrawn"),
    "consent.give": N_("Consent to publish given again"),
    "round.publish": N_("Round published in the directory"),
    "round.unpublish": N_("Round removed from the directory"),
    "action.create": N_("Action added"),
    "action.update": N_("Action changed"),
    "action.comment": N_("Comment on an action"),
    "action.achieved": N_("Action achieved (shown by later answers)"),
    "action.not_achieved": N_("Action no longer shown as achieved"),
    "action_plan.publish": N_("Action plan publication changed"),
    "company.update": N_("Company details changed"),
    "company.merge": N_("Company records merged"),
    "round.create": N_("Round created"),
    "round.update": N_("Round changed"),
    "round.invite": N_("Companies invited"),
    "round.booklet": N_("Booklet made"),
    "round.export_csv": N_("Responses exported (CSV)"),
    "round.export_xlsx": N_("Responses exported (Excel)"),
    "round.export_actions_csv": N_("Action plans exported (CSV)"),
    "round.export_actions_xlsx": N_("Action plans exported (Excel)"),
    "user.create": N_("Staff account created"),
    "user.password_link": N_("Set-password link issued"),
    "user.password_set": N_("Password set"),
    "user.login": N_("Logged in"),
    "user.activate": N_("Account activated"),
    "user.deactivate": N_("Account deactivated"),
    "user.sign_out_everywhere": N_("Signed out on every device"),
    "api_token.create": N_("API token created"),
    "api_token.revoke": N_("API token revoked"),
    "backup.export": N_("Backup downloaded"),
    "audit.export_csv": N_("Audit log exported (CSV)"),
    "audit.prune": N_("Old audit events deleted"),
    "contact.add": N_("Contact added"),
    "contact.remove": N_("Contact removed"),
    "contact.opt_out": N_("Contact opted out of e-mail"),
    "mail.invitations": N_("Invitation e-mails queued"),
    "mail.schedule": N_("Reminders and notices queued"),
    "mail.template": N_("Message wording changed"),
    "mail.template_reset": N_("Message wording reset"),
    "mail.send_again": N_("Message to be sent again"),
    "mail.cancel": N_("Message cancelled"),
    "mail.digest": N_("Daily digest turned on or off"),
}
# Filters for every action of a kind: "response.*" is every action that starts "response.".
AUDIT_ACTION_GROUPS = {
    "response.*": N_("Every event on responses"),
    "action.*": N_("Every event on actions"),
    "company.*": N_("Every event on companies"),
    "round.*": N_("Every event on rounds"),
    "round.export_*": N_("Every export of a round"),
    "user.*": N_("Every event on staff accounts"),
    "api_token.*": N_("Every event on API tokens"),
    "audit.*": N_("Every event on the audit log"),
    "contact.*": N_("Every event on contacts"),
    "mail.*": N_("Every event on e-mail"),
}
# Who did it, when it was not a staff member.
AUDIT_ACTOR_NAMES = {"company": N_("The company"), "system": N_("The system")}
