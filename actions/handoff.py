"""Handing the conversation to a person."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import settings


class ActionRequestHuman(Action):
    """Mark the conversation for staff (slot `handoff_requested`) and say what happens next."""

    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        text = (
            "Dạ, Trợ lý đã ghi nhận yêu cầu gặp cán bộ hỗ trợ và đánh dấu cuộc trò chuyện này "
            "để cán bộ xem lại. Anh/chị cũng có thể gửi câu hỏi qua mục «Hỗ trợ» trên "
            f"Cổng Dịch vụ công quốc gia: {settings.portal_search_url}"
        )
        if settings.hotline:
            text += f" hoặc gọi tổng đài {settings.hotline}"
        dispatcher.utter_message(text=text + ".")
        return [SlotSet("handoff_requested", True)]
