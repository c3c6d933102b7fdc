"""Delivering the outbox: over SMTP, or as .eml files into a folder.

At most one delivery per message, also with several sending processes or a crash:

1. A sender *claims* due messages: a guarded update makes them `sending`, with its
   name and a lease. Nobody else touches a leased message.
2. It hands the whole message to the server except the final "." that ends it, then
   records `transmitting`, guarded on still holding the lease. Only then does it send
   the "."; the server accepts a message only once that "." arrives.
3. The server's 250 reply makes it `sent`, with the server's queue id.

A sender that dies before step 2 leaves a `sending` message whose lease runs out: the
server never accepted it, so it is tried again. One that dies, or loses the connection,
after step 2 leaves a message the server may have accepted: it becomes `unconfirmed`,
never resent by itself; staff read it in the outbox and may send it again. Temporary
refusals (4xx) and failures before step 2 are retried with growing pauses; permanent
refusals (5xx) mark the message failed, shown beside the contact.
"""

from __future__ import annotations

import hashlib
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from sqlalchemy import update as sql_update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assess.config import Settings
from assess.db import session, write_transaction
from assess.models import Contact, DeliveryAttempt, OutboxMessage, utcnow
from assess.presentation.mail import (
    LOST_AFTER,
    NOT_WRITTEN,
    OPTED_OUT,
    STOPPED_AFTER,
    STOPPED_BEFORE,
    UNREACHABLE,
)
from assess.services.outbox import Links, compose_message, opt_out_link
from assess.vocab import MessageStatus

S = MessageStatus
WIRE = compat32.clone(linesep="\r\n")
BACKOFF = (60, 300, 900, 3600, 3 * 3600, 6 * 3600)  # seconds before attempt 2, 3, ...
BATCH = 50
LEASE_MARGIN = 0.5  # of the lease: a sender stops using a lease past half its length


@dataclass
class Report:
    """What one run of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unconfirmed: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    def total(self) -> int:
        return self.sent + self.retried + self.failed + self.unconfirmed


def owner_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{os.urandom(3).hex()}"


def _update():
    """A guarded UPDATE of outbox rows; the session holds none of them to synchronise."""
    return sql_update(OutboxMessage).execution_options(synchronize_session=False)


# --- claiming -----------------------------------------------------------------------


def recover(db: Session, now: datetime, max_attempts: int = 50) -> int:
    """Messages whose sender's lease ran out: back in the queue when nothing was handed
    over (failed once out of attempts), unconfirmed when the whole message may have
    reached the server."""
    changed = 0
    with write_transaction(db):
        expired = db.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.status).in_((S.SENDING, S.TRANSMITTING)), OutboxMessage.lease_until < now
            )
        ).all()
        for message in expired:
            if message.status == S.TRANSMITTING:
                after, reply = S.UNCONFIRMED, STOPPED_AFTER
            else:
                after = S.QUEUED if message.attempts < max_attempts else S.FAILED
                reply = STOPPED_BEFORE
            result = db.exec(
                _update()
                .where(OutboxMessage.id == message.id, OutboxMessage.status == message.status)
                .values(status=after, lease_owner="", lease_until=None, last_error=reply)
            )
            if result.rowcount == 1:
                changed += 1
                db.add(DeliveryAttempt(message_id=message.id, outcome=after, reply=reply))
    return changed


def claim(
    db: Session, owner: str, lease_seconds: int, now: datetime, limit: int = BATCH
) -> list[OutboxMessage]:
    """Due messages, leased to `owner`; a message another sender claimed first is skipped."""
    until = now + timedelta(seconds=lease_seconds)
    with write_transaction(db):
        ids = db.exec(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == S.QUEUED, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ).all()
        mine = []
        for message_id in ids:
            result = db.exec(
                _update()
                .where(OutboxMessage.id == message_id, OutboxMessage.status == S.QUEUED)
                .values(
                    status=S.SENDING,
                    lease_owner=owner,
                    lease_until=until,
                    attempts=OutboxMessage.attempts + 1,
                )
            )
            if result.rowcount == 1:
                mine.append(message_id)
    if not mine:
        return []
    # Fresh rows: this session may hold older copies of them from an earlier batch.
    fresh = select(OutboxMessage).where(col(OutboxMessage.id).in_(mine)).order_by(OutboxMessage.id)
    return list(db.exec(fresh.execution_options(populate_existing=True)))


def _finish(
    db: Session,
    message: OutboxMessage,
    owner: str,
    status: MessageStatus,
    *,
    expect: MessageStatus,
    code: int | None = None,
    reply: str = "",
    queue_id: str = "",
    retry_after: int | None = None,
) -> bool:
    """Record an attempt's outcome, guarded on the message still being ours."""
    answer = f"{code} {reply}" if code else reply
    values: dict = {"status": status, "last_error": "" if status == S.SENT else answer[:500]}
    if status != S.TRANSMITTING:
        values.update(lease_owner="", lease_until=None)
    if status == S.SENT:
        values.update(sent_at=utcnow(), queue_id=queue_id[:200])
    if retry_after is not None:
        values["next_attempt_at"] = utcnow() + timedelta(seconds=retry_after)
    guards = [
        OutboxMessage.id == message.id,
        OutboxMessage.lease_owner == owner,
        OutboxMessage.status == expect,
    ]
    if status == S.TRANSMITTING:  # the point of no return needs a lease that still runs
        guards.append(OutboxMessage.lease_until > utcnow())
    with write_transaction(db):
        result = db.exec(_update().where(*guards).values(**values))
        if result.rowcount != 1:
            return False
        if status != S.TRANSMITTING:
            db.add(DeliveryAttempt(message_id=message.id, outcome=status, code=code, reply=reply[:500]))
    return True


