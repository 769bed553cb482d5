"""Free-text search over conversations, folded by the project's one normaliser.

"dang ky", "Đăng ký" and "dk" all become "dang ky" (bot.text.normalize), on the stored
side at ingest and on the query side here. SQLite's FTS5 cannot fold "đ" by itself, which
is why the index holds already-normalised text; the query is a phrase, with the last word
as a prefix ("dang k" finds "dang ky"). A query is tried both normalised and only folded,
because a word still being typed may read as an abbreviation ("k" expands to "khong").
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from bot.text import fold, normalize

FTS_TABLE = "conversations_search_fts"


def uses_fts() -> bool:
    return connection.vendor == "sqlite"


def phrases(text: str) -> list[str]:
    found = []
    for phrase in (normalize(text), fold(text)):
        if phrase and phrase not in found:
            found.append(phrase)
    return found


def fts_query(phrases: list[str]) -> str:
    # normalize and fold leave letters, digits and single spaces only: no FTS syntax
    return " OR ".join(f'"{phrase}" *' for phrase in phrases)


def matching(conversations: QuerySet, text: str) -> QuerySet:
    wanted = phrases(text)
    if not wanted:
        return conversations
    if uses_fts():
        return conversations.filter(
            id__in=RawSQL(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (fts_query(wanted),)
            )
        )
    any_phrase = Q()
    for phrase in wanted:
        any_phrase |= Q(search__text__contains=phrase)
    return conversations.filter(any_phrase)
