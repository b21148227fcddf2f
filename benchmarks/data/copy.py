"""Bulk writing through PostgreSQL COPY (psycopg 3), with ids assigned by the generator."""

from collections.abc import Iterable, Sequence

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
