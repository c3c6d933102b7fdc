"""Tables (SQLModel), in families. Every change here needs an Alembic migration (a test checks)."""

from assess.models.common import Vocabulary, utcnow
from assess.models.review import AuditEvent, CaseStudy, ReviewEvent
from assess.models.staff import ApiToken, LoginAttempt, PasswordToken, StaffUser
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
    "Answer",
    "ApiToken",
    "AuditEvent",
    "CaseStudy",
    "Company",
    "Invitation",
    "LoginAttempt",
    "PasswordToken",
    "QuestionnaireVersion",
    "Response",
    "ResponseScore",
    "ReviewEvent",
    "Round",
    "StaffUser",
    "Vocabulary",
    "utcnow",
]
