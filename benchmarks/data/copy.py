"""Bulk writing through PostgreSQL COPY (psycopg 3), with ids assigned by the generator."""

from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model


def columns_of(model: type[Model], names: Sequence[str]) -> list[str]:
    """Database columns of the named fields (attnames such as `region_id` are accepted)."""
    by_name = {}
    for field in model._meta.concrete_fields:
        by_name[field.name] = field.column
        by_name[field.attname] = field.column
    return [by_name[name] for name in names]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def copy_model(model: type[Model], names: Sequence[str], rows: Iterable[Sequence]) -> int:
    return copy_rows(model._meta.db_table, columns_of(model, names), rows)


def reset_sequence(model: type[Model]) -> None:
    """Point the id sequence past the ids the generator assigned."""
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608 - names from _meta
            f"COALESCE((SELECT MAX({connection.ops.quote_name(pk)}) FROM "
            f"{connection.ops.quote_name(table)}), 0) + 1, false)",
            [table, pk],
        )


@contextmanager
def bulk_load(*models: type[Model]):
    """Drop the foreign keys and plain indexes of the tables, restore them after the block.

    Django declares foreign keys DEFERRABLE INITIALLY DEFERRED, so every copied row would queue a
    check for the COMMIT (millions of them for the task history); indexes are also cheaper to
    build once than to grow row by row. Re-adding a foreign key validates it in one join, so a bad
    row still fails the load. Must run inside a transaction: DDL is transactional in PostgreSQL.
    """
    saved: list[str] = []
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(
                    f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}"
                )
                constraint = connection.ops.quote_name(name)
                saved.append(f"ALTER TABLE {quoted} ADD CONSTRAINT {constraint} {definition}")
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = %s::regclass AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = pg_index.indexrelid) "
                "ORDER BY 1",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {name}")
                saved.append(definition)
    yield
    with connection.cursor() as cursor:
        # Indexes first, so validating the foreign keys can use them.
        for statement in sorted(saved, key=lambda sql: "FOREIGN KEY" in sql):
            cursor.execute(statement)
