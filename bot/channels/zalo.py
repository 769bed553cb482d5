"""Zalo Official Account channel for Rasa: webhook in, OA v3 customer-service messages out.

Registered in credentials.yml as `bot.channels.zalo.ZaloInput` (see docs/zalo.md).

In: `POST /webhooks/zalo/webhook`. The body's size is checked first, then the
`X-ZEvent-Signature` header (SHA-256 of app_id + raw body + the body's `timestamp` + OA
secret key, with or without `mac=`; the timestamp is read from the raw bytes, so nothing
unsigned is parsed), then the body is parsed (depth-bounded). A signed event older than the
replay window is acknowledged and dropped. A `user_send_text` event must carry
`message.msg_id`; it is de-duplicated on it through a table shared by every Rasa process
(in the channels database, beside the OA tokens, not in the knowledge base), handed to the
bot in a background task, and answered with 200 at once (Zalo retries for hours when it
gets no 200 within about 2 s). Other events are acknowledged and ignored. Zalo user ids
are large integers and stay strings; the conversation id is `zalo:<id>`.

Out: `POST {api_base}/v3.0/oa/message/cs` with the `access_token` header, through one
shared aiohttp session. Text over 2,000 characters is split at paragraph, line, sentence,
then word boundaries; buttons become template buttons. An invalid or expired token
(-216/-201) is refreshed (see `zalo_tokens`) and the message sent again once; any other
error is logged and never reaches the conversation.

Message text is never logged, and a Zalo user appears in the logs only as a short hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Tuple

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.answered import answering_every_message
from bot.channels.senders import ZALO as SENDER_PREFIX
from bot.channels.zalo_tokens import (
    OAuthRefresher,
    SeenEvents,
    SharedSession,
    TokenStore,
)
from bot.limits import RequestRefusedError, parse_json_object
from bot.privacy import short_id
from bot.settings import settings

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://openapi.zalo.me"
DEFAULT_OAUTH_BASE = "https://oauth.zaloapp.com"
SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_TEXT = 2000  # Zalo's limit for a customer-service text message
MAX_BUTTONS = 5
MAX_BUTTON_TITLE = 100
TOKEN_ERRORS = frozenset({-216, -201})  # invalid / expired access token
HANDLED_EVENT = "user_send_text"
DEDUPE_TIMEOUT = 1.0  # seconds; the webhook must answer Zalo within about 2 s
MORE_CHOICES_TEXT = "Các lựa chọn khác:"

_ZALO_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


# --------------------------------------------------------------------------- helpers


def compute_signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """SHA-256 hex of app_id + raw body + timestamp + OA secret key."""
    digest = hashlib.sha256()
    for part in (app_id.encode("utf-8"), body, timestamp.encode("utf-8")):
        digest.update(part)
    digest.update(oa_secret_key.encode("utf-8"))
    return digest.hexdigest()


def verify_signature(
    header: Optional[str], app_id: str, body: bytes, timestamp: str, oa_secret_key: str
) -> bool:
    """Constant-time check of `X-ZEvent-Signature`, with or without a `mac=` prefix."""
    if not header or not oa_secret_key:
        return False
    value = header.strip()
    if value[:4].lower() == "mac=":
        value = value[4:].strip()
    expected = compute_signature(app_id, body, timestamp, oa_secret_key)
    return hmac.compare_digest(value.lower().encode("utf-8"), expected.encode("ascii"))


_TIMESTAMP_RE = re.compile(rb'"timestamp"\s*:\s*"?(\d{1,20})"?')


def event_timestamp(body: bytes) -> str:
    """The event's `timestamp` as its literal text, read from the raw bytes ("" when
    absent): the signature covers it, so it is needed before the body may be parsed."""
    found = _TIMESTAMP_RE.search(body)
    return found.group(1).decode("ascii") if found else ""


def _as_text(value: Any) -> str:
    """Ids and timestamps arrive as strings or bare numbers; both become their text."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return ""
    return str(value)


def sender_id_for(zalo_user_id: str) -> str:
    return f"{SENDER_PREFIX}{zalo_user_id}"


