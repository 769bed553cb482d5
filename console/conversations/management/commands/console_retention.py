"""Delete conversations older than CONSOLE_RETENTION_DAYS (or --days) except preserved
ones, from the console and, when CONSOLE_TRACKER_DB_WRITE_URL is set, from the tracker
store. Run daily by the worker, or from cron: `manage.py console_retention`."""

from __future__ import annotations

from typing import Any, Optional

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from conversations import tracker
from conversations.retention import purge


class Command(BaseCommand):
    help = "Xóa hội thoại quá thời hạn lưu giữ (trừ hội thoại được đánh dấu lưu giữ)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, days: Optional[int], **_: Any) -> None:
        days = settings.RETENTION_DAYS if days is None else days
        result = purge(days, tracker.writer())
        where = (
            f"and {result.tracker_events} tracker events"
            if result.tracker_cleaned
            else "(tracker store untouched: CONSOLE_TRACKER_DB_WRITE_URL is not set)"
        )
        self.stdout.write(
            f"retention: {result.conversations} conversations older than {days} days deleted "
            + where
        )
