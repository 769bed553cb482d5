"""A throwaway PostgreSQL server for the knowledge-base tests, from Debian's binaries.

Started on a free loopback port in a fresh directory and stopped after the session.
As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail("PostgreSQL is not installed: run scripts/setup-postgres.sh")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url():
    as_server_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    home = Path(tempfile.mkdtemp(prefix="kb-postgres-"))
    if as_server_user:
        shutil.chown(home, "postgres", "postgres")
    data, port = home / "data", _free_port()
    subprocess.run(
        [
            *as_server_user,
            _binary("initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "kb",
            "-E",
            "UTF8",
            "--no-locale",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_server_user,
            _binary("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(home / "server.log"),
            "-o",
            f"-p {port} -k {home} -c listen_addresses=127.0.0.1",
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://kb@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_server_user, _binary("pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)
