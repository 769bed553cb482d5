"""The REST channel, with one promise added: every message gets an answer.

When a turn produces no message at all (the action server is down, an action raised),
the citizen gets a polite apology instead of silence. Registered in credentials.yml in
place of Rasa's `rest`, at the same URL (/webhooks/rest/webhook).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

logger = logging.getLogger(__name__)

NO_ANSWER = (
    "Xin lỗi anh/chị, hệ thống đang gặp sự cố nên Trợ lý chưa trả lời được. Anh/chị vui lòng "
    "thử lại sau ít phút, hoặc gõ «gặp nhân viên» để được cán bộ hỗ trợ."
)


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
                logger.warning("no answer produced; sending the apology")
                await output.send_text_message(message.sender_id, NO_ANSWER)

        return super().blueprint(answered)
