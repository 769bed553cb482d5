"""Every message gets an answer, on every channel, within the same limits.

A message longer than the limit, or one more than a citizen can type in a minute, gets a
polite answer without reaching NLU. When a turn sends nothing at all (the action server
is down, an action raised, the database is unreachable), the citizen gets a polite
apology instead of silence; when the conversation is paused for a staff member, a note
that the message reached them, until the officer has replied: then the bot is silent.
A citizen waiting for a person can say "quay lại trợ lý" to leave the queue.
Each channel passes Rasa's message handler through `answering_every_message`.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Awaitable, Callable, List, Optional

from rasa.core.actions.action import ActionSessionStart
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUttered,
)
from sanic import Sanic

from bot.channels.senders import can_receive_pushed_messages
from bot.limits import RateLimiter
from bot.settings import settings
from bot.text import normalize

logger = logging.getLogger(__name__)

NO_ANSWER = (
    "Xin lỗi anh/chị, hệ thống đang gặp sự cố nên Trợ lý chưa trả lời được. Anh/chị vui lòng "
    "thử lại sau ít phút, hoặc gõ «gặp nhân viên» để được cán bộ hỗ trợ."
)

WAITING_FOR_STAFF = (
    "Tin nhắn của anh/chị đã được ghi lại cho cán bộ hỗ trợ. Cán bộ sẽ trả lời tại đây; "
    "trong lúc chờ, Trợ lý tạm dừng trả lời tự động. Muốn hỏi tiếp Trợ lý, anh/chị gõ "
    "«quay lại trợ lý»."
)

BACK_WITH_ASSISTANT = (
    "Dạ, anh/chị đã rời hàng chờ cán bộ; Trợ lý tiếp tục hỗ trợ anh/chị. Anh/chị cần hỏi "
    "thủ tục nào ạ?"
)

# what a citizen waiting for a person says to go back to the assistant (normalised)
LEAVE_QUEUE = frozenset(
    normalize(phrase)
    for phrase in (
        "quay lại trợ lý",
        "quay về trợ lý",
        "trở lại trợ lý",
        "quay lại bot",
        "quay lại chatbot",
        "hỏi trợ lý",
        "cho tôi hỏi trợ lý",
        "không cần cán bộ nữa",
        "không cần gặp cán bộ nữa",
        "không cần nhân viên nữa",
        "không cần gặp nhân viên nữa",
        "thôi không cần cán bộ",
        "hủy gặp cán bộ",
        "hủy gặp nhân viên",
        "rời hàng chờ",
    )
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


async def waiting_note(sender_id: str) -> Optional[str]:
    """What to say when a turn says nothing: None when the conversation is not with staff
    (then the apology); the "received for staff" note until an officer has replied; ""
    once one has, so the bot stays silent while the officer has the conversation."""
    try:
        agent = Sanic.get_app().ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:
        logger.debug("could not read the tracker of %s", sender_id, exc_info=True)
        return None
    if tracker is None or not tracker.is_paused():
        return None
    for event in reversed(tracker.events):
        if isinstance(event, ConversationPaused):
            break
        if isinstance(event, BotUttered) and (event.metadata or {}).get("source") == "staff":
            return ""
    return WAITING_FOR_STAFF


async def _parsed(agent: Any, message: UserMessage) -> UserUttered:
    """The citizen's message as Rasa would store it, parsed, without running a turn."""
    parsed = await agent.parse_message(message.text or "")
    return UserUttered(
        message.text,
        parsed.get("intent"),
        parsed.get("entities"),
        parsed,
        input_channel=message.input_channel,
        message_id=message.message_id,
    )


RESTART_COMMANDS = ("/restart", "/session_start")


async def kept_for_staff(message: UserMessage) -> bool:
    """True when this message was stored for the officer without a turn.

    Rasa starts a new session after an hour of silence, and a new session un-pauses: the
    bot would answer a conversation staff were asked to take. So when a citizen who waits
    for a person writes after that hour, the new session is started here, as Rasa's own
    action_session_start would (slots carried over), paused, and the message stored in it
    without a turn; the next messages are in a recent, paused session, where Rasa stays
    silent itself. A "/restart" (which Rasa runs even in a paused conversation, and which
    wipes the pause) is stored the same way while a person is asked for. Done in the Rasa
    process, so no conversation depends on the action server to start."""
    agent = Sanic.get_app().ctx.agent
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.tracker_store.retrieve(message.sender_id)
        if tracker is None or not tracker.is_paused():
            return False
        if not tracker.get_slot("handoff_requested"):
            return False
        last = tracker.get_last_event_for(UserUttered)
        minutes = agent.domain.session_config.session_expiration_time
        expired = bool(
            last is not None and minutes and (time.time() - last.timestamp) / 60 > minutes
        )
        restarting = (message.text or "").strip().lower().startswith(RESTART_COMMANDS)
        if not expired and not restarting:
            return False
        said = await _parsed(agent, message)
        events: List[Any] = [said]
        if expired:
            session_start = await ActionSessionStart().run(None, None, tracker, agent.domain)
            events = [*session_start, ConversationPaused(), said]
        for event in events:
            tracker.update(event, agent.domain)
        await agent.tracker_store.save(tracker)
        return True


def wants_the_assistant_back(text: str) -> bool:
    """True for a short message that says "quay lại trợ lý" or the like ("thôi, không cần
    gặp cán bộ nữa ạ"); a longer one is a question for the officer."""
    words = re.findall(r"\w+", normalize(text))
    if len(words) > 10:
        return False
    padded = f" {' '.join(words)} "
    return any(f" {phrase} " in padded for phrase in LEAVE_QUEUE)


async def left_the_queue(message: UserMessage) -> bool:
    """True when a citizen waiting for a person asked for the assistant back: the
    conversation is resumed (as the console's hand-back does, so the console closes the
    ticket as "the citizen went back to the assistant"), the message stored, and the
    citizen told the assistant listens again."""
    if not wants_the_assistant_back(message.text or ""):
        return False
    agent = Sanic.get_app().ctx.agent
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.tracker_store.retrieve(message.sender_id)
        if tracker is None or not tracker.is_paused() or not tracker.get_slot("handoff_requested"):
            return False
        said = await _parsed(agent, message)
        events = [
            said,
            ConversationResumed(),
            ActionExecuted("action_listen"),
            SlotSet("handoff_requested", False),
            BotUttered(BACK_WITH_ASSISTANT, metadata={"handoff": "citizen_left"}),
        ]
        for event in events:
            tracker.update(event, agent.domain)
        await agent.tracker_store.save(tracker)
    await message.output_channel.send_text_message(message.sender_id, BACK_WITH_ASSISTANT)
    return True


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
        failed = False
        try:
            stored = can_receive_pushed_messages(message.input_channel) and (
                await left_the_queue(message) or await kept_for_staff(message)
            )
            if not stored:
                await on_new_message(message)
        except Exception:
            failed = True
            logger.exception("processing a message failed")
        if sent:
            return
        # after a failure (the conversation store or the lock store unreachable) reading
        # the conversation again would only fail again, later: the apology at once
        note = None if failed else await waiting_note(message.sender_id)
        if note is None:
            logger.warning("no answer produced; sending the apology")
        if note == "":
            return
        try:
            await message.output_channel.send_text_message(message.sender_id, note or NO_ANSWER)
        except Exception:
            logger.exception("could not send the fallback answer to %s", message.sender_id)

    return handle
