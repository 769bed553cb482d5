"""Handing the conversation to a person, and the fallback that leads there.

The bot hands over when asked, when the citizen is frustrated, or after two
misunderstood messages in a row. It marks the conversation (`handoff_requested`,
`handoff_reason`) for staff and says honestly what happens next. On a channel a staff
reply can reach (the web widget, Zalo) it pauses: later messages are stored for the
officer and the bot stays silent until the conversation is handed back, also across a
new session (`bot.channels.answered`). On one it cannot (plain REST) it promises no reply
there: it gives the hotline and the portal, and keeps answering.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.procedures import answer_asked_in_words
from bot.channels.senders import can_receive_pushed_messages
from bot.settings import settings
from bot.text import normalize

REASONS = {
    "request_human": "requested",
    "express_frustration": "frustration",
    "nlu_fallback": "repeated_fallback",
    "feedback_unhelpful": "unhelpful_answer",
}
OPENING = {
    "frustration": "Trợ lý rất xin lỗi vì chưa giúp được anh/chị. ",
    "repeated_fallback": "Xin lỗi anh/chị, Trợ lý vẫn chưa hiểu đúng ý anh/chị. ",
}
# "gọi lại cho em", "tư vấn qua điện thoại": nobody here can call; say so first
ASKS_FOR_A_CALL = re.compile(
    r"\b(goi (lai|dien|cho|zalo|hoi|tu van)|dien thoai|alo|cuoc goi|so (nao|dien thoai) de goi)\b"
)
CANNOT_CALL = (
    "Dạ, Trợ lý và cán bộ hỗ trợ trả lời bằng tin nhắn, không gọi điện được ạ; anh/chị cứ "
    "nhắn ngắn gọn, cán bộ sẽ hướng dẫn từng bước. "
)
# the closest intents a misunderstood message may have meant, as buttons
INTENT_BUTTONS = {
    "ask_fee": "Hỏi lệ phí",
    "ask_documents": "Hỏi hồ sơ, giấy tờ",
    "ask_processing_time": "Hỏi thời gian giải quyết",
    "ask_agency": "Hỏi nơi nộp hồ sơ",
    "ask_online_discount": "Nộp online có rẻ hơn?",
    "ask_how_to_file": "Cách nộp hồ sơ trực tuyến",
    "ask_create_account": "Tạo tài khoản Dịch vụ công",
    "report_account_problem": "Lỗi khi đăng ký tài khoản",
    "ask_vneid": "Định danh VNeID mức 2",
    "ask_payment": "Thanh toán lệ phí online",
    "report_payment_problem": "Thanh toán bị lỗi",
    "track_dossier": "Tra cứu hồ sơ đã nộp",
    "ask_checklist": "Tóm tắt thủ tục",
}


def _elsewhere() -> str:
    """Where a citizen can reach a person without this chat."""
    where = f"gửi câu hỏi qua mục «Hỗ trợ» trên {settings.portal_search_url}"
    return where + (f" hoặc gọi tổng đài {settings.hotline}" if settings.hotline else "")


def handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> List[EventType]:
    marked: List[EventType] = [
        SlotSet("handoff_requested", True),
        SlotSet("handoff_reason", reason),
    ]
    opening = OPENING.get(reason, "Dạ. ")
    if ASKS_FOR_A_CALL.search(normalize(tracker.latest_message.get("text") or "")):
        opening = CANNOT_CALL
    if not can_receive_pushed_messages(tracker.get_latest_input_channel()):
        dispatcher.utter_message(
            text=opening + "Kênh trò chuyện này không nhận được tin nhắn trả lời của cán bộ, nên "
            f"để được cán bộ hỗ trợ, anh/chị vui lòng {_elsewhere()}. Nội dung trò chuyện đã "
            "được ghi lại để cán bộ xem xét. Trợ lý vẫn tiếp tục trả lời tại đây."
        )
        return marked
    dispatcher.utter_message(
        text=opening + "Trợ lý đã chuyển cuộc trò chuyện này cho cán bộ hỗ trợ. Cán bộ sẽ đọc "
        "lại nội dung và trả lời anh/chị tại đây; trong lúc chờ, Trợ lý tạm dừng trả lời tự "
        f"động. Anh/chị cũng có thể {_elsewhere()}. Muốn hỏi tiếp Trợ lý, anh/chị gõ "
        "«quay lại trợ lý»."
    )
    return [*marked, ConversationPaused()]


class ActionRequestHuman(Action):
    """Hand over on request or frustration: say what happens next, mark, pause."""

    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        return handoff(dispatcher, tracker, REASONS.get(intent, "requested"))


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many user messages in a row, ending with the latest, were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


class ActionHandleFallback(Action):
    """A procedure question asked in words is answered (`answer_asked_in_words`).
    Otherwise, first miss: offer the intents the message was closest to; second in a
    row: a person."""

    def name(self) -> str:
        return "action_handle_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        answered = answer_asked_in_words(dispatcher, tracker, unsure=True)
        if answered is not None:
            return answered
        if consecutive_fallbacks(tracker) >= 2:
            return handoff(dispatcher, tracker, "repeated_fallback")
        ranking = tracker.latest_message.get("intent_ranking") or []
        closest = [r["name"] for r in ranking if r.get("name") in INTENT_BUTTONS][:3]
        buttons = [{"title": INTENT_BUTTONS[name], "payload": f"/{name}"} for name in closest]
        buttons.append({"title": "Gặp cán bộ hỗ trợ", "payload": "/request_human"})
        dispatcher.utter_message(
            text="Xin lỗi, Trợ lý chưa hiểu rõ ý anh/chị. Có phải anh/chị muốn hỏi một trong "
            "những điều dưới đây? Hoặc anh/chị hỏi ngắn gọn, có tên thủ tục, ví dụ: «làm hộ "
            "chiếu hết bao nhiêu tiền?».",
            buttons=buttons,
        )
        return []
