"""SQLite only: an FTS5 index over SearchDocument.text, kept in step by triggers.

The text is already folded by bot.text.normalize (FTS5's own folding leaves "đ" alone),
so the default unicode61 tokenizer only has to split words. On PostgreSQL the inbox
searches SearchDocument.text with a substring match instead."""

from django.db import migrations

TABLE = "conversations_searchdocument"
FTS = "conversations_search_fts"

CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"text, content='{TABLE}', content_rowid='conversation_id', tokenize='unicode61')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.conversation_id, new.text); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.conversation_id, old.text); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.conversation_id, old.text); "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.conversation_id, new.text); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
