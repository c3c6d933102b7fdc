"""One Settings object, read from ASSESS_* environment variables.

Every field is documented in docs/configuration.md (a test checks it).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assess.resources import questionnaire_dir
from sdg_map import PRACTICES_PATH

# Secrets seen in examples and tutorials: refusing them keeps sessions unforgeable.
KNOWN_WEAK_KEYS = {
    "",
    "secret",
    "changeme",
    "change-me",
    "dev",
    "development",
    "test",
    "password",
    "assess",
    "your-secret-key",
}
MIN_KEY_LENGTH = 32


class ConfigError(Exception):
    pass


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSESS_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: Path.cwd() / "data")
    database_url: str | None = None
    secret_key: SecretStr | None = None
    default_locale: Literal["ja", "en"] = "ja"
    questionnaire_dir: Path = Field(default_factory=questionnaire_dir)
    practices_file: Path = PRACTICES_PATH
    session_max_age: int = 8 * 3600
    db_threads: int = Field(default=4, ge=0, le=64)
    start_limit: int = Field(default=30, ge=1, le=100_000)  # new responses per address and hour, open rounds
    public_url: str = "http://127.0.0.1:8000"  # the app's address as companies reach it, for links in e-mails
    smtp_host: str = ""  # empty: messages wait in the outbox (/staff/outbox)
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0, le=600)
    mail_from: str = ""  # the sender address; required with smtp_host
    mail_lease_seconds: int = Field(default=120, ge=1, le=86_400)
    mail_max_attempts: int = Field(default=8, ge=1, le=50)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'assess.db'}"

    def resolved_secret_key(self) -> str:
        """The given key, or one generated once and kept in the data folder."""
        if self.secret_key is not None:
            key = self.secret_key.get_secret_value()
            if key.strip().lower() in KNOWN_WEAK_KEYS or len(key) < MIN_KEY_LENGTH:
                raise ConfigError(
                    f"ASSESS_SECRET_KEY is a known default or shorter than {MIN_KEY_LENGTH} characters; "
                    "unset it to have one generated, or set a long random value"
                )
            return key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fp:
            fp.write(key)
        return key
