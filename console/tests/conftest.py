"""Shared fixtures: a tracker store in Rasa's own schema, and one signed-in client per
role."""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from accounts.roles import ROLES

# Rasa 3.6's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent)
RASA_SCHEMA = """
CREATE TABLE events (
    id INTEGER NOT NULL PRIMARY KEY,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT
);
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""
PASSWORD = "mật khẩu thử nghiệm 2026"


class FakeRasa:
    """Writes events into a tracker.db as Rasa does (same columns, same JSON)."""

    def __init__(self, path: Path, start: Optional[float] = None) -> None:
        self.path = path
        self.clock = itertools.count()
        self.start = start if start is not None else time.time() - 3600
        connection = sqlite3.connect(path)
        connection.executescript(RASA_SCHEMA)
        connection.close()

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def add(self, sender: str, event: Dict[str, Any], event_id: Optional[int] = None) -> int:
        event.setdefault("timestamp", self.start + next(self.clock))
        connection = sqlite3.connect(self.path)
        with connection:
            cursor = connection.execute(
                "INSERT INTO events (id, sender_id, type_name, timestamp, intent_name,"
                " action_name, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    event_id,
                    sender,
                    event["event"],
                    event["timestamp"],
                    (event.get("parse_data") or {}).get("intent", {}).get("name"),
                    event.get("name") if event["event"] == "action" else None,
                    json.dumps(event, ensure_ascii=False),
                ),
            )
        connection.close()
        return cursor.lastrowid

    def session(self, sender: str) -> None:
        self.add(sender, {"event": "action", "name": "action_session_start"})
        self.add(sender, {"event": "session_started"})
        self.action(sender, "action_listen")

    def user(
        self,
        sender: str,
        text: str,
        intent: str,
        confidence: float = 0.93,
        entities: Iterable[Dict[str, Any]] = (),
        channel: str = "rest",
    ) -> int:
        return self.add(
            sender,
            {
                "event": "user",
                "text": text,
                "parse_data": {
                    "intent": {"name": intent, "confidence": confidence},
                    "entities": list(entities),
                    "text": text,
                },
                "input_channel": channel,
                "message_id": f"m{next(self.clock)}",
                "metadata": {},
            },
        )

    def action(self, sender: str, name: str) -> int:
        return self.add(sender, {"event": "action", "name": name, "policy": "RulePolicy"})

    def bot(self, sender: str, text: str, staff: Optional[str] = None) -> int:
        metadata = {"source": "staff", "staff": staff} if staff else {"utter_action": "x"}
        return self.add(sender, {"event": "bot", "text": text, "data": {}, "metadata": metadata})

    def slot(self, sender: str, name: str, value: Any) -> int:
        return self.add(sender, {"event": "slot", "name": name, "value": value})

    def turn(self, sender: str, text: str, intent: str, answer: str, **kwargs: Any) -> int:
        event_id = self.user(sender, text, intent, **kwargs)
        self.action(sender, f"action_answer_{intent}")
        self.bot(sender, answer)
        self.action(sender, "action_listen")
        return event_id


@pytest.fixture
def rasa(tmp_path, settings) -> FakeRasa:
    fake = FakeRasa(tmp_path / "tracker.db")
    settings.TRACKER_DB_URL = fake.url
    settings.TRACKER_DB_WRITE_URL = ""
    return fake


@pytest.fixture
def staff(db) -> Dict[str, User]:
    """One account per role (and a second reviewer for the two-person rule)."""
    users = {}
    for role in (*ROLES, "reviewer2"):
        group = Group.objects.get(name=role.rstrip("2"))
        user = User.objects.create_user(role, password=PASSWORD, is_staff=role == "admin")
        user.groups.add(group)
        users[role] = user
    return users


@pytest.fixture
def login(staff):
    def client_for(role: str) -> Client:
        client = Client()
        client.force_login(staff[role])
        return client

    return client_for


@pytest.fixture(autouse=True)
def _no_rasa_calls(monkeypatch):
    """Unit tests never reach a real Rasa; the ones that need it patch this."""
    from console import rasa_api

    def refuse(*args: Any, **kwargs: Any) -> bytes:
        raise rasa_api.RasaError("no Rasa in unit tests")

    monkeypatch.setattr(rasa_api, "request", refuse)


@pytest.fixture(autouse=True)
def _exports_to_tmp(tmp_path, settings):
    settings.NLU_EXPORT_DIR = tmp_path / "nlu-export"
    settings.STORY_EXPORT_DIR = tmp_path / "stories"
