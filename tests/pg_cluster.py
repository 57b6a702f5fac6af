"""A throw-away PostgreSQL cluster for the tests and the benchmarks: ``initdb`` and ``pg_ctl`` from
Debian's ``postgresql`` package (``make test-tools`` installs it when missing) in a temp dir,
listening on a Unix socket only, stopped and deleted at the end.

PostgreSQL refuses to run as root; when the tests run as root (CI, containers) the server runs
as the ``postgres`` user the Debian package creates, and the clients connect over the socket
with trust authentication, which is safe because the socket lives in a 0700 dir only we reach.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

SERVER_USER = "postgres"  # who runs the server when we are root
ROLE = "triage"  # the superuser initdb makes; every client connects as it


def pg_bin(name: str) -> str | None:
    """``initdb``/``pg_ctl``: on PATH, or in Debian's versioned directory (not on PATH)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return candidates[-1] if candidates else None


def available() -> bool:
    return pg_bin("initdb") is not None and pg_bin("pg_ctl") is not None


class Cluster:
    def __init__(self, durable_commits: bool = False) -> None:
        # durable_commits: a COMMIT waits for its WAL write, so a server crash (stop -m immediate)
        # keeps every committed transaction, as a production server does. Off by default: faster.
        self.durable_commits = durable_commits
        self.root = Path(tempfile.mkdtemp(prefix="triage-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self._as_root:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self) -> "Cluster":
        self.socket_dir.mkdir()
        if self._as_root:
            shutil.chown(self.root, SERVER_USER)
            shutil.chown(self.socket_dir, SERVER_USER)
            os.chmod(self.root, 0o755)  # the socket dir inside stays reachable by root's clients
        initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
        assert initdb and pg_ctl, "PostgreSQL server binaries not found (make test-tools installs them)"
        self._run(initdb, "-D", str(self.data), "-U", ROLE, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-sync")
        self.server_start()
        return self

    def server_start(self) -> None:
        """(Re)start the server on the cluster's data (the fault tests stop it under a store)."""
        pg_ctl = pg_bin("pg_ctl")
        assert pg_ctl
        # Throw-away data: no fsync. Enough connections for 8 analysts, each with a pool.
        commits = "on" if self.durable_commits else "off"
        options = (f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c synchronous_commit={commits} "
                   "-c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB")
        self._run(pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def server_stop(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data: ``fast`` ends every session (rolling back open
        transactions), ``immediate`` is a crash (the next start recovers from the WAL)."""
        pg_ctl = pg_bin("pg_ctl")
        assert pg_ctl
        self._run(pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{ROLE}@/{dbname}?host={self.socket_dir}"

    def new_database(self) -> str:
        """A fresh empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = pg_bin("pg_ctl")
        if pg_ctl and self.data.exists():
            try:
                self._run(pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)
