"""The ingest against a real PostgreSQL tracker store (Debian's server binaries,
`scripts/setup-postgres.sh`; a throwaway server on a free loopback port), where two
transactions really do commit ids out of order."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conversations import tracker
from conversations.models import Conversation, Event, IngestState
from tests.helpers import ingest_all

SCHEMA = """
CREATE SEQUENCE events_seq;
CREATE TABLE events (
    id INTEGER PRIMARY KEY DEFAULT nextval('events_seq'),
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT
);
CREATE ROLE console_reader LOGIN;
GRANT SELECT ON events TO console_reader;
"""


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.skip("PostgreSQL is not installed (scripts/setup-postgres.sh)")
    return found[-1]


@pytest.fixture(scope="module")
def postgres():
    as_server_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    home = Path(tempfile.mkdtemp(prefix="console-pg-"))
    if as_server_user:
        shutil.chown(home, "postgres", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = home / "data"
    subprocess.run(
        [*as_server_user, _binary("initdb"), "-D", str(data), "-A", "trust", "-U", "rasa",
         "-E", "UTF8", "--no-locale"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*as_server_user, _binary("pg_ctl"), "-D", str(data), "-l", str(home / "log"),
         "-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1", "-w", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql://%s@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_server_user, _binary("pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def pg(postgres, settings):
    import psycopg

    admin = psycopg.connect(postgres % "rasa", autocommit=True)
    admin.execute("DROP TABLE IF EXISTS events; DROP SEQUENCE IF EXISTS events_seq;")
    admin.execute("DROP ROLE IF EXISTS console_reader")
    admin.execute(SCHEMA)
    settings.TRACKER_DB_URL = postgres % "console_reader"  # SELECT only
    settings.TRACKER_DB_WRITE_URL = postgres % "rasa"
    yield lambda: psycopg.connect(postgres % "rasa")
    admin.close()


def insert(connection, sender: str, event: dict) -> int:
    event.setdefault("timestamp", time.time())
    row = connection.execute(
        "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (%s, %s, %s, %s)"
        " RETURNING id",
        (sender, event["event"], event["timestamp"], json.dumps(event)),
    ).fetchone()
    return row[0]


@pytest.mark.django_db
def test_ids_committed_out_of_order_are_ingested_once_each(pg):
    first, second = pg(), pg()
    with first.transaction():
        insert(first, "web:a", {"event": "action", "name": "action_session_start"})
        insert(first, "web:a", {"event": "session_started"})
    # transaction A takes id 3 and stays open; B takes 4 and commits first
    a = pg()
    a.execute("BEGIN")
    late_id = insert(a, "web:a", {"event": "user", "text": "đăng ký tạm trú",
                                  "parse_data": {"intent": {"name": "inform_procedure",
                                                            "confidence": 0.9}},
                                  "input_channel": "socketio"})  # fmt: skip
    with second.transaction():
        early_id = insert(second, "web:b", {"event": "action", "name": "action_session_start"})
    assert late_id < early_id

    assert ingest_all() == 3
    assert IngestState.objects.get().watermark == early_id
    assert not Event.objects.filter(pk=late_id).exists()

    a.execute("COMMIT")
    assert ingest_all() == 1
    late = Event.objects.get(pk=late_id)
    assert late.conversation.sender_id == "web:a" and late.kind == "user"
    assert Conversation.objects.get(sender_id="web:a").channel == "socketio"
    assert ingest_all() == 0
    assert Event.objects.count() == 4
    for c in (first, second, a):
        c.close()


@pytest.mark.django_db
def test_the_reader_role_cannot_write_and_retention_uses_the_writer(pg):
    import psycopg

    with pg() as connection:
        insert(connection, "web:a", {"event": "action", "name": "action_session_start"})
    ingest_all()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        reader = tracker.reader()._connect()
        try:
            reader.execute("DELETE FROM events")
        finally:
            reader.close()
    writer = tracker.writer()
    assert writer.delete_ranges([("web:a", 1, 1)]) == 1