def _retry_or_fail(
    db: Session,
    message: OutboxMessage,
    owner: str,
    max_attempts: int,
    code: int | None,
    reply: str,
    report: Report,
    expect: MessageStatus = S.SENDING,
) -> None:
    """A temporary failure: tried again after a pause that grows, or failed when out of attempts."""
    if message.attempts >= max_attempts:
        _finish(db, message, owner, S.FAILED, expect=expect, code=code, reply=f"{reply} (last attempt)")
        report.failed += 1
        return
    pause = BACKOFF[min(message.attempts - 1, len(BACKOFF) - 1)]
    _finish(db, message, owner, S.QUEUED, expect=expect, code=code, reply=reply, retry_after=pause)
    report.retried += 1


def release(db: Session, messages: list[OutboxMessage], owner: str) -> None:
    """Give back claimed messages not tried (their attempt is not counted)."""
    with write_transaction(db):
        for message in messages:
            db.exec(
                _update()
                .where(
                    OutboxMessage.id == message.id,
                    OutboxMessage.lease_owner == owner,
                    OutboxMessage.status == S.SENDING,
                )
                .values(
                    status=S.QUEUED, lease_owner="", lease_until=None, attempts=OutboxMessage.attempts - 1
                )
            )


# --- building a message -------------------------------------------------------------


def build(db: Session, message: OutboxMessage, links: Links, sender: str) -> bytes:
    """The RFC 5322 message with CRLF line ends: UTF-8 text and HTML, Japanese headers as
    encoded words, a stable Message-ID made from the message key, and the opt-out link as
    List-Unsubscribe. (The older email API: a quarter of the new one's time per message.)"""
    composed = compose_message(db, message, links)
    mail = MIMEMultipart("alternative")
    mail["Subject"] = Header(composed.subject, "utf-8")
    mail["From"] = _address(*parseaddr(sender))
    mail["To"] = _address(message.to_name, message.to_email)
    mail["Date"] = format_datetime(utcnow())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    mail["Message-ID"] = f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@{domain}>"
    reply_to = str(message.values.get("organiser_contact", ""))
    if re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}", reply_to):
        mail["Reply-To"] = reply_to
    unsubscribe = opt_out_link(db, message, links)
    if unsubscribe:
        mail["List-Unsubscribe"] = f"<{unsubscribe}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Assess-Key"] = message.key
    mail.attach(MIMEText(composed.text, "plain", "utf-8"))
    mail.attach(MIMEText(composed.html, "html", "utf-8"))
    return mail.as_bytes(policy=WIRE)


