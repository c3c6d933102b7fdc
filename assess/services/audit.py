"""The audit log: who did what to which object, written in the transaction of the change."""

from __future__ import annotations

from sqlmodel import Session

from assess.models import AuditEvent

SYSTEM, COMPANY = "system", "company"  # actors that are not staff accounts


# The length of each short column of the audit table, from the table itself.
STATUS_SIZES = {
    c.name: c.type.length for c in AuditEvent.__table__.columns if getattr(c.type, "length", None)
}


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
    # Statuses fit their columns; a longer value (never meant for them) is cut, not an error
    # that would undo the change being recorded (PostgreSQL enforces lengths, SQLite does not).
    db.add(
        AuditEvent(
            actor=actor[: STATUS_SIZES["actor"]],
            action=action[: STATUS_SIZES["action"]],
            object_type=object_type[: STATUS_SIZES["object_type"]],
            object_id=object_id,
            before=before[: STATUS_SIZES["before"]],
            after=after[: STATUS_SIZES["after"]],
            detail=detail,
        )
    )
