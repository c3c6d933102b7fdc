"""Tables (SQLModel), in families. Every change here needs an Alembic migration (a test checks)."""

from assess.models.actions import Action, ActionComment
from assess.models.common import Vocabulary, utcnow
from assess.models.evidence import Attachment, DocumentRequest
from assess.models.history import Submission, SubmittedAnswer
from assess.models.limits import RateEvent
from assess.models.mail import Contact, DeliveryAttempt, MailTemplate, OutboxMessage, WorkerLease
from assess.models.publication import CasePhoto
from assess.models.review import AuditEvent, CaseStudy, ReviewEvent
from assess.models.staff import (
    ApiToken,
    LoginAddress,
    LoginAttempt,
    PasswordToken,
    StaffSession,
    StaffUser,
)
from assess.models.survey import (
    Answer,
    Company,
    Invitation,
    QuestionnaireVersion,
    Response,
    ResponseScore,
    Round,
)

__all__ = [
    "WorkerLease",
    "OutboxMessage",
    "MailTemplate",
    "DeliveryAttempt",
    "Contact",
    "Action",
    "ActionComment",
    "Answer",
    "Attachment",
    "ApiToken",
    "AuditEvent",
    "CaseStudy",
    "CasePhoto",
    "Company",
    "DocumentRequest",
    "Invitation",
    "LoginAddress",
    "LoginAttempt",
    "PasswordToken",
    "QuestionnaireVersion",
    "RateEvent",
    "Response",
    "ResponseScore",
    "ReviewEvent",
    "Round",
    "StaffSession",
    "StaffUser",
    "Submission",
    "SubmittedAnswer",
    "Vocabulary",
    "utcnow",
]
