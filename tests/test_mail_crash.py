"""A sender killed (SIGKILL) while it delivers 500 messages to a real SMTP server, then
started again: every message reaches the server exactly once, counted by its key."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlmodel import select

from assess import db
from assess.models import OutboxMessage
from assess.services.outbox import queue
from assess.vocab import MessageKind, MessageStatus
from tests.helpers import KEY, ROOT
from tests.smtp import MailServer

LEASE = 2  # seconds: how long the killed sender's claimed messages stay out of reach


def sender_environment(url: str, data_dir, server: MailServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSESS_")}
    env.update(
        ASSESS_DATABASE_URL=url,
        ASSESS_DATA_DIR=str(data_dir),
        ASSESS_SECRET_KEY=KEY,
        ASSESS_SMTP_HOST="127.0.0.1",
        ASSESS_SMTP_PORT=str(server.port),
        ASSESS_SMTP_SECURITY="none",
        ASSESS_MAIL_FROM="sdgs@example.jp",
        ASSESS_MAIL_LEASE_SECONDS=str(LEASE),
    )
    return env


def queue_many(engine, count: int) -> None:
    with db.session(engine) as session:
        for i in range(count):
            queue(
                session, f"crash:{i}", MessageKind.INVITATION, f"c{i}@example.jp", "ja", {"company": f"社{i}"}
            )
        session.commit()


def kill_midway(command: list[str], env: dict, server: MailServer, after: int) -> None:
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while len(server.messages) < after and process.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, f"the sender ended before it could be killed: {process.stdout.read()!r}"
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_a_killed_sender_started_again_delivers_every_message_exactly_once(tmp_path, new_database):
    url = new_database("crash", migrated=True)
    engine = db.make_engine(url)
    db.upgrade(engine)
    queue_many(engine, 500)
    command = [sys.executable, "-m", "assess", "mail", "send"]
    with MailServer() as server:
        env = sender_environment(url, tmp_path / "data", server)
        kill_midway(command, env, server, after=150)
        killed_at = len(server.messages)
        assert killed_at < 500
        time.sleep(LEASE + 0.5)
        again = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stdout + again.stderr
        keys = server.keys()
    with db.session(engine) as session:
        statuses = [m.status for m in session.exec(select(OutboxMessage))]
    engine.dispose()
    assert sorted(keys) == sorted(f"crash:{i}" for i in range(500)), f"lost: {500 - len(keys)}"
    assert set(keys.values()) == {1}, "a message was delivered twice"
    # The message in hand at the kill may be unconfirmed (delivered, its reply never read).
    assert statuses.count(MessageStatus.SENT) >= 499 and set(statuses) <= {
        MessageStatus.SENT,
        MessageStatus.UNCONFIRMED,
    }
