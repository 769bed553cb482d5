"""Start the real action server and Rasa server on free loopback ports, for tests.

Channel tests (widget, Zalo) call `launch_bot` with their own credentials file.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, Optional

import requests

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningBot:
    rasa_url: str
    actions_url: str
    work: Path
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: Dict[str, Path] = field(default_factory=dict)

    def log(self, name: str) -> str:
        return self.logs[name].read_text(encoding="utf-8", errors="replace")


def _wait_for(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not up after {seconds}s:\n{log.read_text()[-3000:]}")


@contextmanager
def launch_bot(
    work: Path,
    kb_url: str,
    credentials: Optional[Path] = None,
    extra_env: Optional[Dict[str, str]] = None,
    jwt_secret: Optional[str] = None,
) -> Iterator[RunningBot]:
    """The bot as `make run` starts it, but on free ports with its own SQLite files.

    With `jwt_secret`, Rasa's HTTP API takes only HS256 tokens signed with it (as the
    support-staff console calls it), and answers no cross-origin requests."""
    model = Path(os.environ["TEST_MODEL"])  # set by scripts/test.sh; missing = a failure
    action_port, rasa_port = free_port(), free_port()
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        "tracker_store:\n  type: bot.tracker_store.MaskingSQLTrackerStore\n"
        f'  dialect: "sqlite"\n  db: "{work / "tracker.db"}"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "KB_DATABASE_URL": kb_url, "HF_HUB_OFFLINE": "1", **(extra_env or {})}
    bot = RunningBot(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", work)
    commands = {
        "actions": [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                    "--port", str(action_port)],
        "rasa": [str(VENV_BIN / "rasa"), "run", "-m", str(model), "--enable-api", "--cors", "*",
                 "--port", str(rasa_port), "--endpoints", str(endpoints),
                 "--credentials", str(credentials or ROOT / "credentials.yml")],
    }  # fmt: skip
    if jwt_secret:
        commands["rasa"].remove("--cors")
        commands["rasa"].remove("*")
        commands["rasa"] += ["--jwt-secret", jwt_secret, "--jwt-method", "HS256"]
    for name, command in commands.items():
        bot.logs[name] = work / f"{name}.log"
        bot.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=bot.logs[name].open("w"), stderr=subprocess.STDOUT
        )
    try:
        _wait_for(f"{bot.actions_url}/health", bot.processes["actions"], 120, bot.logs["actions"])
        # with a JWT, /status needs a token; "/" answers once the model is loaded
        ready = "/" if jwt_secret else "/status"
        _wait_for(f"{bot.rasa_url}{ready}", bot.processes["rasa"], 240, bot.logs["rasa"])
        yield bot
    finally:
        for process in bot.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in bot.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
