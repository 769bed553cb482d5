"""The REST channel (/webhooks/rest/webhook), where every message gets an answer.

Registered in credentials.yml in place of Rasa's `rest`, at the same URL; see
`bot.channels.answered` for what a citizen gets when the turn itself says nothing.
"""

from __future__ import annotations

from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.answered import Handler, answering_every_message


class ReliableRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(answering_every_message(on_new_message))
