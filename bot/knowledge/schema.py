"""Versioned schema of the knowledge-base database.

Migrations are numbered and applied in order, each in its own transaction, and every
applied one is recorded in `kb_schema_version`, so a database says which version it is
and `python -m bot kb migrate` (also run by `kb load`) brings any older one up to date.
A database created before versioning (tables present, no version table) counts as 1.

Adding a change: append a `Migration` with the next number. Migration 1 creates tables
in their current shape, so a migration that alters an existing table must check the
inspector first (a fresh database already has the change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from bot.knowledge.models import Base, SchemaVersion


def _create_tables(*names: str) -> Callable[[Connection], None]:
    def apply(connection: Connection) -> None:
        tables = [Base.metadata.tables[name] for name in names]
        Base.metadata.create_all(connection, tables=tables, checkfirst=True)

    return apply


def _add_columns(table: str, *names: str) -> Callable[[Connection], None]:
    """Add the model's columns `names` to an existing `table` when it lacks them (a
    database created by migration 1 after the change already has them)."""

    def apply(connection: Connection) -> None:
        present = {column["name"] for column in inspect(connection).get_columns(table)}
        model = Base.metadata.tables[table]
        for name in names:
            if name in present:
                continue
            column = model.columns[name]
            kind = column.type.compile(dialect=connection.dialect)
            connection.exec_driver_sql(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}')

    return apply


def _steps(*steps: Callable[[Connection], None]) -> Callable[[Connection], None]:
    def apply(connection: Connection) -> None:
        for step in steps:
            step(connection)

    return apply


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "sources, procedures, aliases, documents, steps, fees, load records",
        _create_tables(
            "kb_sources",
            "kb_procedures",
            "kb_aliases",
            "kb_documents",
            "kb_steps",
            "kb_fees",
            "kb_loads",
        ),
    ),
    Migration(
        2, "how-to guides: accounts, VNeID, filing, payment, tracking", _create_tables("kb_guides")
    ),
    Migration(3, "phrases of procedures not covered yet", _create_tables("kb_not_covered")),
    Migration(
        4,
        "fee conditions (công dân số waivers), the article cited and the base of a reduction",
        _steps(
            _create_tables("kb_conditions"),
            _add_columns("kb_fees", "conditions", "article", "reduced_from"),
        ),
    ),
    Migration(5, "parts of a liên thông bundle", _create_tables("kb_parts")),
    Migration(
        6, "cases whose documents or rules differ", _create_tables("kb_cases", "kb_case_facts")
    ),
    Migration(7, "who sets a fee with no national rate", _create_tables("kb_fee_authorities")),
    Migration(
        8, "notes on how long a result stays valid and who may file", _create_tables("kb_notes")
    ),
    Migration(
        9, "how citizens name procedures, for the resolver's ranker", _create_tables("kb_mentions")
    ),
)
HEAD = MIGRATIONS[-1].version


def current_version(connection: Connection) -> int:
    """The version a database is at: 0 when empty, 1 when made before versioning."""
    tables = set(inspect(connection).get_table_names())
    if SchemaVersion.__tablename__ not in tables:
        return 1 if "kb_procedures" in tables else 0
    versions = [row.version for row in connection.execute(SchemaVersion.__table__.select())]
    return max(versions, default=0)


def migrate(engine: Engine) -> list[Migration]:
    """Apply every migration the database lacks; return those applied."""
    with engine.begin() as connection:
        version = current_version(connection)
        SchemaVersion.__table__.create(connection, checkfirst=True)
        if version == 1 and not _recorded(connection, 1):
            _record(connection, MIGRATIONS[0])  # made before versioning: version 1 as is
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= version:
            continue
        with engine.begin() as connection:
            migration.apply(connection)
            _record(connection, migration)
        applied.append(migration)
    return applied


def _recorded(connection: Connection, version: int) -> bool:
    table = SchemaVersion.__table__
    return connection.execute(table.select().where(table.c.version == version)).first() is not None


def _record(connection: Connection, migration: Migration) -> None:
    connection.execute(
        SchemaVersion.__table__.insert().values(
            version=migration.version,
            description=migration.description,
            applied_at=datetime.now(timezone.utc).replace(tzinfo=None),
        )
    )
