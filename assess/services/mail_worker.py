"""The sender inside `assess serve`: one process, elected through a lease in the database,
runs the schedule (reminders, action notices, the digest) and delivers the outbox.
Without SMTP settings it only runs the schedule: messages wait in the outbox.

The election saves work, not correctness: each message is leased on its own (see
mail_sender), so two senders at once would still deliver every message once.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assess.config import Settings
from assess.db import session, write_transaction
from assess.models import WorkerLease, utcnow
from assess.services.mail_events import run_schedule
from assess.services.mail_sender import Report, deliver_due, owner_name
from assess.services.outbox import Links

log = logging.getLogger("assess.mail")
DUTY = "mail"
SCHEDULE_EVERY = 60.0  # seconds


def elect(db: Session, owner: str, lease_seconds: int, now: datetime | None = None) -> bool:
    """Take or keep the sender's lease; whether this process is the sender now."""
    now = now or utcnow()
    until = now + timedelta(seconds=lease_seconds)
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    with write_transaction(db):
        db.execute(
            insert(WorkerLease.__table__)
            .values(name=DUTY, owner="", until=now - timedelta(seconds=1))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        result = db.exec(
            update(WorkerLease)
            .where(WorkerLease.name == DUTY, or_(WorkerLease.owner == owner, WorkerLease.until < now))
            .values(owner=owner, until=until)
        )
        return result.rowcount == 1


def resign(db: Session, owner: str) -> None:
    with write_transaction(db):
        db.exec(
            update(WorkerLease)
            .where(WorkerLease.name == DUTY, WorkerLease.owner == owner)
            .values(until=utcnow() - timedelta(seconds=1))
        )


def tick(engine: Engine, settings: Settings, links: Links, owner: str, schedule: bool = True) -> Report:
    """One round of the sender's work: the schedule, then every due message. A schedule
    that fails is logged and does not hold up delivery."""
    if schedule:
        try:
            with session(engine) as db:
                run_schedule(db, staff_locale=settings.default_locale)
        except Exception:
            log.exception("mail schedule failed; delivering what waits")
    if not settings.smtp_host:
        return Report()
    return deliver_due(engine, settings, links, owner)


class MailWorker:
    """A daemon thread that competes for the sender's lease every `interval` seconds."""

    def __init__(self, engine: Engine, settings: Settings, links: Links, interval: float = 10.0):
        self.engine, self.settings, self.links, self.interval = engine, settings, links, interval
        self.owner = owner_name()
        self.scheduled_at = -SCHEDULE_EVERY  # the schedule runs once a minute: it scans rounds and actions
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="assess-mail", daemon=True)

    def start(self) -> MailWorker:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=self.settings.smtp_timeout + 5)
        try:
            with session(self.engine) as db:
                resign(db, self.owner)
        except Exception:  # the database may already be gone at shut-down
            log.debug("could not resign the mail lease", exc_info=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                with session(self.engine) as db:
                    leader = elect(db, self.owner, self.settings.mail_lease_seconds)
                if leader:
                    due = time.monotonic() - self.scheduled_at >= SCHEDULE_EVERY
                    if due:
                        self.scheduled_at = time.monotonic()
                    report = tick(self.engine, self.settings, self.links, self.owner, schedule=due)
                    if report.total():
                        log.info(
                            "mail: %s sent, %s retried, %s failed", report.sent, report.retried, report.failed
                        )
            except Exception:  # keep the thread alive: the next round tries again
                log.exception("mail sender round failed")
            self.stopping.wait(self.interval)
