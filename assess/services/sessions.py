"""Staff sessions kept in the database: a random token in the cookie, its hash in
`staff_session`. Logging out ends one session; a new password, deactivation and
"sign out everywhere" end all of an account's sessions at once, in every process."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, delete, select

from assess.db import write_transaction
from assess.models import StaffSession, StaffUser, utcnow
from assess.services.audit import audit
from assess.services.tokens import hash_token, new_token, plausible


def start_session(db: Session, user: StaffUser, max_age: int) -> str:
    """A new session for the account; returns the cookie's token. Expired sessions go."""
    token = new_token()
    now = utcnow()
    with write_transaction(db):
        db.exec(delete(StaffSession).where(StaffSession.expires_at < now))
        db.add(
            StaffSession(
                token_hash=hash_token(token),
                user_id=user.id,
                created_at=now,
                expires_at=now + timedelta(seconds=max_age),
            )
        )
    return token


def session_user(db: Session, token: str) -> StaffUser | None:
    """The active account of a live session: one lookup by the token's hash."""
    if not plausible(token):
        return None
    return db.exec(
        select(StaffUser)
        .join(StaffSession, StaffSession.user_id == StaffUser.id)
        .where(
            StaffSession.token_hash == hash_token(token),
            StaffSession.expires_at > utcnow(),
            StaffUser.active == True,  # noqa: E712 (SQL)
        )
    ).first()


def end_session(db: Session, token: str) -> None:
    if plausible(token):
        with write_transaction(db):
            db.exec(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))


def end_all_sessions(db: Session, user_id: int) -> int:
    """Ends every session of an account (inside the caller's transaction); how many."""
    return db.exec(delete(StaffSession).where(StaffSession.user_id == user_id)).rowcount


def sign_out_everywhere(db: Session, actor: StaffUser, user: StaffUser) -> int:
    """An administrator's (or the account owner's) "sign out everywhere", audited."""
    with write_transaction(db):
        ended = end_all_sessions(db, user.id)
        audit(db, actor.email, "user.sign_out_everywhere", "staff_user", user.id, detail=f"{ended} sessions")
    return ended
