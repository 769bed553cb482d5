"""Free-text search over conversations, folded by the project's one normaliser.

"dang ky", "Đăng ký" and "dk" all become "dang ky" (bot.text.normalize), on the stored
side at ingest and on the query side here. SQLite's FTS5 cannot fold "đ" by itself, which
is why the index holds already-normalised text; the query is a phrase, with the last word
as a prefix ("dang k" finds "dang ky").
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from bot.text import normalize

FTS_TABLE = "conversations_search_fts"


def uses_fts() -> bool:
    return connection.vendor == "sqlite"


def fts_query(normalised: str) -> str:
    words = normalised.split()  # normalize leaves letters, digits and spaces only
    return '"' + " ".join(words) + '" *'


def matching(conversations: QuerySet, text: str) -> QuerySet:
    query = normalize(text)
    if not query:
        return conversations
    if uses_fts():
        return conversations.filter(
            id__in=RawSQL(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (fts_query(query),)
            )
        )
    return conversations.filter(search__text__contains=query)