def _address(name: str, email: str) -> str:
    name = " ".join(name.split())  # a header holds one line
    return formataddr((name, email), charset="utf-8") if name else email


def _sender(settings: Settings) -> str:
    return settings.mail_from or "assess@localhost"


# --- SMTP ---------------------------------------------------------------------------


def connect(settings: Settings) -> smtplib.SMTP:
    timeout = settings.smtp_timeout
    if settings.smtp_security == "tls":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        conn.ehlo()
        if settings.smtp_security == "starttls":
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
    # The final "." goes out as its own small write: without this, Nagle's algorithm holds
    # it until the server acknowledges the body (tens of milliseconds a message).
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if settings.smtp_user:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        conn.login(settings.smtp_user, password)
    return conn


def _payload(data: bytes) -> bytes:
    """The message as DATA carries it, without the final ".": leading dots doubled."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class Lost(Exception):
    """The connection broke after the whole message was handed over."""


class LeaseLost(Exception):
    """Another sender took the message over before its point of no return."""


@dataclass(frozen=True)
class Reply:
    """The server's last answer in a transaction, and to what: "sender" (MAIL FROM),
    "recipient" (RCPT TO), "data" (DATA) or "end" (the final ".")."""

    code: int
    text: str
    stage: str


def transmit(
    conn: smtplib.SMTP, sender: str, recipient: str, data: bytes, committed: Callable[[], bool]
) -> Reply:
    """One SMTP transaction. `committed()` records the point of no return and says whether
    the message is still ours; the final "." is sent only after it."""
    steps = (
        ("sender", lambda: conn.mail(parseaddr(sender)[1] or sender), (250,)),
        ("recipient", lambda: conn.rcpt(recipient), (250, 251)),
        ("data", lambda: (conn.putcmd("data"), conn.getreply())[1], (354,)),
    )
    for stage, command, accepted in steps:
        code, text = command()
        if code not in accepted:
            conn.rset()
            return Reply(code, text.decode("utf-8", "replace"), stage)
    conn.send(data)
    if not committed():
        conn.close()  # end the connection without the ".": the server keeps nothing
        raise LeaseLost()
    try:
        conn.send(b".\r\n")
        code, text = conn.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise Lost(str(exc)) from exc
    return Reply(code, text.decode("utf-8", "replace"), "end")


def deliver_due(
    engine: Engine, settings: Settings, links: Links, owner: str, now: datetime | None = None
) -> Report:
    """Send every due message over SMTP, batch by batch, until none is due."""
    report = Report()
    with session(engine) as db:
        report.recovered = recover(db, now or utcnow(), settings.mail_max_attempts)
        while batch := claim(db, owner, settings.mail_lease_seconds, now or utcnow()):
            _send_batch(db, settings, links, owner, batch, report)
            if report.errors:
                break  # the server is unreachable: leave the rest for the next run
    return report


def _send_batch(
    db: Session, settings: Settings, links: Links, owner: str, batch: list[OutboxMessage], report: Report
) -> None:
    try:
        conn = connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        for message in batch:
            _retry_or_fail(
                db,
                message,
                owner,
                settings.mail_max_attempts,
                None,
                f"{UNREACHABLE} ({exc})",
                report,
            )
        report.errors.append(str(exc))
        return
    deadline = utcnow() + timedelta(seconds=settings.mail_lease_seconds * LEASE_MARGIN)
    try:
        for index, message in enumerate(batch):
            if utcnow() > deadline:
                release(db, batch[index:], owner)
                return
            if not _send_one(db, conn, settings, links, owner, message, report):
                release(db, batch[index + 1 :], owner)
                return
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()


def _send_one(
    db: Session,
    conn: smtplib.SMTP,
    settings: Settings,
    links: Links,
    owner: str,
    message: OutboxMessage,
    report: Report,
) -> bool:
    """Deliver one message on an open connection; False when the batch should stop."""
    contact = db.get(Contact, message.contact_id) if message.contact_id else None
    if contact is not None and contact.opted_out_at is not None:  # since it was claimed
        _finish(db, message, owner, S.CANCELLED, expect=S.SENDING, reply=OPTED_OUT)
        return True
    sender = _sender(settings)
    try:
        data = _payload(build(db, message, links, sender))
    except Exception as exc:  # e.g. an address no mail header can carry: this message only
        _finish(db, message, owner, S.FAILED, expect=S.SENDING, reply=f"{NOT_WRITTEN} ({exc})")
        report.failed += 1
        return True
    try:
        reply = transmit(
            conn,
            sender,
            message.to_email,
            data,
            lambda: _finish(db, message, owner, S.TRANSMITTING, expect=S.SENDING),
        )
    except Lost as exc:
        _finish(db, message, owner, S.UNCONFIRMED, expect=S.TRANSMITTING, reply=f"{LOST_AFTER} ({exc})")
        report.unconfirmed += 1
        return False
    except LeaseLost:
        return False
    except (OSError, smtplib.SMTPException) as exc:
        _retry_or_fail(db, message, owner, settings.mail_max_attempts, None, f"{UNREACHABLE} ({exc})", report)
        return False
    return _record(db, message, owner, reply, settings.mail_max_attempts, report)


def _record(
    db: Session, message: OutboxMessage, owner: str, reply: Reply, attempts: int, report: Report
) -> bool:
    """What the server's answer means for the message; False when the batch should stop."""
    expect = S.TRANSMITTING if reply.stage == "end" else S.SENDING
    if reply.stage == "end" and reply.code == 250:
        queue_id = _queue_id(reply.text)
        _finish(
            db, message, owner, S.SENT, expect=expect, code=reply.code, reply=reply.text, queue_id=queue_id
        )
        report.sent += 1
    elif reply.stage == "sender":
        # The relay refuses us, not this recipient (say, a login is needed): try again later.
        _retry_or_fail(db, message, owner, attempts, reply.code, reply.text, report)
        return False
    elif 500 <= reply.code < 600:
        _finish(db, message, owner, S.FAILED, expect=expect, code=reply.code, reply=reply.text)
        report.failed += 1
    elif 400 <= reply.code < 500 or reply.stage != "end":
        _retry_or_fail(db, message, owner, attempts, reply.code, reply.text, report, expect=expect)
    else:  # after the "." an answer that is neither yes nor no: it may have been kept
        _finish(db, message, owner, S.UNCONFIRMED, expect=expect, code=reply.code, reply=reply.text)
        report.unconfirmed += 1
    return True


