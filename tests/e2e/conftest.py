"""The real bot for end-to-end tests, and a helper to chat with it over REST."""

from __future__ import annotations

from typing import Callable

import pytest
import requests

from tests.e2e.conversation_sets import letters
from tests.e2e.launcher import RunningBot, launch_bot


@pytest.fixture(scope="session")
def servers(tmp_path_factory, kb_url) -> RunningBot:
    with launch_bot(tmp_path_factory.mktemp("servers"), kb_url) as bot:
        yield bot


Say = Callable[[str], list]


def rest_conversation(url: str) -> Say:
    """A new conversation: `say(text)` returns the bot's messages."""
    sender = f"test-{letters(10)}"

    def say(text: str) -> list:
        response = requests.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    say.sender = sender  # type: ignore[attr-defined]
    return say


@pytest.fixture
def conversation(servers) -> Callable[[], Say]:
    return lambda: rest_conversation(servers.url)


def texts(messages: list) -> str:
    return "\n".join(m.get("text", "") for m in messages)
