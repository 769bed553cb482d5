"""Live handoff tickets: a conversation waiting for, or held by, a support officer.

The rules live here (claim, release, reassign, close, what a channel can receive); the
views only call them. One open ticket per conversation (sender id) is enforced by the
database with a partial unique constraint, so two ingest passes or two workers can never
open a second one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Optional

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from conversations.models import HANDOFF_REASONS, Channel, Conversation, Event

# channels whose output channel can push a message to the citizen (bot/channels/senders.py)
PUSH_CHANNELS = (Channel.WEB, Channel.ZALO)
ZALO_WINDOW = timedelta(hours=48)  # Zalo customer-service messages after the last message
MAX_REPLY_CHARS = 2000  # Zalo's limit; the same cap for every channel
HAND_BACK_TEXT = (
    "Cán bộ đã kết thúc hỗ trợ. Trợ lý tiếp tục trả lời anh/chị; anh/chị cứ hỏi tiếp nhé."
)


class HandoffError(Exception):
    """A rule refused the action; the message is shown to the officer (Vietnamese)."""


class HandoffTicket(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ"
        ASSIGNED = "assigned", "Đang hỗ trợ"
        RESOLVED = "resolved", "Đã kết thúc"
        EXPIRED = "expired", "Hết hạn"

    class Outcome(models.TextChoices):
        ANSWERED = "answered", "Đã trả lời"
        REFERRED = "referred", "Đã hướng dẫn nơi khác"
        NO_RESPONSE = "no_response", "Người dân không phản hồi"
        ABUSIVE = "abusive", "Lạm dụng"
        TEST = "test", "Thử nghiệm"
        CITIZEN_LEFT = "citizen_left", "Người dân quay lại trợ lý"

    OPEN = (Status.PENDING, Status.ASSIGNED)

    sender_id = models.CharField(max_length=255, db_index=True)
    conversation = models.ForeignKey(
        Conversation, null=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    channel = models.CharField(max_length=32, choices=Channel.choices)
    reason = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(default=timezone.now)  # last (re)entered the queue
    pause_event_id = models.BigIntegerField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handoff_tickets",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # the claiming officer's console last polled (queue or ticket page): presence
    officer_seen = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender_id"],
                condition=Q(status__in=["pending", "assigned"]),
                name="handoff_one_open_ticket",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "assigned", "resolved", "expired"]),
                name="handoff_known_status",
            ),
        ]
        permissions = [
            ("handle_ticket", "Nhận và trả lời người dân"),
            ("reassign_ticket", "Giao lại yêu cầu cho cán bộ khác"),
        ]
        verbose_name = "yêu cầu gặp cán bộ"
        verbose_name_plural = "yêu cầu gặp cán bộ"

    def __str__(self) -> str:
        return f"{self.sender_id} ({self.status})"

    @property
    def reason_label(self) -> str:
        return HANDOFF_REASONS.get(self.reason, self.reason or "Chưa rõ lý do")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def can_receive(self) -> bool:
        return self.channel in PUSH_CHANNELS

    def events(self):
        return Event.objects.filter(conversation__sender_id=self.sender_id)

    def last_citizen_message_at(self) -> Optional[datetime]:
        last = self.events().filter(kind=Event.Kind.USER).order_by("-id").first()
        return last.ts if last else None

    def zalo_deadline(self) -> Optional[datetime]:
        if self.channel != Channel.ZALO:
            return None
        last = self.last_citizen_message_at()
        return last + ZALO_WINDOW if last else None

    def cannot_reply_reason(self, now: Optional[datetime] = None) -> str:
        """Why a reply cannot reach the citizen now ('' when it can)."""
        if not self.can_receive:
            return (
                "Kênh này không nhận được tin nhắn do cán bộ gửi; "
                "người dân đã được hướng dẫn liên hệ tổng đài hoặc cổng dịch vụ công."
            )
        deadline = self.zalo_deadline()
        if deadline is not None and (now or timezone.now()) > deadline:
            return "Đã quá 48 giờ kể từ tin nhắn cuối của người dân: Zalo không cho gửi tiếp."
        return ""

    def check_reply(self, user: Any, text: str) -> str:
        """The text to send, or HandoffError saying why not."""
        if self.status != self.Status.ASSIGNED or self.claimed_by_id != user.pk:
            raise HandoffError("Chỉ cán bộ đang nhận yêu cầu này mới được trả lời.")
        reason = self.cannot_reply_reason()
        if reason:
            raise HandoffError(reason)
        text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()
        if not text:
            raise HandoffError("Tin nhắn trống.")
        if len(text) > MAX_REPLY_CHARS:
            raise HandoffError(f"Tin nhắn dài quá {MAX_REPLY_CHARS} ký tự.")
        return text


def open_ticket(conversation: Conversation, pause_event_id: Optional[int] = None) -> bool:
    """Open a pending ticket for a conversation that paused for a person, unless it is
    already open or its channel cannot receive replies. True when one was opened."""
    if conversation.channel not in PUSH_CHANNELS:
        return False
    if HandoffTicket.objects.filter(
        sender_id=conversation.sender_id, status__in=HandoffTicket.OPEN
    ).exists():
        HandoffTicket.objects.filter(
            sender_id=conversation.sender_id, status__in=HandoffTicket.OPEN
        ).update(conversation=conversation)
        return False
    try:
        with transaction.atomic():
            HandoffTicket.objects.create(
                sender_id=conversation.sender_id,
                conversation=conversation,
                channel=conversation.channel,
                reason=conversation.handoff_reason,
                pause_event_id=pause_event_id,
            )
    except IntegrityError:  # opened meanwhile by another pass
        return False
    return True


def citizen_left(sender_id: str) -> int:
    """The citizen said "quay lại trợ lý" while waiting: the bot already resumed, so the
    open ticket is closed (an officer who had it sees why). Returns how many closed."""
    return HandoffTicket.objects.filter(sender_id=sender_id, status__in=HandoffTicket.OPEN).update(
        status=HandoffTicket.Status.RESOLVED,
        outcome=HandoffTicket.Outcome.CITIZEN_LEFT,
        resolved_at=timezone.now(),
    )


def claim(ticket_id: int, user: Any) -> HandoffTicket:
    """One atomic UPDATE … WHERE status='pending': of two officers, exactly one wins."""
    now = timezone.now()
    won = HandoffTicket.objects.filter(pk=ticket_id, status=HandoffTicket.Status.PENDING).update(
        status=HandoffTicket.Status.ASSIGNED, claimed_by=user, claimed_at=now, officer_seen=now
    )
    ticket = HandoffTicket.objects.select_related("claimed_by").get(pk=ticket_id)
    if not won and ticket.claimed_by_id != user.pk:
        if ticket.status == HandoffTicket.Status.ASSIGNED and ticket.claimed_by is not None:
            raise HandoffError(f"Cán bộ {display_name(ticket.claimed_by)} đã nhận yêu cầu này.")
        raise HandoffError("Yêu cầu này không còn chờ cán bộ.")
    return ticket


def release(tickets: Iterable[HandoffTicket] | models.QuerySet) -> int:
    if not isinstance(tickets, models.QuerySet):
        tickets = HandoffTicket.objects.filter(pk__in=[t.pk for t in tickets])
    return tickets.filter(status=HandoffTicket.Status.ASSIGNED).update(
        status=HandoffTicket.Status.PENDING,
        claimed_by=None,
        claimed_at=None,
        officer_seen=None,
        queued_at=timezone.now(),
    )


def seen(user: Any) -> None:
    """The officer's console is open: their claims stay theirs."""
    HandoffTicket.objects.filter(status=HandoffTicket.Status.ASSIGNED, claimed_by=user).update(
        officer_seen=timezone.now()
    )


