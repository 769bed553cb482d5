"""The REST channel, with one promise added: every message gets an answer.

When a turn produces no message at all (the action server is down, an action raised),
the citizen gets a polite apology instead of silence; when the conversation is paused
for a staff member, a note that the message reached them. Registered in credentials.yml in
place of Rasa's `rest`, at the same URL (/webhooks/rest/webhook).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic

logger = logging.getLogger(__name__)

NO_ANSWER = (
    "Xin lỗi anh/chị, hệ thống đang gặp sự cố nên Trợ lý chưa trả lời được. Anh/chị vui lòng "
    "thử lại sau ít phút, hoặc gõ «gặp nhân viên» để được cán bộ hỗ trợ."
)

WAITING_FOR_STAFF = (
    "Tin nhắn của anh/chị đã được ghi lại cho cán bộ hỗ trợ. Cán bộ sẽ trả lời tại đây; "
    "trong lúc chờ, Trợ lý tạm dừng trả lời tự động."
)


async def is_paused(sender_id: str) -> bool:
    """Is this conversation handed to staff (paused)? False when it cannot be told."""
    try:
        agent = Sanic.get_app().ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id)
        return bool(tracker and tracker.is_paused())
    except Exception:
        logger.debug("could not read the tracker of %s", sender_id, exc_info=True)
        return False


class ReliableRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def answered(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception:
                logger.exception("processing a message failed")
            output = message.output_channel
            if isinstance(output, CollectingOutputChannel) and not output.messages:
                if await is_paused(message.sender_id):
                    await output.send_text_message(message.sender_id, WAITING_FOR_STAFF)
                    return
                logger.warning("no answer produced; sending the apology")
                await output.send_text_message(message.sender_id, NO_ANSWER)

        return super().blueprint(answered)
