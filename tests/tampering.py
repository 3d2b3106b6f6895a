"""What someone with direct database access could do to the audit rows, for the tamper tests.

On PostgreSQL the append-only triggers refuse UPDATE and DELETE, so these helpers first do what
such a person would have to: switch triggers off for the transaction (superuser only). The
model-level guards are stepped around with the plain base manager.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from django.db import connection

# The triggers exist on PostgreSQL only. Outside CI a run on SQLite skips their tests; in CI
# (always PostgreSQL) they run, and would fail on any other database.
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql" and not os.environ.get("CI"),
    reason="the append-only triggers are PostgreSQL's (CI runs these tests there)",
)


@contextmanager
def triggers_off():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


def raw_update(model, pk, **values) -> None:
    with triggers_off():
        assert model._base_manager.filter(pk=pk).update(**values) == 1


def raw_delete(model, pk) -> None:
    with triggers_off():
        model._base_manager.filter(pk=pk).delete()


def raw_insert(model, **values):
    with triggers_off():
        return model._base_manager.bulk_create([model(**values)])[0]


def breaks(**options) -> list:
    """Every break the verification finds (all checks)."""
    from core import integrity

    return integrity.verify(**options).breaks
