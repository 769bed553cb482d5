"""The bot as `make run` starts it, with every channel (Zalo too), for the attack-surface
tests: probes go to the public entry, as an attacker on the network would send them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterator

import pytest
import requests

from tests.e2e.launcher import ROOT, RunningBot, launch_bot

ZALO_ENV: Dict[str, str] = {
    "ZALO_APP_ID": "4001234567890123456",
    "ZALO_OA_SECRET_KEY": "oa-secret-for-security-tests",
    "ZALO_APP_SECRET_KEY": "app-secret-for-security-tests",
    "ZALO_INITIAL_ACCESS_TOKEN": "access-token",
    "ZALO_INITIAL_REFRESH_TOKEN": "refresh-token",
}
CREDENTIALS = ROOT / "credentials.zalo.yml"
FEE_QUESTION = "dang ky thuong tru het bao nhieu tien"


@pytest.fixture(scope="session")
def stack(tmp_path_factory, kb_url) -> Iterator[RunningBot]:
    work = tmp_path_factory.mktemp("attack-surface")
    with launch_bot(work, kb_url, credentials=CREDENTIALS, extra_env=ZALO_ENV) as bot:
        yield bot


@pytest.fixture(scope="session")
def routes(stack) -> dict:
    """Every route the Rasa app (API on, every channel) and the action server define."""
    listed = subprocess.run(
        [sys.executable, "-m", "tests.security.routes", str(CREDENTIALS)],
        cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return json.loads(listed.stdout.strip().splitlines()[-1])


def still_serving(bot: RunningBot) -> None:
    """The next citizen is answered, and within 5 seconds."""
    started = time.monotonic()
    reply = requests.post(
        f"{bot.url}/webhooks/rest/webhook",
        json={"sender": f"next-{time.monotonic_ns()}", "message": FEE_QUESTION},
        timeout=5,
    )
    assert reply.status_code == 200, reply.text
    assert "20.000đ" in " ".join(m.get("text", "") for m in reply.json())
    assert time.monotonic() - started < 5


def listening_addresses(port: int) -> set:
    """Local addresses with a listening TCP socket on `port` (Linux /proc)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address if width == 32 else ".".join(
                    str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))  # fmt: skip
    return found
