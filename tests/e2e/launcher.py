"""Start the bot as `make run` does, on free loopback ports, for tests: the action server
and the Rasa server on the loopback, and the public entry in front of them.

Channel tests (widget, Zalo) call `launch_bot` with their own credentials file. Citizens'
traffic goes to `bot.url` (the public entry, channels only); staff-side calls go to
`bot.api_url` with a JWT (`bot.api`).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import jwt
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(Path(sys.executable))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningBot:
    url: str  # the public entry: only the channels
    api_url: str  # Rasa itself, on the loopback: the HTTP API with a JWT
    actions_url: str
    work: Path
    env: Dict[str, str]
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: Dict[str, Path] = field(default_factory=dict)

    def log(self, name: str) -> str:
        return self.logs[name].read_text(encoding="utf-8", errors="replace")

    def token(self, username: str = "console:test", role: str = "admin") -> str:
        """A short-lived JWT, as the staff console mints one."""
        claims = {"user": {"username": username, "role": role}, "exp": int(time.time()) + 60}
        return jwt.encode(claims, self.env["RASA_JWT_SECRET"], algorithm="HS256")

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token()}", **kwargs.pop("headers", {})}
        return requests.request(
            method, f"{self.api_url}{path}", headers=headers, timeout=30, **kwargs
        )

    def tracker(self, sender: str) -> dict:
        response = self.api("GET", f"/conversations/{sender}/tracker")
        assert response.status_code == 200, response.text
        return response.json()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    """Until `url` answers 200; fails with the end of `log` if the process exits or time runs out."""
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


def bot_environment(work: Path, kb_url: str, **extra: str) -> Dict[str, str]:
    """The environment `make run` gives the servers, with fresh secrets and ports."""
    public = extra.get("PUBLIC_PORT") or str(free_port())
    return {
        **os.environ,
        "KB_DATABASE_URL": kb_url,
        "CHANNELS_DATABASE_URL": f"sqlite:///{work / 'channels.db'}",
        "HF_HUB_OFFLINE": "1",
        "PUBLIC_PORT": public,
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "RASA_JWT_SECRET": secrets.token_hex(32),
        "ACTION_SERVER_TOKEN": secrets.token_hex(32),
        "BOT_SECRET_KEY": secrets.token_hex(32),
        "PORTAL_ORIGINS": f"http://127.0.0.1:{public},http://localhost:{public}",
        **extra,
    }


@contextmanager
def launch_bot(
    work: Path,
    kb_url: str,
    credentials: Optional[Path] = None,
    extra_env: Optional[Dict[str, str]] = None,
    debug: bool = False,
    python_options: Optional[Dict[str, List[str]]] = None,
) -> Iterator[RunningBot]:
    """The bot as `make run` starts it, on free ports with its own SQLite files
    (`debug`: Rasa logs everything, as with `--debug`; `python_options`: interpreter
    arguments put before `-m` for a server, e.g. `{"rasa": ["-m", "cProfile", "-o", F]}`)."""
    model = Path(os.environ["TEST_MODEL"])  # set by scripts/test.sh; missing = a failure
    env = bot_environment(work, kb_url, **(extra_env or {}))
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        (ROOT / "endpoints.yml")
        .read_text(encoding="utf-8")
        .replace('"var/tracker.db"', f'"{work / "tracker.db"}"'),
        encoding="utf-8",
    )
    bot = RunningBot(
        url=f"http://127.0.0.1:{env['PUBLIC_PORT']}",
        api_url=f"http://127.0.0.1:{env['RASA_PORT']}",
        actions_url=f"http://127.0.0.1:{env['ACTIONS_PORT']}",
        work=work,
        env=env,
    )
    commands = {
        "actions": [PYTHON, "-m", "bot.action_server"],
        "rasa": [PYTHON, "-m", "bot.server", "--model", str(model),
                 "--endpoints", str(endpoints),
                 "--credentials", str(credentials or ROOT / "credentials.yml"),
                 *(["--debug"] if debug else [])],
        "gateway": [PYTHON, "-m", "bot.gateway"],
    }  # fmt: skip
    for name, options in (python_options or {}).items():
        commands[name][1:1] = options
    try:
        for name, command in commands.items():
            bot.logs[name] = work / f"{name}.log"
            bot.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=bot.logs[name].open("w"),
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            if name == "rasa":  # the public entry starts once the bot answers
                wait_until_up(
                    f"{bot.api_url}/webhooks/rest/", bot.processes[name], 240, bot.logs[name]
                )
        wait_until_up(
            f"{bot.actions_url}/health", bot.processes["actions"], 120, bot.logs["actions"]
        )
        wait_until_up(
            f"{bot.url}/webhooks/rest/", bot.processes["gateway"], 60, bot.logs["gateway"]
        )
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