def _queue_id(reply: str) -> str:
    """The server's queue id from its 250 reply, e.g. "2.0.0 Ok: queued as 4Xk2"."""
    found = re.search(r"queued as ([\w.-]+)|id[= ]([\w.@-]+)", reply, re.I)
    return (found.group(1) or found.group(2)) if found else reply.strip()[:200]


# --- files --------------------------------------------------------------------------


def write_due(engine: Engine, settings: Settings, links: Links, owner: str, folder: Path) -> Report:
    """Every due message as an .eml file in `folder`, then marked sent (queue id: the file)."""
    folder.mkdir(parents=True, exist_ok=True)
    report = Report()
    with session(engine) as db:
        report.recovered = recover(db, utcnow(), settings.mail_max_attempts)
        while batch := claim(db, owner, settings.mail_lease_seconds, utcnow()):
            for message in batch:
                name = f"{message.id:06d}-{message.kind}.eml"
                data = build(db, message, links, _sender(settings))
                if not _finish(db, message, owner, S.TRANSMITTING, expect=S.SENDING):
                    continue
                partial = folder / f".{name}.part"
                partial.write_bytes(data)
                partial.replace(folder / name)
                _finish(
                    db,
                    message,
                    owner,
                    S.SENT,
                    expect=S.TRANSMITTING,
                    reply=f"written to {name}",
                    queue_id=f"file:{name}",
                )
                report.sent += 1
    return report
