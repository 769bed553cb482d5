"""The socket.io channel (/socket.io) the web chat widget talks to, where every message
gets an answer, also after the conversation was handed to staff.

Registered in credentials.yml in place of Rasa's `socketio`, with the same settings; see
`bot.channels.answered`.
"""

from __future__ import annotations

from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.channels.answered import Handler, answering_every_message


class ReliableSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(answering_every_message(on_new_message))
