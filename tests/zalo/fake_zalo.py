"""A fake Zalo OA API on loopback that speaks the real wire format.

`POST /v3.0/oa/message/cs`: checks the `access_token` header against the one valid token,
answers `{"error": -216, ...}` when it is wrong or expired, otherwise records the message
and answers `{"error": 0, "message": "Success", ...}`.

`POST /v4/oa/access_token`: checks the `secret_key` header, the form's app id and grant
type, and the single-use refresh token; issues a new pair (`expires_in` as a string, as
Zalo does); a refresh token used before is rejected with an error payload.

It runs in a background thread with its own event loop; tests read what it recorded.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set

from aiohttp import web

MAX_TEXT = 2000


@dataclass
class SentMessage:
    recipient_id: Any  # exactly as found in the JSON (must be a string)
    message: Dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.message.get("text", ""))

    @property
    def buttons(self) -> List[Dict[str, Any]]:
        attachment = self.message.get("attachment") or {}
        return list((attachment.get("payload") or {}).get("buttons") or [])


@dataclass
class FakeZaloState:
    app_id: str
    app_secret_key: str
    access_token: str
    refresh_token: str
    access_valid: bool = True
    used_refresh_tokens: Set[str] = field(default_factory=set)
    issued_tokens: List[str] = field(default_factory=list)
    messages: List[SentMessage] = field(default_factory=list)
    send_requests: int = 0
    rejected_sends: int = 0
    refresh_requests: int = 0
    refresh_delay: float = 0.0
    invalid_users: Set[str] = field(default_factory=set)


def _new_token(kind: str) -> str:
    return f"{kind}-{secrets.token_urlsafe(24)}"


class FakeZalo:
    def __init__(
        self, app_id: str = "1234567890123456789", app_secret_key: str = "app-secret", port=0
    ):
        access, refresh = _new_token("AT"), _new_token("RT")
        self.state = FakeZaloState(app_id, app_secret_key, access, refresh)
        self.state.issued_tokens += [access, refresh]
        self.initial_access_token = access
        self.initial_refresh_token = refresh
        self._lock = threading.Lock()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self._ready = threading.Event()
        self.port = port

    # -- lifecycle --

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeZalo:
        self._thread = threading.Thread(target=self._run, name="fake-zalo", daemon=True)
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError("fake Zalo server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FakeZalo:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._startup())
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _startup(self) -> None:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self._send)
        app.router.add_post("/v4/oa/access_token", self._refresh)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests use --

    def expire_access_token(self) -> None:
        """The current access token stops working (as after 25 hours)."""
        with self._lock:
            self.state.access_valid = False

    @property
    def current_tokens(self) -> tuple:
        with self._lock:
            return self.state.access_token, self.state.refresh_token

    @property
    def refresh_requests(self) -> int:
        with self._lock:
            return self.state.refresh_requests

    @property
    def issued_tokens(self) -> List[str]:
        with self._lock:
            return list(self.state.issued_tokens)

    def set_refresh_delay(self, seconds: float) -> None:
        with self._lock:
            self.state.refresh_delay = seconds

    def refuse_user(self, user_id: str) -> None:
        """Sends to this user fail with error -207 (invalid user)."""
        with self._lock:
            self.state.invalid_users.add(user_id)

    def accept_user(self, user_id: str) -> None:
        """Sends to this user succeed again."""
        with self._lock:
            self.state.invalid_users.discard(user_id)

    def messages(self, user_id: Optional[str] = None) -> List[SentMessage]:
        with self._lock:
            return [m for m in self.state.messages if user_id is None or m.recipient_id == user_id]

    def texts(self, user_id: str) -> str:
        return "\n".join(m.text for m in self.messages(user_id))

    def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 60.0, interval: float = 0.2
    ) -> bool:
        """Poll `predicate` until it holds or `timeout` passes; returns the last result."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return bool(predicate())

    # -- the API --

    async def _send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        token = request.headers.get("access_token")
        with self._lock:
            self.state.send_requests += 1
            if not token or token != self.state.access_token or not self.state.access_valid:
                self.state.rejected_sends += 1
                return web.json_response({"error": -216, "message": "Access token is invalid"})
        try:
            body = json.loads(raw.decode("utf-8"))
            recipient_id = body["recipient"]["user_id"]
            message = body["message"]
        except (ValueError, KeyError, TypeError):
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        if not isinstance(recipient_id, str) or not isinstance(message, dict):
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        text = message.get("text")
        if not isinstance(text, str) or not text or len(text) > MAX_TEXT:
            return web.json_response({"error": -204, "message": "Message text is invalid"})
        with self._lock:
            if recipient_id in self.state.invalid_users:
                return web.json_response({"error": -207, "message": "User has not interacted"})
            self.state.messages.append(SentMessage(recipient_id, message))
        return web.json_response(
            {
                "error": 0,
                "message": "Success",
                "data": {"message_id": secrets.token_hex(16), "user_id": recipient_id},
            }
        )

    async def _refresh(self, request: web.Request) -> web.Response:
        form = await request.post()
        with self._lock:
            self.state.refresh_requests += 1
            delay = self.state.refresh_delay
        if delay:
            await asyncio.sleep(delay)
        with self._lock:
            state = self.state
            if request.headers.get("secret_key") != state.app_secret_key:
                return web.json_response(
                    {"error": -14002, "error_name": "Invalid secret key", "error_reason": ""}
                )
            if form.get("app_id") != state.app_id or form.get("grant_type") != "refresh_token":
                return web.json_response(
                    {"error": -14001, "error_name": "Invalid parameter", "error_reason": ""}
                )
            refresh = form.get("refresh_token")
            if refresh in state.used_refresh_tokens or refresh != state.refresh_token:
                return web.json_response(
                    {"error": -14014, "error_name": "Invalid refresh token", "error_reason": ""}
                )
            state.used_refresh_tokens.add(str(refresh))
            state.access_token, state.refresh_token = _new_token("AT"), _new_token("RT")
            state.access_valid = True
            state.issued_tokens += [state.access_token, state.refresh_token]
            answer = {
                "access_token": state.access_token,
                "refresh_token": state.refresh_token,
                "expires_in": "90000",
            }
        return web.json_response(answer)


def main() -> None:
    """Run the fake Zalo API by hand (see docs/zalo.md): prints what the bot sends."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-id", default="1234567890123456789")
    parser.add_argument("--app-secret-key", default="app-secret")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with FakeZalo(args.app_id, args.app_secret_key, args.port) as fake:
        print(f"api_base / oauth_base: {fake.url}")
        print(f"initial_access_token:  {fake.initial_access_token}")
        print(f"initial_refresh_token: {fake.initial_refresh_token}", flush=True)
        shown = 0
        try:
            while True:
                time.sleep(0.5)
                messages = fake.messages()
                for sent in messages[shown:]:
                    print(f"→ {sent.recipient_id}: {json.dumps(sent.message, ensure_ascii=False)}")
                shown = len(messages)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
