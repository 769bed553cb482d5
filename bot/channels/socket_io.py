"""The socket.io channel (/socket.io) the web chat widget talks to.

Registered in credentials.yml in place of Rasa's `socketio`, with the same event names.
Unlike Rasa's channel, a conversation belongs to the connection that owns it:

- the server issues each conversation id (`web:<random>`) with a signature; a socket
  joins a conversation only by presenting both (the widget keeps them for reloads and
  reconnects), so knowing someone's id is not enough to read their answers;
- a socket sends messages only into the conversation it joined, whatever `session_id`
  its messages claim;
- origins are limited to the configured portals, packets to the body limit, and client
  metadata is not stored;
- `enter_room` is awaited (a coroutine since python-socketio 5.10);
- with SOCKETIO_REDIS_URL set (several Rasa processes, docs/scale-out.md), events go
  through Redis (python-socketio's AsyncRedisManager): a message one process sends to a
  conversation reaches the widget wherever it is connected. Each process delivers to its
  own sockets first, so with Redis down a process still reaches the widgets it holds.

See `bot.channels.answered` for the answer every message gets.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Dict, Optional

import engineio
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.channels.answered import Handler, answering_every_message
from bot.channels.senders import WEB
from bot.settings import settings

logger = logging.getLogger(__name__)

RELOAD_PLEASE = (
    "Phiên trò chuyện chưa sẵn sàng. Anh/chị vui lòng tải lại trang rồi gửi lại câu hỏi."
)
TEXT_ONLY = "Xin lỗi anh/chị, Trợ lý chỉ đọc được tin nhắn chữ."


@dataclass(frozen=True)
class WidgetSession:
    """A conversation id the server issued, and the signature that proves it did."""

    id: str
    token: str

    @staticmethod
    def sign(session_id: str) -> str:
        key = settings.derived_key("widget-session")
        return hmac.new(key, session_id.encode("utf-8"), "sha256").hexdigest()[:32]

    @classmethod
    def new(cls) -> WidgetSession:
        session_id = WEB + secrets.token_urlsafe(16)
        return cls(session_id, cls.sign(session_id))

    @classmethod
    def presented(cls, data: Any) -> Optional[WidgetSession]:
        """The session a returning widget presents, if the signature is ours."""
        if not isinstance(data, dict):
            return None
        session_id, token = data.get("session_id"), data.get("session_token")
        if not isinstance(session_id, str) or not isinstance(token, str):
            return None
        if not session_id.startswith(WEB) or len(session_id) > 64:
            return None
        if not hmac.compare_digest(token.encode("utf-8"), cls.sign(session_id).encode()):
            return None
        return cls(session_id, token)


class WidgetOutput(SocketIOOutput):
    """Rasa's socket.io output; a staff member's message (event metadata `source: staff`,
    sent by the console) is marked so the widget shows it as coming from a person."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if kwargs.get("source") != "staff":
            return await super().send_text_message(recipient_id, text, **kwargs)
        staff = str(kwargs.get("staff") or "")[:80]
        message = {"text": text.strip(), "from": "staff", "staff": staff}
        await self._send_message(recipient_id, message)


class _EngineIOServer(engineio.AsyncServer):
    """Engine.IO, except that dropping a client does not wait for it to fetch the close
    packet. After a malformed long-polling POST (an unknown packet type such as "6"),
    engineio disconnects the client and waits until it polls again: a client that never
    does held that POST open forever (found by tests/scale/test_fuzz.py)."""

    async def disconnect(self, sid: Optional[str] = None) -> None:
        socket = self.sockets.get(sid) if sid is not None else None
        if socket is None:
            return await super().disconnect(sid)
        await socket.close(wait=False, reason=self.reason.SERVER_DISCONNECT)
        self.sockets.pop(sid, None)


class _SocketServer(AsyncServer):
    def _engineio_server_class(self) -> type:
        return _EngineIOServer


def client_manager() -> Optional[AsyncRedisManager]:
    """Redis between the processes when configured; otherwise one process, in memory."""
    if not settings.socketio_redis_url:
        return None
    return AsyncRedisManager(
        settings.socketio_redis_url,
        channel="tro-ly-socketio",
        redis_options={"socket_connect_timeout": 2},
    )


class ReliableSocketIOInput(InputChannel):
    """socket.io for the widget; see the module docstring for what it adds to Rasa's."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        socketio_path: str = "/socket.io",
    ) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.sio: Optional[AsyncServer] = None
        self._conversation_of: Dict[str, str] = {}  # socket id -> the conversation it joined

    def get_output_channel(self) -> Optional[OutputChannel]:
        """How messages pushed from outside a turn (a staff reply) reach the widget."""
        return WidgetOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        handle = answering_every_message(on_new_message)
        sio = _SocketServer(
            async_mode="sanic",
            client_manager=client_manager(),
            cors_allowed_origins=list(settings.allowed_origins),
            max_http_buffer_size=settings.max_body_bytes,
        )
        self.sio = sio
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        output = WidgetOutput(sio, self.bot_message_evt)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return True

        @sio.on("disconnect")
        async def disconnect(sid: str, *_: Any) -> None:
            self._conversation_of.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            session = WidgetSession.presented(data) or WidgetSession.new()
            previous = self._conversation_of.get(sid)
            if previous is not None and previous != session.id:
                await sio.leave_room(sid, previous)
            await sio.enter_room(sid, session.id)
            self._conversation_of[sid] = session.id
            confirmed = {"session_id": session.id, "session_token": session.token}
            await sio.emit("session_confirm", confirmed, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any = None) -> None:
            sender_id = self._conversation_of.get(sid)
            claimed = data.get("session_id") if isinstance(data, dict) else None
            if sender_id is None or (claimed is not None and claimed != sender_id):
                logger.warning("socket.io: a message outside the socket's own conversation")
                await sio.emit(self.bot_message_evt, {"text": RELOAD_PLEASE}, room=sid)
                return
            text = data.get("message") if isinstance(data, dict) else None
            if not isinstance(text, str):
                await output.send_text_message(sender_id, TEXT_ONLY)
                return
            await handle(UserMessage(text, output, sender_id, input_channel=self.name()))

        return socketio_webhook
