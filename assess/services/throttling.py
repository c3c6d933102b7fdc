"""Login throttling and rate limits that an attacker cannot turn against users.

Failed logins are counted in the database over a 15-minute window:
- one address guessing one account: 5 failures;
- one account, from any addresses: 10 failures, or 5 from 3 or more addresses;
- one address, for any accounts: 20 failures.
A right password from an address the account has logged in from before is never
held back by failures elsewhere (only by 10 failures from that very address), so
nobody can lock an administrator out by failing on purpose, and one user behind a
proxy cannot lock out the others. A wait never outlasts the window.

New responses on open rounds: at most `limit` an hour per address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, delete, func, select

from assess.db import write_transaction
from assess.models import LoginAddress, LoginAttempt, RateEvent, StaffUser, utcnow

WINDOW = timedelta(minutes=15)
PAIR_FAILURES = 5  # one address, one account
KNOWN_PAIR_FAILURES = 10  # the same, from an address the account logged in from before
ACCOUNT_FAILURES = 10  # one account, any addresses
SPREAD_FAILURES, SPREAD_ADDRESSES = 5, 3  # one account, from several addresses
ADDRESS_FAILURES = 20  # one address, any accounts
MAX_ROWS = 1000  # failures looked at per check: more than any limit needs
START_WINDOW = timedelta(hours=1)


def normal_email(email: str) -> str:
    return email.strip().lower()[:200]


def login_wait(db: Session, email: str, address: str, user: StaffUser | None) -> int:
    """Minutes until this login may be tried; 0 when it may be tried now."""
    email, now = normal_email(email), utcnow()
    rows = db.exec(
        select(LoginAttempt.email, LoginAttempt.address, LoginAttempt.at)
        .where(LoginAttempt.at >= now - WINDOW)
        .where((LoginAttempt.email == email) | (LoginAttempt.address == address))
        .order_by(LoginAttempt.at.desc())
        .limit(MAX_ROWS)
    ).all()
    pair = [at for e, a, at in rows if e == email and a == address]
    if user is not None and _known(db, user.id, address):
        return _minutes(pair, KNOWN_PAIR_FAILURES, now)
    account = [(a, at) for e, a, at in rows if e == email]
    spread = len({a for a, _ in account}) >= SPREAD_ADDRESSES
    by_address = [at for _, a, at in rows if a == address]
    return max(
        _minutes(pair, PAIR_FAILURES, now),
        _minutes([at for _, at in account], SPREAD_FAILURES if spread else ACCOUNT_FAILURES, now),
        _minutes(by_address, ADDRESS_FAILURES, now),
    )


def _minutes(times: list[datetime], limit: int, now: datetime) -> int:
    """Minutes until fewer than `limit` of these failures (newest first) are in the window."""
    if len(times) < limit:
        return 0
    freed = _aware(times[limit - 1]) + WINDOW  # when the limit-th newest leaves the window
    return max(1, int((freed - now).total_seconds() // 60) + 1)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=utcnow().tzinfo)  # SQLite drops the zone


def _known(db: Session, user_id: int, address: str) -> bool:
    return db.get(LoginAddress, (user_id, address[:64])) is not None


def record_failure(db: Session, email: str, address: str) -> None:
    with write_transaction(db):
        db.exec(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - WINDOW))
        db.add(LoginAttempt(email=normal_email(email), address=address[:64]))


def record_success(db: Session, user: StaffUser, address: str) -> None:
    """Inside the caller's transaction: forget the account's failures, remember the address."""
    db.exec(delete(LoginAttempt).where(LoginAttempt.email == normal_email(user.email)))
    known = db.get(LoginAddress, (user.id, address[:64]))
    if known is None:
        known = LoginAddress(user_id=user.id, address=address[:64])
    known.last_at = utcnow()
    db.add(known)


def allow(db: Session, kind: str, subject: str, limit: int, window: timedelta = START_WINDOW) -> bool:
    """Counts one `kind` event of `subject` unless `limit` were counted in the window."""
    now, subject = utcnow(), subject[:64]
    with write_transaction(db):
        db.exec(delete(RateEvent).where(RateEvent.kind == kind, RateEvent.at < now - window))
        count = db.exec(
            select(func.count()).where(RateEvent.kind == kind, RateEvent.subject == subject)
        ).one()
        if count >= limit:
            return False
        db.add(RateEvent(kind=kind, subject=subject, at=now))
    return True
