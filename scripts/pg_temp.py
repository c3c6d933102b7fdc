"""A private, throw-away PostgreSQL server from Debian's `postgresql` package.

    python scripts/pg_temp.py COMMAND [ARGS...]

starts a cluster in a temporary folder on a free 127.0.0.1 port, runs COMMAND
with ASSESS_PG_URL set to its `postgres` database, then stops and deletes it.
The test command and bench/durability.py use it; nothing is left behind.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise SystemExit(
            "PostgreSQL is not installed: apt-get install postgresql (./setup.sh test does this)"
        )
    return Path(found[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def temporary_postgres(max_connections: int = 200, fsync: bool = False):
    """Yields a SQLAlchemy URL of a fresh server; fsync is off unless asked (test data)."""
    pg = _bin()
    folder = Path(tempfile.mkdtemp(prefix="assess-pg-"))
    run_as: list[str] = []
    if os.getuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = folder / "data"

    def pg_ctl(*args: str) -> None:
        subprocess.run(
            [*run_as, str(pg / "pg_ctl"), "-D", str(data), *args], check=True, stdout=subprocess.DEVNULL
        )

    try:
        subprocess.run(
            [
                *run_as,
                str(pg / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-N",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        pg_ctl(
            "-l",
            str(folder / "server.log"),
            "-w",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections={max_connections}"
            f" -c fsync={'on' if fsync else 'off'}",
            "start",
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*run_as, str(pg / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with temporary_postgres() as url:
        return subprocess.run(sys.argv[1:], env={**os.environ, "ASSESS_PG_URL": url}).returncode


if __name__ == "__main__":
    sys.exit(main())
