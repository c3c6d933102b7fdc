"""The audit log: who did what to which object, written in the transaction of the change."""

from __future__ import annotations

from sqlmodel import Session

from assess.models import AuditEvent

SYSTEM, COMPANY = "system", "company"  # actors that are not staff accounts


def audit(
    db: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None,
    before: str = "",
    after: str = "",
    detail: str = "",
) -> None:
    db.add(
        AuditEvent(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
            detail=detail,
        )
    )
