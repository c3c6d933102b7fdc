"""Mail delivery: invitations queued and delivered to a local SMTP server, with the
sending process killed (SIGKILL) midway and started again.

    .venv/bin/python bench/mail.py [--messages 2000] [--kill-after 0.4]

1. Queues --messages invitations (companies, contacts, invitations and their messages,
   as staff sending a round's invitations would) in a SQLite file database.
2. Starts `assess mail send` against an aiosmtpd server in this process, SIGKILLs it once
   the server holds --kill-after of the messages, waits out the lease, starts it again.
3. Counts what the server received by message key.

Messages/s is every message over the whole run: both sender processes, their start-up and
the wait for the killed one's lease (ASSESS_MAIL_LEASE_SECONDS=2).

Last line: `mail: N messages/s, D duplicates, L lost`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess import db
from assess.config import Settings
from assess.models import Company, Contact, Invitation, Round
from assess.services.mail_events import queue_invitations
from tests.smtp import MailServer

LEASE = 2


def prepare(url: str, count: int) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session(engine) as session:
        round_ = Round(
            slug="bench-mail",
            name_ja="ベンチ調査",
            name_en="Bench survey",
            fiscal_year=2026,
            questionnaire_id="community",
            questionnaire_version=1,
            organiser_ja="ベンチ支援機構",
            organiser_en="Bench Support",
        )
        session.add(round_)
        session.flush()
        for i in range(count):
            company = Company(name=f"ベンチ株式会社{i}")
            session.add(company)
            session.flush()
            session.add(Contact(company_id=company.id, email=f"c{i}@example.jp", name=f"担当 {i}"))
            session.add(
                Invitation(round_id=round_.id, company_id=company.id, token_hash=f"{i:064d}", nonce=f"n{i}")
            )
        session.commit()
        queued = queue_invitations(session, round_, "bench")
    engine.dispose()
    assert queued == count, queued


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--kill-after", type=float, default=0.4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="assess-mail-"))
    url = f"sqlite:///{folder / 'mail.db'}"
    started = time.perf_counter()
    prepare(url, args.messages)
    print(f"queued {args.messages} invitations in {time.perf_counter() - started:.1f} s")
    with MailServer() as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSESS_")}
        env.update(
            ASSESS_DATABASE_URL=url,
            ASSESS_DATA_DIR=str(folder),
            ASSESS_SECRET_KEY=Settings(data_dir=folder).resolved_secret_key(),
            ASSESS_SMTP_HOST="127.0.0.1",
            ASSESS_SMTP_PORT=str(server.port),
            ASSESS_SMTP_SECURITY="none",
            ASSESS_MAIL_FROM="bench@example.jp",
            ASSESS_MAIL_LEASE_SECONDS=str(LEASE),
        )
        command = [sys.executable, "-m", "assess", "mail", "send"]
        begin = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        while len(server.messages) < args.messages * args.kill_after and process.poll() is None:
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed = len(server.messages)
        print(f"killed the sender after {killed} messages, {time.perf_counter() - begin:.1f} s")
        time.sleep(LEASE + 0.2)
        subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - begin
        keys = server.keys()
    duplicates = sum(n - 1 for n in keys.values())
    lost = args.messages - len(keys)
    print(f"delivered {len(keys)} distinct messages in {elapsed:.1f} s (both senders, lease wait included)")
    print(f"mail: {args.messages / elapsed:.0f} messages/s, {duplicates} duplicates, {lost} lost")


if __name__ == "__main__":
    main()
