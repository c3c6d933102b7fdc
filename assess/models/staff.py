"""Staff accounts, their sessions, one-time password links, failed logins, the addresses
they logged in from, and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from assess.models.common import Vocabulary, utcnow
from assess.vocab import Role


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, unique=True, index=True)
    display_name: str = Field(default="", max_length=200)
    role: Role = Field(default=Role.STAFF, sa_type=Vocabulary(Role, 10))
    password_hash: str = Field(default="", max_length=200)  # argon2; empty until set
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    digest: bool = Field(default=True)  # receives the daily e-mail of new submissions


class PasswordToken(SQLModel, table=True):
    """A one-time link to set a password (new account or reset)."""

    __tablename__ = "password_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    expires_at: datetime
    used_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """Failed logins, kept in the database so every app process sees them."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, index=True)
    address: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)


class StaffSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its hash is kept, so
    ending a session (logout, new password, deactivation, "sign out everywhere") is
    deleting its row, and every app process agrees at once."""

    __tablename__ = "staff_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class LoginAddress(SQLModel, table=True):
    """An address an account has logged in from: a right password from it passes the
    account's throttling, so failures elsewhere cannot lock its owner out."""

    __tablename__ = "login_address"

    user_id: int = Field(foreign_key="staff_user.id", primary_key=True)
    address: str = Field(max_length=64, primary_key=True)
    last_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_by: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
