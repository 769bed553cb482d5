"""Nobody claimed in time: tell the citizen honestly where to get help, and give the
conversation back to the bot (never a silent dead end). Run by the worker every pass."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Optional

from django.conf import settings
from django.utils import timezone

from console import rasa_api
from handoff import rasa_calls
from handoff.models import HandoffTicket, release

log = logging.getLogger(__name__)


def in_office_hours(now: datetime) -> bool:
    """CONSOLE_HANDOFF_OFFICE_HOURS ("07:30-17:00", Vietnam time) on the ISO weekdays of
    CONSOLE_HANDOFF_OFFICE_DAYS ("1-5"); no hours set: always."""
    hours = settings.HANDOFF_OFFICE_HOURS
    if not hours:
        return True
    local = timezone.localtime(now)
    first, last = (int(d) for d in settings.HANDOFF_OFFICE_DAYS.split("-"))
    if not first <= local.isoweekday() <= last:
        return False
    opens, closes = hours.split("-")
    return opens.strip() <= local.strftime("%H:%M") < closes.strip()


def no_officer_text(closed: bool = False) -> str:
    where = f"gửi câu hỏi qua mục «Hỗ trợ» trên {settings.PORTAL_SEARCH_URL}"
    if settings.SUPPORT_HOTLINE:
        where += f" hoặc gọi tổng đài {settings.SUPPORT_HOTLINE}"
    why = "hiện đã ngoài giờ làm việc của cán bộ" if closed else "hiện chưa có cán bộ trực"
    return (
        f"Xin lỗi anh/chị, {why} để trả lời. Anh/chị vui lòng "
        f"{where}. Trợ lý tiếp tục trả lời anh/chị; anh/chị cứ hỏi tiếp nhé."
    )


def expire_unclaimed(now: Optional[datetime] = None) -> int:
    """Expire pending tickets older than CONSOLE_HANDOFF_UNCLAIMED_MINUTES (0: never), and
    every pending ticket outside office hours.
    Each is marked expired first (so a claim at the same moment wins or loses cleanly),
    then the citizen is told and the bot resumes; if Rasa refuses, it waits again."""
    now = now or timezone.now()
    closed = not in_office_hours(now)
    minutes = settings.HANDOFF_UNCLAIMED_MINUTES
    if minutes <= 0 and not closed:
        return 0
    cutoff = now if closed else now - timedelta(minutes=minutes)
    expired = 0
    for ticket in HandoffTicket.objects.filter(
        status=HandoffTicket.Status.PENDING, queued_at__lte=cutoff
    ):
        taken = HandoffTicket.objects.filter(
            pk=ticket.pk, status=HandoffTicket.Status.PENDING
        ).update(status=HandoffTicket.Status.EXPIRED, resolved_at=timezone.now())
        if not taken:
            continue  # claimed meanwhile
        try:
            rasa_calls.hand_back(
                ticket.sender_id, "worker", no_officer_text(closed), ask_rating=False
            )
        except rasa_api.RasaError as error:
            log.warning("handoff: cannot hand ticket %s back yet: %s", ticket.pk, error)
            HandoffTicket.objects.filter(pk=ticket.pk).update(
                status=HandoffTicket.Status.PENDING, resolved_at=None
            )
            continue
        expired += 1
    return expired


def release_idle_claims(now: Optional[datetime] = None) -> int:
    """Claims of officers whose console has not polled for
    CONSOLE_HANDOFF_IDLE_RELEASE_MINUTES (a closed tab, a lost connection) go back to the
    queue."""
    minutes = settings.HANDOFF_IDLE_RELEASE_MINUTES
    if minutes <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(minutes=minutes)
    return release(
        HandoffTicket.objects.filter(status=HandoffTicket.Status.ASSIGNED, officer_seen__lt=cutoff)
    )
