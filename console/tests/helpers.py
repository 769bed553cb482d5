from __future__ import annotations

from conversations import tracker
from conversations.ingest import Ingest


def ingest_all(**kwargs) -> int:
    return Ingest(tracker.reader(), **kwargs).run_until_idle()
