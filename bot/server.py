"""The Rasa server as `make run` starts it: `python -m bot.server --model M [--debug]`.

Before Rasa's own `rasa run` takes over, personal data is masked in every log record
and request bodies are bounded. The server listens on the loopback (RASA_INTERFACE);
citizens reach only its channels, through the public entry (`bot.gateway`). Rasa's HTTP
API is on only when RASA_JWT_SECRET is set, and then only with a signed token (the staff
console's). CORS is limited to the configured portal origins.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from bot.privacy import install_log_masking
from bot.settings import settings
from bot.tracker_store import install_strict_reads


def rasa_arguments(model: str, endpoints: str, credentials: str, debug: bool) -> list[str]:
    """The `rasa run` command line these settings give."""
    arguments = [
        "run",
        "--model", model,
        "--endpoints", endpoints,
        "--credentials", credentials,
        "--interface", settings.rasa_interface,
        "--port", str(settings.rasa_port),
        "--cors", *settings.allowed_origins,
    ]  # fmt: skip
    if settings.rasa_jwt_secret:
        arguments += ["--enable-api", "--jwt-secret", settings.rasa_jwt_secret]
        arguments += ["--jwt-method", "HS256"]
    if debug:
        arguments.append("--debug")
    return arguments


def bound_action_calls() -> None:
    """Rasa waits five minutes for the action server; a citizen should not. After
    ACTION_TIMEOUT_SECONDS the turn fails, and the channel sends the apology
    (`bot.channels.answered`), so a stuck action server costs a citizen seconds."""
    import rasa.core.actions.action as rasa_actions

    rasa_actions.DEFAULT_REQUEST_TIMEOUT = settings.action_timeout_seconds  # type: ignore


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Trợ lý Dịch vụ công: the Rasa server")
    parser.add_argument("--model", required=True)
    parser.add_argument("--endpoints", default=os.environ.get("RASA_ENDPOINTS", "endpoints.yml"))
    parser.add_argument("--credentials", default="credentials.yml")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    install_log_masking()
    # Sanic reads SANIC_* settings when Rasa creates its app
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(settings.max_body_bytes)
    os.environ["SANIC_ACCESS_LOG"] = "False"
    # the secret is passed inside this process, never on a command line others can read
    sys.argv = ["rasa", *rasa_arguments(args.model, args.endpoints, args.credentials, args.debug)]
    bound_action_calls()
    install_strict_reads()
    from rasa.__main__ import main as rasa_main

    from bot import action_responses

    action_responses.install()  # the action server's answers: the schema checked once

    rasa_main()


if __name__ == "__main__":
    main()
