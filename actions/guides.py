"""How-to conversations: portal account, VNeID, paying online, tracking a dossier.

Each action names the guide it explains (its key in data/kb/huong_dan.yml) and the
buttons that naturally follow; the words come from the knowledge base.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.feedback import FEEDBACK_BUTTONS
from actions.knowledge import catalog
from actions.procedures import KB_UNAVAILABLE, find_procedure, names_a_procedure
from bot import answers
from bot.knowledge.catalog import Guide
from bot.knowledge.dossier import find_dossier_code, looks_like_a_code

HUMAN_BUTTON = {"title": "Gặp cán bộ hỗ trợ", "payload": "/request_human"}


def specific_guide(tracker: Tracker, prefix: str) -> Optional[Guide]:
    """The guide under `prefix` the citizen picked (button) or described (keywords)."""
    if not prefix:
        return None
    chosen = [
        e.get("value")
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == "guide"
    ]
    if chosen and str(chosen[0]).startswith(prefix) and catalog().guide(str(chosen[0])):
        return catalog().guide(str(chosen[0]))
    found = catalog().troubleshooting(prefix, tracker.latest_message.get("text") or "")
    return found[0] if found else None


class ExplainGuide(Action):
    """Explain the guide `guide_key`; subclasses set `action_name`, `guide_key`, `buttons`."""

    action_name: str = ""
    guide_key: str = ""
    buttons: tuple[tuple[str, str], ...] = ()
    # when set, a message naming a specific problem ("mật khẩu", "otp") gets that guide
    prefix: str = ""

    def name(self) -> str:
        return self.action_name

    def guide(self, tracker: Tracker) -> Optional[Guide]:
        return specific_guide(tracker, self.prefix) or catalog().guide(self.guide_key)

    def text(self, guide: Optional[Guide], tracker: Tracker) -> str:
        return answers.guide_answer(guide) if guide else answers.missing_guide_answer()

    def reply(self, tracker: Tracker) -> Tuple[str, List[Dict[str, str]]]:
        """The answer's text and buttons."""
        text = self.text(self.guide(tracker), tracker)
        buttons = [{"title": title, "payload": payload} for title, payload in self.buttons]
        return text, buttons + FEEDBACK_BUTTONS

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        try:
            text, buttons = self.reply(tracker)
        except SQLAlchemyError:
            logging.getLogger(__name__).exception("knowledge base unavailable")
            dispatcher.utter_message(text=KB_UNAVAILABLE)
            return []
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class Troubleshoot(ExplainGuide):
    """Pick the troubleshooting guide the message describes (by its keywords, or the
    button the citizen tapped); when none fits, show the general guide and the choices."""

    def reply(self, tracker: Tracker) -> Tuple[str, List[Dict[str, str]]]:
        specific = specific_guide(tracker, self.prefix)
        if specific is not None:
            return answers.guide_answer(specific), [HUMAN_BUTTON, *FEEDBACK_BUTTONS]
        choices = [g for g in catalog().guides if g.key.startswith(self.prefix)]
        text = self.text(catalog().guide(self.guide_key), tracker)
        if choices:
            text += "\nAnh/chị gặp lỗi nào dưới đây ạ?"
        intent = tracker.latest_message.get("intent", {}).get("name") or "greet"
        buttons = [
            {"title": g.title, "payload": f'/{intent}{{"guide": "{g.key}"}}'} for g in choices[:5]
        ]
        return text, buttons


class ActionExplainCreateAccount(ExplainGuide):
    action_name, guide_key, prefix = "action_explain_create_account", "create_account", "account_"
    buttons = (
        ("Gặp lỗi khi đăng ký", "/report_account_problem"),
        ("VNeID mức 2 là gì?", "/ask_vneid"),
    )


class ActionTroubleshootAccount(Troubleshoot):
    action_name, guide_key, prefix = "action_troubleshoot_account", "create_account", "account_"


class ActionExplainVneid(ExplainGuide):
    """VNeID levels; a message naming an account problem ("quên mật khẩu vneid") gets
    that problem's guide."""

    action_name, guide_key, prefix = "action_explain_vneid", "vneid_levels", "account_"
    buttons = (("Tạo tài khoản Dịch vụ công", "/ask_create_account"),)


class ActionExplainPayment(ExplainGuide):
    action_name, guide_key = "action_explain_payment", "pay_online"
    buttons = (("Thanh toán bị lỗi", "/report_payment_problem"),)


class ActionTroubleshootPayment(ExplainGuide):
    action_name, guide_key = "action_troubleshoot_payment", "payment_failed"
    buttons = (("Gặp cán bộ hỗ trợ", "/request_human"),)


class ActionTrackDossier(ExplainGuide):
    """Check the dossier code the citizen typed (its shape) and say where to look it up;
    when the message names the procedure ("nộp đăng ký tạm trú từ tuần trước chưa thấy kết
    quả"), also how long it may take, so the citizen can tell whether it is late."""

    action_name, guide_key, prefix = "action_track_dossier", "track_dossier", "dossier_"

    def text(self, guide: Optional[Guide], tracker: Tracker) -> str:
        if guide is not None and guide.key.startswith(self.prefix):
            return answers.guide_answer(guide)  # "hồ sơ bị yêu cầu bổ sung thì làm sao"
        mentioned = [
            e.get("value")
            for e in tracker.latest_message.get("entities", [])
            if e.get("entity") == "dossier_code"
        ]
        message = tracker.latest_message.get("text") or ""
        code = find_dossier_code(message) or (
            find_dossier_code(str(mentioned[0])) if mentioned else None
        )
        attempt = (
            None if code else (looks_like_a_code(message) or (mentioned[0] if mentioned else None))
        )
        tracking = answers.tracking_answer(code, attempt, guide)
        procedure = find_procedure(tracker).procedure if names_a_procedure(tracker) else None
        if procedure is None or not procedure.processing_time:
            return tracking
        return tracking + "\n\n" + answers.processing_time_answer(procedure)
