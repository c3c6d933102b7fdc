"""The fixed values the database stores, as typed vocabularies.

Stored as plain strings (the columns are VARCHAR), so these names can change
without a migration but their values cannot.
"""

from __future__ import annotations

from enum import StrEnum


class ResponseStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"  # back with the company, with comments
    APPROVED = "approved"


# The company may still change its answers.
EDITABLE = (ResponseStatus.DRAFT, ResponseStatus.RETURNED)
# Submitted at least once, so scored: lists, statistics, exports and the API show these.
SCORED = (
    ResponseStatus.SUBMITTED,
    ResponseStatus.IN_REVIEW,
    ResponseStatus.RETURNED,
    ResponseStatus.APPROVED,
)


class RoundStatus(StrEnum):
    DRAFT = "draft"  # not visible to companies yet
    OPEN = "open"
    CLOSED = "closed"


class RoundAccess(StrEnum):
    OPEN = "open"  # anyone with the round's link may start
    INVITATION = "invitation"  # only invited companies


class ReviewAction(StrEnum):
    START_REVIEW = "start_review"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"
    NOTE = "note"  # internal, never shown to the company
    RESUBMIT = "resubmit"  # the company's, after a return


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_FEASIBLE = "not_feasible"


# Still to do: due dates of these count on the dashboard.
OPEN_ACTIONS = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Role(StrEnum):
    STAFF = "staff"
    ADMIN = "admin"


class ScoreKind(StrEnum):
    AREA = "area"
    GOAL = "goal"  # every goal's aggregate contribution and level
    SIGNATURE = "signature"  # a signature goal: its distinctiveness, rank as level


class Locale(StrEnum):
    JA = "ja"
    EN = "en"


class MessageKind(StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    RETURNED = "returned"  # returned with comments
    APPROVED = "approved"
    ACTION_DUE = "action_due"
    DIGEST = "digest"  # to staff: new submissions


# Messages to a company's contacts (the digest goes to staff accounts).
COMPANY_KINDS = (
    MessageKind.INVITATION,
    MessageKind.REMINDER,
    MessageKind.RETURNED,
    MessageKind.APPROVED,
    MessageKind.ACTION_DUE,
)


class MessageStatus(StrEnum):
    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # leased by a sender, nothing handed over yet: safe to retry
    TRANSMITTING = "transmitting"  # the whole message is with the server: never resent blindly
    SENT = "sent"  # the server accepted it (its queue id is kept)
    FAILED = "failed"  # refused for good (5xx) or out of attempts
    UNCONFIRMED = "unconfirmed"  # may have been accepted: staff decide whether to send again
    CANCELLED = "cancelled"


class ContactSource(StrEnum):
    STAFF = "staff"
    CSV = "csv"  # from an invitation file
    COMPANY = "company"  # given by the company, with its consent to be contacted


class PhotoKind(StrEnum):
    PHOTO = "photo"  # up to three a case study, with a caption and a credit
    LOGO = "logo"  # at most one
