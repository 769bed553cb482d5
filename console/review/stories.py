"""A reviewed conversation saved as a Rasa test story, through Rasa's own story endpoint
(`GET /conversations/{id}/story`), so the story is exactly what Rasa would write.

The console's conversation is one Rasa session: all sessions are fetched up to the
session's last event and the last story is kept. Whatever follows the last bot action
(messages stored while the conversation waited for staff, where the bot said nothing)
is cut: a test story must end with the bot's turn."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List

import yaml
from django.conf import settings
from django.utils import timezone

from console import rasa_api
from conversations.models import Conversation


class StoryError(ValueError):
    pass


def fetch(conversation: Conversation, staff_id: object) -> Dict[str, Any]:
    until = conversation.last_activity.timestamp() + 0.001
    raw = rasa_api.request(
        "GET",
        rasa_api.conversation_path(conversation.sender_id, "story"),
        staff_id,
        params={"all_sessions": "true", "until": f"{until:.6f}"},
    )
    document = yaml.safe_load(raw.decode("utf-8")) or {}
    stories = document.get("stories") or []
    if not stories:
        raise StoryError("Rasa không trả về kịch bản nào cho hội thoại này.")
    return stories[-1]


def trim(steps: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    last_action = max(
        (
            i
            for i, step in enumerate(steps)
            if "action" in step and step["action"] != "action_listen"
        ),
        default=-1,
    )
    kept = steps[: last_action + 1]
    # slots the last action set belong to its turn
    for step in steps[last_action + 1 :]:
        if "slot_was_set" not in step:
            break
        kept.append(step)
    return kept


def build(conversation: Conversation, story: Dict[str, Any]) -> str:
    steps = trim(story.get("steps") or [])
    if not any("user" in s or "intent" in s for s in steps):
        raise StoryError("Hội thoại chưa có lượt nào của người dân được Trợ lý trả lời.")
    day = timezone.localtime(conversation.started_at).strftime("%d/%m/%Y")
    document = {
        "version": "3.1",
        "stories": [{"story": f"bảng điều khiển #{conversation.pk} ({day})", "steps": steps}],
    }
    header = "# Saved from the support-staff console (a real conversation, personal data masked).\n"
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def save(conversation: Conversation, staff_id: object, directory: Path | None = None) -> Path:
    content = build(conversation, fetch(conversation, staff_id))
    directory = Path(directory or settings.STORY_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"test_console_{stamp}_{conversation.pk}.yml"
    path.write_text(content, encoding="utf-8")
    return path
