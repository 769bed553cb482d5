"""Every message gets an answer, on every channel, within the same limits.

A message longer than the limit, or one more than a citizen can type in a minute, gets a
polite answer without reaching NLU. When a turn sends nothing at all (the action server
is down, an action raised, the database is unreachable), the citizen gets a polite
apology instead of silence; when the conversation is paused for a staff member, a note
that the message reached them. Each channel passes Rasa's message handler through
`answering_every_message`.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, List, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic

from bot.limits import RateLimiter
from bot.settings import settings

logger = logging.getLogger(__name__)

NO_ANSWER = (
    "Xin lỗi anh/chị, hệ thống đang gặp sự cố nên Trợ lý chưa trả lời được. Anh/chị vui lòng "
    "thử lại sau ít phút, hoặc gõ «gặp nhân viên» để được cán bộ hỗ trợ."
)

WAITING_FOR_STAFF = (
    "Tin nhắn của anh/chị đã được ghi lại cho cán bộ hỗ trợ. Cán bộ sẽ trả lời tại đây; "
    "trong lúc chờ, Trợ lý tạm dừng trả lời tự động."
)

TOO_LONG = (
    "Tin nhắn của anh/chị dài quá {limit} ký tự nên Trợ lý chưa đọc được. Anh/chị vui lòng "
    "hỏi ngắn gọn hơn, mỗi lần một câu hỏi."
)

TOO_FAST = (
    "Anh/chị gửi tin nhắn nhanh quá nên Trợ lý chưa kịp đọc tin vừa rồi. Anh/chị vui lòng đợi "
    "ít giây rồi gửi lại."
)

Handler = Callable[[UserMessage], Awaitable[Any]]
_senders = RateLimiter(settings.messages_per_minute)


def refusal_for(message: UserMessage) -> Optional[str]:
    """The polite answer for a message we do not process, or None to process it."""
    if len(message.text or "") > settings.max_message_chars:
        return TOO_LONG.format(limit=f"{settings.max_message_chars:,}".replace(",", "."))
    if not _senders.allow(message.sender_id):
        return TOO_FAST
    return None


async def is_paused(sender_id: str) -> bool:
    """Is this conversation handed to staff (paused)? False when it cannot be told."""
    try:
        agent = Sanic.get_app().ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id)
        return bool(tracker and tracker.is_paused())
    except Exception:
        logger.debug("could not read the tracker of %s", sender_id, exc_info=True)
        return False


def _recording(output: OutputChannel) -> List[Any]:
    """What the turn sends through `output`: Rasa sends every bot message with
    `send_response`, so that one method is watched."""
    sent: List[Any] = []
    send_response = output.send_response

    async def recorded(recipient_id: str, message: Any) -> None:
        sent.append(message)
        await send_response(recipient_id, message)

    output.send_response = recorded  # type: ignore[method-assign]
    return sent


def answering_every_message(on_new_message: Handler) -> Handler:
    """Rasa's handler, followed by the apology or the staff note when nothing was sent."""

    async def handle(message: UserMessage) -> None:
        refusal = refusal_for(message)
        if refusal is not None:
            await message.output_channel.send_text_message(message.sender_id, refusal)
            return
        sent = _recording(message.output_channel)
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("processing a message failed")
        if sent:
            return
        paused = await is_paused(message.sender_id)
        if not paused:
            logger.warning("no answer produced; sending the apology")
        try:
            await message.output_channel.send_text_message(
                message.sender_id, WAITING_FOR_STAFF if paused else NO_ANSWER
            )
        except Exception:
            logger.exception("could not send the fallback answer to %s", message.sender_id)

    return handle
