"""The scaled layout as `bash scripts/run-scaled.sh` starts it (bot/scaled.py): throwaway
PostgreSQL and Redis on the loopback, two action servers, two Rasa processes and nginx
as the one public entry, with every channel (Zalo too). Citizens' traffic goes to
`stack.url` (nginx) or to one Rasa process directly (`stack.rasa_url(name)`); tracker
reads go to Rasa's API with a JWT, as the staff console's."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Iterator, List

import jwt
import pytest
import requests

from bot.scaled import ScaledStack
from tests.e2e.conversation_sets import letters
from tests.security.conftest import CREDENTIALS, FEE_QUESTION, ZALO_ENV

FEE_ANSWER = "20.000đ"  # in the answer to FEE_QUESTION


@pytest.fixture(scope="session")
def stack(tmp_path_factory, kb_url) -> Iterator[ScaledStack]:
    model = os.environ["TEST_MODEL"]  # set by scripts/test.sh; missing = a failure
    work = tmp_path_factory.mktemp("scaled")
    extra = {**ZALO_ENV, "KB_DATABASE_URL": kb_url}
    with ScaledStack(model=model, work=Path(work), credentials=CREDENTIALS, extra_env=extra) as s:
        yield s


def token(stack: ScaledStack) -> str:
    claims = {"user": {"username": "console:test", "role": "admin"}, "exp": int(time.time()) + 60}
    return jwt.encode(claims, stack.env["RASA_JWT_SECRET"], algorithm="HS256")


def api(stack: ScaledStack, rasa: str, method: str, path: str, **kwargs: Any) -> requests.Response:
    """Rasa's HTTP API of one process, with a short-lived JWT."""
    headers = {"Authorization": f"Bearer {token(stack)}"}
    url = stack.rasa_url(rasa) + path
    return requests.request(method, url, headers=headers, timeout=30, **kwargs)


def tracker_events(stack: ScaledStack, sender: str, rasa: str = "rasa-1") -> List[dict]:
    reply = api(stack, rasa, "GET", f"/conversations/{sender}/tracker")
    assert reply.status_code == 200, reply.text
    return reply.json()["events"]


def say(url: str, sender: str, text: str, timeout: float = 60) -> List[str]:
    """A REST message to `url` (nginx or one process); the texts of the answer."""
    reply = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
    )
    assert reply.status_code == 200, reply.text
    return [m.get("text", "") for m in reply.json()]


def answered(stack: ScaledStack, sender: str = "") -> None:
    """A citizen gets the real answer through the public entry, within 5 seconds."""
    started = time.monotonic()
    reply = " ".join(say(stack.url, sender or f"next-{letters(12)}", FEE_QUESTION, 10))
    assert FEE_ANSWER in reply, reply
    assert time.monotonic() - started < 5


def all_running(stack: ScaledStack) -> None:
    for name, service in stack.services.items():
        assert service.process is not None and service.process.poll() is None, name
