"""Staff accounts: argon2 passwords, one-time set-password links, logins (throttled by
assess.services.throttling), activation and API tokens."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, delete, select

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import ApiToken, PasswordToken, StaffUser, utcnow
from assess.services.audit import SYSTEM, audit
from assess.services.errors import InvalidInput, OwnAccount
from assess.services.sessions import end_all_sessions
from assess.services.throttling import login_wait, record_failure, record_success
from assess.services.tokens import hash_token, new_token
from assess.vocab import Role

RESET_VALID = timedelta(days=3)
MIN_PASSWORD = 10
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(db: Session, email: str) -> StaffUser | None:
    return db.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()


def create_user(
    db: Session,
    email: str,
    role: str,
    display_name: str = "",
    password: str | None = None,
    actor: str = SYSTEM,
) -> StaffUser:
    email = email.strip().lower()
    if role not in tuple(Role):
        raise InvalidInput(N_("The role must be staff or admin."))
    if "@" not in email or len(email) > 200:
        raise InvalidInput(N_("A valid e-mail address is needed."))
    if find_user(db, email) is not None:
        raise InvalidInput(N_("{email} has an account already."), email=email)
    if password is not None and len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("Use at least {n} characters."), n=MIN_PASSWORD)
    with write_transaction(db):
        user = StaffUser(
            email=email,
            role=role,
            display_name=display_name or email.split("@")[0],
            password_hash=hash_password(password) if password else "",
        )
        db.add(user)
        db.flush()
        audit(db, actor, "user.create", "staff_user", user.id, after=role)
    db.refresh(user)
    return user


def issue_password_link(db: Session, user: StaffUser, actor: str = SYSTEM) -> str:
    """A one-time token to set a password; earlier unused ones stop working."""
    token = new_token()
    with write_transaction(db):
        db.exec(
            delete(PasswordToken).where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
        )
        db.add(
            PasswordToken(user_id=user.id, token_hash=hash_token(token), expires_at=utcnow() + RESET_VALID)
        )
        audit(db, actor, "user.password_link", "staff_user", user.id)
    return token


def password_token_user(db: Session, token: str) -> tuple[PasswordToken, StaffUser] | None:
    row = db.exec(select(PasswordToken).where(PasswordToken.token_hash == hash_token(token))).first()
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    user = db.get(StaffUser, row.user_id)
    return (row, user) if user is not None and user.active else None


def set_password(db: Session, token: str, password: str) -> StaffUser:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("Use at least {n} characters."), n=MIN_PASSWORD)
    found = password_token_user(db, token)
    if found is None:
        raise InvalidInput(N_("This link is not valid any more. Ask an administrator for a new one."))
    row, user = found
    with write_transaction(db):
        user.password_hash = hash_password(password)
        row.used_at = utcnow()
        db.add(user)
        db.add(row)
        end_all_sessions(db, user.id)  # a new password signs the account out everywhere
        audit(db, user.email, "user.password_set", "staff_user", user.id)
    return user


def throttle_minutes(db: Session, email: str, address: str) -> int:
    """Minutes until another login may be tried; 0 when it may now (see services.throttling)."""
    return login_wait(db, email, address, find_user(db, email))


def login(db: Session, email: str, password: str, address: str) -> StaffUser | None:
    """The user when the password is right; records failures for throttling."""
    user = find_user(db, email)
    if user is not None and user.active and verify_password(user.password_hash, password):
        with write_transaction(db):
            record_success(db, user, address)
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
                db.add(user)
            audit(db, user.email, "user.login", "staff_user", user.id)
        return user
    record_failure(db, email, address)
    return None


def create_api_token(db: Session, name: str, creator: StaffUser) -> str:
    token = "asst_" + new_token()
    with write_transaction(db):
        db.add(ApiToken(name=name[:100] or "token", token_hash=hash_token(token), created_by=creator.id))
        audit(db, creator.email, "api_token.create", "api_token", None, detail=name[:100])
    return token


def api_token_user(db: Session, token: str) -> StaffUser | None:
    row = db.exec(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    user = db.get(StaffUser, row.created_by)
    return user if user is not None and user.active else None


def set_active(db: Session, admin: StaffUser, user: StaffUser, active: bool) -> None:
    """Deactivate or reactivate an account; nobody deactivates their own."""
    if user.id == admin.id:
        raise OwnAccount()
    before = "active" if user.active else "inactive"
    with write_transaction(db):
        user.active = active
        db.add(user)
        if not active:
            end_all_sessions(db, user.id)  # reactivating later does not bring them back
        after = "active" if active else "inactive"
        audit(
            db,
            admin.email,
            "user.activate" if active else "user.deactivate",
            "staff_user",
            user.id,
            before,
            after,
        )


def revoke_api_token(db: Session, admin: StaffUser, token: ApiToken) -> None:
    with write_transaction(db):
        token.revoked_at = token.revoked_at or utcnow()
        db.add(token)
        audit(db, admin.email, "api_token.revoke", "api_token", token.id)


def list_users(db: Session) -> list[StaffUser]:
    return list(db.exec(select(StaffUser).order_by(StaffUser.email)))


def list_api_tokens(db: Session) -> list[tuple[ApiToken, str]]:
    """Every token with its creator's e-mail, newest first."""
    return list(
        db.exec(select(ApiToken, StaffUser.email).join(StaffUser).order_by(ApiToken.created_at.desc()))
    )
