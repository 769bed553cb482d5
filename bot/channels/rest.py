"""The REST channel (/webhooks/rest/webhook): a JSON object `{"sender", "message"}` in,
the bot's messages out.

Registered in credentials.yml in place of Rasa's `rest`, at the same URL. Unlike Rasa's,
it checks the body before anything else (size, depth, a JSON object, a sender that no
other channel owns, a text message) and answers a bad one with 400 and the reason; it
stores no client `metadata` and no client-chosen `input_channel`; and a turn runs to the
end even when the client hangs up, so nothing is lost. See `bot.channels.answered` for
what a citizen gets when the turn itself says nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.answered import Handler, answering_every_message
from bot.channels.senders import api_sender_id
from bot.limits import RequestRefusedError, parse_json_object
from bot.settings import settings


class ReliableRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls()

    @staticmethod
    def message_from(body: bytes, output: CollectingOutputChannel) -> UserMessage:
        request = parse_json_object(body, settings.max_body_bytes, settings.max_json_depth)
        sender = api_sender_id(request.get("sender"))
        text = request.get("message")
        if not isinstance(text, str):
            raise RequestRefusedError("message must be a string")
        return UserMessage(text, output, sender, input_channel=ReliableRestInput.name())

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        handle = answering_every_message(on_new_message)
        rest_webhook = Blueprint("rest_webhook", __name__)

        @rest_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            output = CollectingOutputChannel()
            try:
                message = self.message_from(request.body or b"", output)
            except RequestRefusedError as refused:
                return response.json({"error": refused.reason}, status=refused.status)
            # shielded: a client that hangs up does not cut the turn in half
            await asyncio.shield(asyncio.ensure_future(handle(message)))
            return response.json(output.messages)

        return rest_webhook
