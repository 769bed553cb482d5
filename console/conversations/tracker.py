"""Rasa's tracker store, as the console reads it: the `events` table only, SELECT only.

SQLite is opened read-only (`mode=ro`), in autocommit, and every query is fetched whole
at once, so a read holds the shared lock for milliseconds and never blocks Rasa's writes
(Rasa's file keeps its default journal; the console never changes it). PostgreSQL is
read with a role that only needs SELECT on `events`.

Deleting (retention) uses a separate, writable URL, so the everyday reader cannot write.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, List, Sequence, Tuple
from urllib.parse import quote

from django.conf import settings

COLUMNS = "id, sender_id, type_name, timestamp, data"


@dataclass(frozen=True)
class TrackerRow:
    id: int
    sender_id: str
    type_name: str
    timestamp: float
    data: str


def sqlite_path(url: str) -> Path:
    """`sqlite:///var/tracker.db` (relative to the repository) or `sqlite:////abs/path`."""
    path = Path(url.split(":///", 1)[1])
    return path if path.is_absolute() else settings.ROOT / path


def postgres_dsn(url: str) -> str:
    """SQLAlchemy-style URLs (`postgresql+psycopg2://`) as libpq accepts them."""
    _scheme, rest = url.split("://", 1)
    return "postgresql://" + rest


class TrackerStore:
    """A connection to the tracker database, opened per use and closed right after."""

    def __init__(self, url: str, writable: bool = False) -> None:
        self.url = url
        self.writable = writable
        self.is_sqlite = url.startswith("sqlite")

    def _connect(self) -> Any:
        if self.is_sqlite:
            path = sqlite_path(self.url)
            mode = "rw" if self.writable else "ro"
            connection = sqlite3.connect(
                f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=10
            )
            connection.isolation_level = None  # autocommit: no transaction left open
            return connection
        import psycopg

        return psycopg.connect(postgres_dsn(self.url), autocommit=not self.writable)

    def _query(self, sql: str, params: Sequence[Any]) -> List[Tuple[Any, ...]]:
        if not self.is_sqlite:
            sql = sql.replace("?", "%s")
        connection = self._connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, tuple(params))
            rows = cursor.fetchall()  # fetched whole: the read ends here
            if not self.is_sqlite and self.writable:
                connection.rollback()
            return rows
        finally:
            connection.close()

    def rows_after(self, after: int, limit: int) -> List[TrackerRow]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM events WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
        )
        return [TrackerRow(*row) for row in rows]

    def ids_between(self, low: int, high: int) -> List[int]:
        """Ids in (low, high]: the trailing window re-checked for late commits."""
        rows = self._query("SELECT id FROM events WHERE id > ? AND id <= ?", (low, high))
        return [row[0] for row in rows]

    def rows_with_ids(self, ids: Iterable[int]) -> List[TrackerRow]:
        found: List[TrackerRow] = []
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT {COLUMNS} FROM events WHERE id IN ({marks}) ORDER BY id", chunk
            )
            found.extend(TrackerRow(*row) for row in rows)
        return found

    def delete_ranges(self, ranges: Iterable[Tuple[str, int, int]]) -> int:
        """Delete each conversation's events (sender, first id, last id) in one short
        transaction. Needs the writable URL."""
        if not self.writable:
            raise PermissionError("the tracker store is opened read-only")
        ranges = list(ranges)
        if not ranges:
            return 0
        sql = "DELETE FROM events WHERE sender_id = ? AND id >= ? AND id <= ?"
        connection = self._connect()
        try:
            if self.is_sqlite:
                connection.execute("BEGIN IMMEDIATE")
                deleted = sum(connection.execute(sql, r).rowcount for r in ranges)
                connection.execute("COMMIT")
            else:
                with connection.cursor() as cursor:
                    deleted = 0
                    for r in ranges:
                        cursor.execute(sql.replace("?", "%s"), r)
                        deleted += cursor.rowcount
                connection.commit()
            return deleted
        finally:
            connection.close()


def reader() -> TrackerStore:
    return TrackerStore(settings.TRACKER_DB_URL)


def writer() -> TrackerStore | None:
    url = settings.TRACKER_DB_WRITE_URL
    return TrackerStore(url, writable=True) if url else None
