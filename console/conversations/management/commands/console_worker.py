"""The console's background process: ingest the tracker store every few seconds, and
run retention once a day.

    manage.py console_worker            # until Ctrl-C / SIGTERM
    manage.py console_worker --once     # one catch-up, then exit (cron, tests)
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from conversations import tracker
from conversations.ingest import Ingest
from handoff.sweep import expire_unclaimed, release_idle_claims

log = logging.getLogger("console.worker")
DAY = 24 * 3600  # retention and statistics, once a day


def refresh_statistics() -> None:
    """SQLite plans the inbox's joins from ANALYZE's statistics, which it never gathers
    by itself (PostgreSQL's autovacuum does)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Đọc sổ hội thoại của Rasa vào bảng điều khiển; xóa dữ liệu quá hạn mỗi ngày."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument(
            "--no-retention", action="store_true", help="never run the daily retention"
        )

    def handle(self, *args: Any, once: bool, no_retention: bool, **_: Any) -> None:
        ingest = Ingest(tracker.reader())
        if once:
            self.stdout.write(f"ingested {ingest.run_until_idle()} events")
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        last_retention = 0.0
        failing = ""
        log.info("worker: reading %s", settings.TRACKER_DB_URL.split("@")[-1])
        try:
            while not stopping:
                close_old_connections()
                try:
                    count = ingest.run_until_idle()
                    if count:
                        log.info("worker: %d events ingested", count)
                    released = release_idle_claims()
                    if released:
                        log.info("worker: %d claims of idle officers released", released)
                    expired = expire_unclaimed()
                    if expired:
                        log.info("worker: %d unclaimed handoffs given back to the bot", expired)
                    failing = ""
                except Exception as error:  # the tracker may not exist yet: keep waiting
                    if str(error) != failing:  # said once, not every poll
                        log.warning("worker: cannot read the tracker store yet: %s", error)
                    failing = str(error)
                if not no_retention and time.time() - last_retention > DAY:
                    last_retention = time.time()
                    try:
                        call_command("console_retention")
                        refresh_statistics()
                    except Exception as error:
                        log.warning("worker: retention failed: %s", error)
                time.sleep(settings.INGEST_POLL_SECONDS)
        except KeyboardInterrupt:
            pass
        log.info("worker: stopped")