def release_claims_on_logout(sender: Any, request: Any, user: Any, **_: Any) -> None:
    if user is not None:
        release(HandoffTicket.objects.filter(claimed_by=user))


def reassign(ticket_id: int, to_user: Any) -> HandoffTicket:
    now = timezone.now()
    changed = HandoffTicket.objects.filter(pk=ticket_id, status__in=HandoffTicket.OPEN).update(
        status=HandoffTicket.Status.ASSIGNED, claimed_by=to_user, claimed_at=now, officer_seen=now
    )
    if not changed:
        raise HandoffError("Yêu cầu này đã kết thúc.")
    return HandoffTicket.objects.get(pk=ticket_id)


def close(
    ticket: HandoffTicket, user: Any, outcome: str, may_override: bool = False
) -> HandoffTicket:
    if outcome not in HandoffTicket.Outcome.values:
        raise HandoffError("Chọn kết quả hỗ trợ.")
    if not may_override and ticket.claimed_by_id != user.pk:
        raise HandoffError("Chỉ cán bộ đang nhận yêu cầu này mới được kết thúc.")
    closed = HandoffTicket.objects.filter(pk=ticket.pk, status__in=HandoffTicket.OPEN).update(
        status=HandoffTicket.Status.RESOLVED, outcome=outcome, resolved_at=timezone.now()
    )
    if not closed:
        raise HandoffError("Yêu cầu này đã kết thúc.")
    ticket.refresh_from_db()
    return ticket


def display_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


class StaffReply(models.Model):
    """One message an officer sent, and whether Rasa took it for delivery."""

    ticket = models.ForeignKey(HandoffTicket, on_delete=models.CASCADE, related_name="replies")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    created = models.DateTimeField(default=timezone.now)
    sent = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]


class CannedReply(models.Model):
    """A reply officers can insert (and edit before sending), for one procedure or any."""

    procedure = models.CharField(max_length=128, blank=True, db_index=True)
    title = models.CharField(max_length=80)
    text = models.TextField(max_length=MAX_REPLY_CHARS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure", "title"]
        verbose_name = "câu trả lời mẫu"
        verbose_name_plural = "câu trả lời mẫu"

    def __str__(self) -> str:
        return self.title

    @classmethod
    def for_procedure(cls, procedure: str) -> models.QuerySet:
        return cls.objects.filter(Q(procedure="") | Q(procedure=procedure))
