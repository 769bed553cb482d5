"""The action server: rasa_sdk's executor behind a door only Rasa opens.

`python -m bot.action_server` replaces `rasa run actions`. It listens on the loopback (or
the internal address in ACTIONS_INTERFACE), answers only requests that carry the shared
token Rasa sends (endpoints.yml `headers`), bounds bodies before and after
decompression, and never echoes a request (a citizen's whole conversation) in an error.
Personal data is masked in every log record.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
from typing import Optional

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.limits import RequestRefusedError, inflate
from bot.privacy import install_log_masking
from bot.settings import settings

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Action-Token"


def _authorised(request: Request, token: str) -> bool:
    given = request.headers.get(TOKEN_HEADER, "")
    return not token or hmac.compare_digest(given.encode(), token.encode())


def _action_call(request: Request) -> dict:
    body = inflate(
        request.body or b"",
        request.headers.get("Content-Encoding"),
        settings.max_action_body_bytes,
    )
    try:
        call = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise RequestRefusedError("body is not valid JSON") from error
    if not isinstance(call, dict):
        raise RequestRefusedError("body must be a JSON object")
    return call


def create_app(actions_package: str = "actions", token: Optional[str] = None) -> Sanic:
    token = settings.action_server_token if token is None else token
    app = Sanic("actions", configure_logging=False)
    # compressed bodies are bounded after inflating (inflate); this bounds what arrives
    app.config.REQUEST_MAX_SIZE = settings.max_action_body_bytes
    # Rasa opens a new connection for every action call and, busy with many turns, may
    # write the request seconds after connecting; Sanic's 5-second idle timeout would
    # close the connection first and the turn would fail. Rasa is the only client
    # (loopback, token), so a new connection may wait as long as a request's body may.
    app.config.KEEP_ALIVE_TIMEOUT = app.config.REQUEST_TIMEOUT
    executor = ActionExecutor()
    executor.register_package(actions_package)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        if not _authorised(request, token):
            return response.json({"error": "not authorised"}, status=401)
        try:
            call = _action_call(request)
        except RequestRefusedError as refused:
            return response.json({"error": refused.reason}, status=refused.status)
        utils.check_version_compatibility(call.get("version"))
        try:
            result = await executor.run(call)
        except ActionExecutionRejection as rejection:
            body = {"error": rejection.message, "action_name": rejection.action_name}
            return response.json(body, status=400)
        except ActionNotFoundException as missing:
            return response.json({"error": missing.message}, status=404)
        return response.json(result)

    @app.exception(Exception)
    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500)
        if status >= 500:
            logger.error("action server: request failed", exc_info=exception)
        return response.json({"error": "the action failed"}, status=status)

    return app


def warm_up() -> None:
    """Build the catalog and the resolver before the first citizen asks: the first
    question would otherwise pay for them, against Rasa's ACTION_TIMEOUT_SECONDS."""
    try:
        from actions.knowledge import resolver

        resolver()
    except Exception as error:  # the actions tell citizens; the server still starts
        logger.warning("knowledge base not ready at start (%s)", type(error).__name__)


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Trợ lý Dịch vụ công action server")
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--interface", default=settings.actions_interface)
    parser.add_argument("--port", type=int, default=settings.actions_port)
    args = parser.parse_args(argv)
    install_log_masking()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if not settings.action_server_token:
        logger.warning("ACTION_SERVER_TOKEN is not set: any local process may call the actions")
    app = create_app(args.actions)
    warm_up()
    logger.info("Action server on http://%s:%s", args.interface, args.port)
    app.run(host=args.interface, port=args.port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