def zalo_user_id(sender_id: str) -> str:
    sender_id = str(sender_id)
    return sender_id[len(SENDER_PREFIX) :] if sender_id.startswith(SENDER_PREFIX) else sender_id


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int) -> int:
    """The largest n such that text[:n] is at most `limit` UTF-16 code units."""
    if _utf16_len(text) <= limit:
        return len(text)
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n"),  # paragraph
    re.compile(r"\n"),  # line
    re.compile(r"(?:(?<=[.!?…;])|(?<=[.!?…;][\"'»”)\]]))\s+"),  # sentence
    re.compile(r"\s+"),  # word
)


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Parts of at most `limit` characters, cut at paragraph, line, sentence, then word
    boundaries; a single word longer than the limit is the only thing ever cut."""
    parts: List[str] = []
    rest = text.strip()
    while rest:
        fit = max(_fitting_prefix(rest, limit), 1)
        if fit >= len(rest):
            parts.append(rest)
            break
        window = rest[: fit + 1]  # a boundary right after the limit still counts
        cut = None
        fallback = None
        for boundary in _BOUNDARIES:
            ends = [(m.start(), m.end()) for m in boundary.finditer(window) if m.start() > 0]
            ends = [(start, end) for start, end in ends if start <= fit]
            if not ends:
                continue
            start, end = ends[-1]
            if start >= fit // 2:  # good boundary, the part is not too short
                cut = (start, end)
                break
            fallback = fallback or (start, end)
        if cut is None:
            cut = fallback or (fit, fit)  # no boundary at all: one very long word
        head, rest = rest[: cut[0]].rstrip(), rest[cut[1] :].lstrip()
        if head:
            parts.append(head)
    return parts


def _is_http_url(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith(("http://", "https://"))


def zalo_button(button: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """A Rasa button as a Zalo template button (None when it has nothing to do)."""
    payload = button.get("payload")
    url = button.get("url")
    title = str(button.get("title") or "").strip()
    if _is_http_url(url):
        target: Dict[str, Any] = {"type": "oa.open.url", "payload": {"url": url.strip()}}
    elif payload is None or str(payload).strip() == "":
        return None
    elif _is_http_url(payload):
        target = {"type": "oa.open.url", "payload": {"url": str(payload).strip()}}
    elif str(payload).lower().startswith("tel:"):
        target = {"type": "oa.open.phone", "payload": {"phone_code": str(payload)[4:].strip()}}
    else:
        target = {"type": "oa.query.show", "payload": str(payload)}
    return {"title": (title or str(payload or url))[:MAX_BUTTON_TITLE], **target}


def build_messages(text: str, buttons: Optional[List[Dict[str, Any]]] = None) -> List[Dict]:
    """The Zalo `message` objects for a text (split when long) with optional buttons
    (attached to the last part; more than five go into follow-up messages)."""
    parts = split_text(text or "")
    mapped = [b for b in (zalo_button(button) for button in buttons or []) if b is not None]
    messages: List[Dict[str, Any]] = [{"text": part} for part in parts]
    if not mapped:
        return messages
    if not messages:
        messages.append({"text": MORE_CHOICES_TEXT})
    for index in range(0, len(mapped), MAX_BUTTONS):
        if index:
            messages.append({"text": MORE_CHOICES_TEXT})
        messages[-1]["attachment"] = {
            "type": "template",
            "payload": {"buttons": mapped[index : index + MAX_BUTTONS]},
        }
    return messages


def _error_code(result: Dict[str, Any]) -> Optional[int]:
    try:
        return int(str(result.get("error")))
    except (TypeError, ValueError):
        return None


def _credential(credentials: Dict[str, Any], key: str) -> Optional[str]:
    value = credentials.get(key)
    if value is None:
        return None
    value = str(value).strip()  # YAML may read a numeric app id as int: exact as text
    return value or None


# ---------------------------------------------------------------------------- output


class StaffMessageNotDeliveredError(RuntimeError):
    """A staff member's message Zalo did not accept (outside the reply window, user blocked
    the OA, no token): raised so the console's request fails and the reply shows as not
    sent. The bot's own messages never raise: a turn must finish and be stored."""


