"""A citizen on the web widget's channel: a socket.io connection through the public entry,
as the widget makes it (session request, then messages into that session)."""

from __future__ import annotations

import time
from typing import Optional

import socketio


class SocketCitizen:
    """A widget's socket.io connection through the public entry."""

    def __init__(self, url: str, origin: Optional[str] = None) -> None:
        # `origin`: the page the widget runs on (default: the server's own origin)
        extra = {"websocket_extra_options": {"origin": origin}} if origin else {}
        self.client = socketio.Client(reconnection=False, **extra)
        self.session: dict = {}
        self.received: list = []
        self.client.on("session_confirm", self.session.update)
        self.client.on("bot_uttered", self.received.append)
        self.client.connect(url, transports=["websocket"], socketio_path="socket.io",
                            wait_timeout=10)  # fmt: skip

    def request_session(self, data: dict) -> dict:
        self.session.clear()
        self.client.emit("session_request", data)
        deadline = time.monotonic() + 10
        while not self.session and time.monotonic() < deadline:
            time.sleep(0.05)
        return dict(self.session)

    def say(self, text: str, session_id: str, wait_for: str = "", seconds: float = 30) -> str:
        before = len(self.received)
        self.client.emit("user_uttered", {"message": text, "session_id": session_id})
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            new = " ".join(m.get("text", "") for m in self.received[before:])
            if new and wait_for in new:
                return new
            time.sleep(0.1)
        return " ".join(m.get("text", "") for m in self.received[before:])

    def close(self) -> None:
        self.client.disconnect()
