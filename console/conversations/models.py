"""Conversations as staff review them, built from Rasa's tracker store by the ingest.

The unit is a Rasa session (from one `action_session_start` to the next), not a sender
id: a citizen who comes back next week starts a new conversation. Every tracker event
becomes one `Event` row with the tracker's own id, which is what makes ingest idempotent.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from django.conf import settings
from django.db import models

from bot.text import normalize


class Channel(models.TextChoices):
    WEB = "socketio", "Web"
    ZALO = "zalo", "Zalo"
    REST = "rest", "REST"
    OTHER = "other", "Khác"


HANDOFF_REASONS = {  # the bot's handoff_reason slot values (actions/handoff.py)
    "requested": "Người dân yêu cầu gặp cán bộ",
    "frustration": "Người dân bức xúc",
    "repeated_fallback": "Trợ lý nhiều lần không hiểu",
    "unhelpful_answer": "Câu trả lời chưa hữu ích",
}


class Conversation(models.Model):
    sender_id = models.CharField(max_length=255, db_index=True)
    start_event_id = models.BigIntegerField()
    channel = models.CharField(max_length=32, choices=Channel.choices, default=Channel.OTHER)
    started_at = models.DateTimeField()
    last_activity = models.DateTimeField(db_index=True)
    n_user = models.PositiveIntegerField(default=0)
    n_bot = models.PositiveIntegerField(default=0)
    n_fallback = models.PositiveIntegerField(default=0)
    min_confidence = models.FloatField(null=True, blank=True)
    handoff_requested = models.BooleanField(default=False)
    handoff_reason = models.CharField(max_length=64, blank=True)
    paused = models.BooleanField(default=False)
    feedback = models.CharField(max_length=16, blank=True)  # latest: helpful / unhelpful
    negative_feedback = models.BooleanField(default=False)  # any unhelpful rating
    procedure = models.CharField(max_length=128, blank=True, db_index=True)
    first_user_text = models.CharField(max_length=300, blank=True)
    last_user_text = models.CharField(max_length=300, blank=True)
    session_started_seen = models.BooleanField(default=False)
    # set by supervisors
    is_test = models.BooleanField(default=False)
    preserve = models.BooleanField(default=False)

    class Meta:
        ordering = ["-last_activity", "-id"]
        permissions = [("mark_conversation", "Đánh dấu hội thoại thử nghiệm / lưu giữ")]
        indexes = [
            models.Index(fields=["sender_id", "start_event_id"], name="conv_sender_start"),
            models.Index(fields=["-last_activity", "-id"], name="conv_activity"),
            models.Index(fields=["channel", "-last_activity"], name="conv_channel_activity"),
        ]
        verbose_name = "hội thoại"
        verbose_name_plural = "hội thoại"

    def __str__(self) -> str:
        return f"{self.sender_id} #{self.pk}"

    @property
    def fallback(self) -> bool:
        return self.n_fallback > 0

    @property
    def handoff_reason_label(self) -> str:
        return HANDOFF_REASONS.get(self.handoff_reason, self.handoff_reason)

    def apply(self, event: Event) -> None:
        """Fold one event into the summary. Order-independent except for 'latest'
        fields, which are only replaced by a later event (a late-committed row does not
        overwrite newer values)."""
        newest = self.last_activity is None or event.ts >= self.last_activity
        if self.started_at is None or event.ts < self.started_at:
            self.started_at = event.ts
        if newest:
            self.last_activity = event.ts
        if event.kind == Event.Kind.USER:
            self.n_user += 1
            if event.input_channel and self.channel == Channel.OTHER:
                self.channel = (
                    event.input_channel if event.input_channel in Channel.values else "other"
                )
            if event.intent == "nlu_fallback":
                self.n_fallback += 1
            if event.confidence is not None:
                current = self.min_confidence
                self.min_confidence = (
                    event.confidence if current is None else min(current, event.confidence)
                )
            if not self.first_user_text:
                self.first_user_text = event.text[:300]
            if newest or not self.last_user_text:
                self.last_user_text = event.text[:300]
        elif event.kind in (Event.Kind.BOT, Event.Kind.STAFF):
            self.n_bot += 1
        elif event.kind == Event.Kind.ACTION and event.name == "action_request_human":
            self.handoff_requested = True
        elif event.kind == Event.Kind.PAUSE:
            self.paused = True
        elif event.kind == Event.Kind.RESUME:
            self.paused = False
        elif event.kind == Event.Kind.SESSION:
            self.session_started_seen = True
        elif event.kind == Event.Kind.SLOT:
            self._apply_slot(event.name, event.value, newest)

    def _apply_slot(self, name: str, value: Any, newest: bool) -> None:
        if name == "handoff_requested" and value:
            self.handoff_requested = True
        elif name == "handoff_reason" and value:
            self.handoff_reason = str(value)[:64]
        elif name == "answer_feedback" and value:
            if newest or not self.feedback:
                self.feedback = str(value)[:16]
            if value == "unhelpful":
                self.negative_feedback = True
        elif name == "procedure" and value and (newest or not self.procedure):
            self.procedure = str(value)[:128]


class Event(models.Model):
    """One tracker event. `id` is the tracker's own event id."""

    class Kind(models.TextChoices):
        USER = "user", "Người dân"
        BOT = "bot", "Trợ lý"
        STAFF = "staff", "Cán bộ"
        ACTION = "action", "Hành động"
        SLOT = "slot", "Slot"
        PAUSE = "pause", "Tạm dừng"
        RESUME = "resume", "Tiếp tục"
        SESSION = "session", "Bắt đầu phiên"
        RESTART = "restart", "Bắt đầu lại"
        OTHER = "other", "Khác"

    id = models.BigIntegerField(primary_key=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    ts = models.DateTimeField()
    type_name = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField(blank=True)
    text_norm = models.TextField(blank=True)
    intent = models.CharField(max_length=100, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    entities = models.JSONField(null=True, blank=True)
    name = models.CharField(max_length=100, blank=True)  # action or slot name
    value = models.JSONField(null=True, blank=True)  # slot value; buttons of a bot message
    input_channel = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["conversation", "id"], name="event_conversation"),
            models.Index(fields=["intent", "conversation"], name="event_intent"),
            models.Index(fields=["name", "conversation"], name="event_name"),
        ]
        verbose_name = "sự kiện"
        verbose_name_plural = "sự kiện"

    @property
    def is_message(self) -> bool:
        return self.kind in (self.Kind.USER, self.Kind.BOT, self.Kind.STAFF)

    def low_confidence(self) -> bool:
        return self.confidence is not None and self.confidence < settings.LOW_CONFIDENCE

    @classmethod
    def from_tracker(cls, event_id: int, ts: Any, type_name: str, data: Dict[str, Any]) -> Event:
        """The row for one tracker event (`data` is the tracker's JSON, already masked)."""
        kind = KINDS.get(type_name, cls.Kind.OTHER)
        event = cls(id=event_id, ts=ts, type_name=type_name[:64], kind=kind)
        if kind == cls.Kind.USER:
            parse = data.get("parse_data") or {}
            intent = parse.get("intent") or {}
            event.text = data.get("text") or ""
            event.intent = (intent.get("name") or "")[:100]
            event.confidence = _float(intent.get("confidence"))
            event.entities = [
                {k: e.get(k) for k in ("entity", "value", "start", "end") if k in e}
                for e in parse.get("entities") or []
            ] or None
            event.input_channel = (data.get("input_channel") or "")[:32]
        elif kind == cls.Kind.BOT:
            event.text = data.get("text") or ""
            if (data.get("metadata") or {}).get("source") == "staff":
                event.kind = cls.Kind.STAFF
                event.name = str((data.get("metadata") or {}).get("staff") or "")[:100]
            elif (data.get("metadata") or {}).get("handoff") == CITIZEN_LEFT:
                event.name = CITIZEN_LEFT  # "quay lại trợ lý": the citizen left the queue
            buttons = (data.get("data") or {}).get("buttons")
            if buttons:
                event.value = {"buttons": [b.get("title") for b in buttons if isinstance(b, dict)]}
        elif kind == cls.Kind.ACTION:
            event.name = (data.get("name") or "")[:100]
            event.confidence = _float(data.get("confidence"))
        elif kind == cls.Kind.SLOT:
            event.name = (data.get("name") or "")[:100]
            event.value = data.get("value")
        if event.text:
            event.text_norm = normalize(event.text)
        return event


CITIZEN_LEFT = "citizen_left"

KINDS = {
    "user": Event.Kind.USER,
    "bot": Event.Kind.BOT,
    "action": Event.Kind.ACTION,
    "slot": Event.Kind.SLOT,
    "pause": Event.Kind.PAUSE,
    "resume": Event.Kind.RESUME,
    "session_started": Event.Kind.SESSION,
    "restart": Event.Kind.RESTART,
}


def _float(value: Any) -> Optional[float]:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


class SearchDocument(models.Model):
    """The normalised text of a conversation's citizen and staff messages, one row per
    conversation. On SQLite an FTS5 index follows this table by triggers (migration
    0002); elsewhere the inbox searches it with a substring match."""

    conversation = models.OneToOneField(
        Conversation, primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    text = models.TextField(blank=True)


class IngestState(models.Model):
    """How far the ingest has read the tracker store (survives restarts)."""

    name = models.CharField(max_length=32, primary_key=True)
    watermark = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class SavedView(models.Model):
    """A named inbox filter (its query string), per officer."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name")
        ]