class ZaloOutput(OutputChannel):
    """Sends the bot's messages with the OA v3 customer-service message API."""

    @classmethod
    def name(cls) -> str:
        return "zalo"

    def __init__(self, api_base: str, tokens: TokenStore, http: SharedSession) -> None:
        self.url = f"{api_base.rstrip('/')}/v3.0/oa/message/cs"
        self.tokens = tokens
        self.http = http

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        delivered = [await self.send_message(recipient_id, m) for m in build_messages(text)]
        if kwargs.get("source") == "staff" and not all(delivered):
            # the console's request fails, so the officer sees "not sent", never "delivered"
            raise StaffMessageNotDeliveredError(
                f"Zalo refused a staff message to {short_id(recipient_id)}"
            )

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        for message in build_messages(text, buttons):
            await self.send_message(recipient_id, message)

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        """A custom payload `{"zalo": <Zalo message object>}` is sent as it is."""
        message = json_message.get("zalo") if isinstance(json_message, dict) else None
        if isinstance(message, dict):
            await self.send_message(recipient_id, message)
        else:
            logger.info("Zalo: custom payload without a 'zalo' message object not sent.")

    async def send_message(self, recipient_id: str, message: Dict[str, Any]) -> bool:
        """Send one Zalo message object; True when Zalo accepted it. Never raises."""
        user_id = zalo_user_id(recipient_id)
        try:
            return await self._send(user_id, message)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Zalo: unexpected error sending to user %s", short_id(user_id))
            return False

    async def _send(self, user_id: str, message: Dict[str, Any]) -> bool:
        body = {"recipient": {"user_id": user_id}, "message": message}
        token = await self.tokens.access_token()
        if token is None:
            logger.error("Zalo: no OA access token; message to %s not sent.", short_id(user_id))
            return False
        for attempt in (1, 2):
            result = await self._post(token.value, body)
            if result is None:
                return False
            code = _error_code(result)
            if code == 0:
                return True
            if code in TOKEN_ERRORS and attempt == 1:
                logger.info("Zalo: access token rejected (error %s); refreshing.", code)
                fresh = await self.tokens.refresh(token.version)
                if fresh is None:
                    logger.error(
                        "Zalo: message to %s not sent: no valid access token.", short_id(user_id)
                    )
                    return False
                token = fresh
                continue
            logger.warning(
                "Zalo: message to %s refused: error %s (%s)",
                short_id(user_id),
                result.get("error"),
                str(result.get("message", ""))[:200],
            )
            return False
        return False

    async def _post(self, token: str, body: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        try:
            session = await self.http.get()
            async with session.post(self.url, json=body, headers={"access_token": token}) as r:
                status = r.status
                data = await r.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            logger.warning("Zalo: send API unreachable or bad answer (%s)", type(error).__name__)
            return None
        if not isinstance(data, dict):
            logger.warning("Zalo: send API answered HTTP %s without a JSON object", status)
            return None
        return data


# ----------------------------------------------------------------------------- input


class ZaloInput(InputChannel):
    """Zalo OA webhook: `POST /webhooks/zalo/webhook`, health at `GET /webhooks/zalo/`."""

    @classmethod
    def name(cls) -> str:
        return "zalo"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        values = {key: _credential(credentials, key) for key in credentials}
        missing = [key for key in ("app_id", "oa_secret_key") if not values.get(key)]
        if missing:
            raise ValueError(f"Zalo channel: missing {', '.join(missing)} in credentials.yml")
        return cls(
            app_id=values["app_id"],
            oa_secret_key=values["oa_secret_key"],
            app_secret_key=values.get("app_secret_key"),
            api_base=values.get("api_base") or DEFAULT_API_BASE,
            oauth_base=values.get("oauth_base") or DEFAULT_OAUTH_BASE,
            token_db_url=values.get("token_db_url"),
            initial_access_token=values.get("initial_access_token"),
            initial_refresh_token=values.get("initial_refresh_token"),
        )

    def __init__(
        self,
        app_id: str,
        oa_secret_key: str,
        app_secret_key: Optional[str] = None,
        api_base: str = DEFAULT_API_BASE,
        oauth_base: str = DEFAULT_OAUTH_BASE,
        token_db_url: Optional[str] = None,
        initial_access_token: Optional[str] = None,
        initial_refresh_token: Optional[str] = None,
    ) -> None:
        self.app_id = str(app_id)
        self._oa_secret_key = str(oa_secret_key)
        url = token_db_url or settings.channels_database_url
        self.http = SharedSession()
        self.tokens = TokenStore(
            url, OAuthRefresher(oauth_base, self.app_id, app_secret_key, self.http)
        )
        self.tokens.seed(initial_access_token, initial_refresh_token)
        if not app_secret_key:
            logger.warning("Zalo: no app_secret_key; the OA access token cannot be refreshed.")
        self.events = SeenEvents(url)
        self.output = ZaloOutput(api_base, self.tokens, self.http)
        self._tasks: Set[asyncio.Task] = set()

    def get_output_channel(self) -> OutputChannel:
        return self.output

    def is_fresh(self, timestamp: str, now: Optional[float] = None) -> bool:
        """Inside the replay window: a signed event stamped long ago is not processed."""
        if not timestamp.isdigit():
            return False
        now_ms = (time.time() if now is None else now) * 1000
        return abs(now_ms - int(timestamp)) <= settings.zalo_replay_window * 1000

    async def handle_event(
        self,
        body: bytes,
        signature: Optional[str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        now: Optional[float] = None,
    ) -> Tuple[int, Dict[str, Any]]:
        """Everything the webhook does, without Sanic: (HTTP status, JSON answer)."""
        if len(body) > settings.max_body_bytes:
            return 413, {"error": "body too large"}
        if not signature:
            logger.warning("Zalo: webhook call without a signature rejected.")
            return 401, {"error": "missing signature"}
        timestamp = event_timestamp(body)
        if not verify_signature(signature, self.app_id, body, timestamp, self._oa_secret_key):
            logger.warning("Zalo: webhook call with a bad signature rejected.")
            return 401, {"error": "bad signature"}
        try:
            event = parse_json_object(body, settings.max_body_bytes, settings.max_json_depth)
        except RequestRefusedError as refused:
            return refused.status, {"error": refused.reason}
        if _as_text(event.get("timestamp")) != timestamp:
            return 400, {"error": "timestamp is not the event's own"}
        if not self.is_fresh(timestamp, now):
            logger.warning("Zalo: signed event outside the replay window dropped.")
            return 200, {"status": "stale"}
        event_name = event.get("event_name")
        if event_name != HANDLED_EVENT:
            logger.info("Zalo: ignored event %r.", str(event_name)[:64])
            return 200, {"status": "ignored"}
        sender = event.get("sender")
        message = event.get("message")
        user_id = _as_text(sender.get("id")) if isinstance(sender, dict) else ""
        text = message.get("text") if isinstance(message, dict) else None
        msg_id = _as_text(message.get("msg_id")) if isinstance(message, dict) else ""
        if not _ZALO_ID.match(user_id) or not isinstance(text, str) or not msg_id:
            return 400, {"error": "user_send_text needs a sender id, a text and a msg_id"}
        try:
            first = await asyncio.wait_for(
                asyncio.to_thread(self.events.first_time, msg_id), DEDUPE_TIMEOUT
            )
        except Exception:  # never lose a citizen's message because of the dedupe table
            logger.exception("Zalo: de-duplication table unavailable; processing anyway.")
            first = True
        user = short_id(user_id)
        if not first:
            logger.info("Zalo: duplicate event %s from user %s ignored.", msg_id[:64], user)
            return 200, {"status": "duplicate"}
        logger.info("Zalo: message %s from user %s accepted.", msg_id[:64], user)
        recipient = event.get("recipient")
        metadata = {
            "zalo": {
                "event_name": event_name,
                "msg_id": msg_id,
                "timestamp": timestamp,
                "oa_id": _as_text(recipient.get("id")) if isinstance(recipient, dict) else None,
            }
        }
        user_message = UserMessage(
            text,
            self.output,
            sender_id_for(user_id),
            input_channel=self.name(),
            metadata=metadata,
        )
        self._spawn(self._deliver(on_new_message, user_message))
        return 200, {"status": "accepted"}

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)  # keep a reference until done, or it may be collected
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _deliver(
        on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
    ) -> None:
        try:
            await on_new_message(message)
        except asyncio.CancelledError:
            user = short_id(message.sender_id)
            logger.warning("Zalo: handling a message from %s was cancelled.", user)
            raise
        except Exception:
            user = short_id(message.sender_id)
            logger.exception("Zalo: the bot failed on a message from %s", user)

    async def drain(self, timeout: float = 10.0) -> None:
        """Let messages being handled finish (bounded), then close the HTTP session."""
        pending = [task for task in self._tasks if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        await self.http.close()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = answering_every_message(on_new_message)
        zalo_webhook = Blueprint("zalo_webhook", __name__)

        @zalo_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @zalo_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            status, answer = await self.handle_event(
                request.body or b"", request.headers.get(SIGNATURE_HEADER), on_new_message
            )
            return response.json(answer, status=status)

        @zalo_webhook.listener("before_server_stop")
        async def stop(*_: Any) -> None:
            await self.drain()

        return zalo_webhook
