"""The benchmark's own databases: a migrated template, then one copy per dataset."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def name_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin(url: str) -> psycopg.Connection:
    # CREATE/DROP DATABASE run outside a transaction, from the server's maintenance database.
    return psycopg.connect(with_name(url, "postgres"), autocommit=True)


def drop(url: str) -> None:
    with _admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name_of(url)))
        )


def create(url: str, *, template: str | None = None) -> None:
    drop(url)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name_of(url)))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _admin(url) as conn:
        conn.execute(statement)


def migrate(url: str, env: dict) -> None:
    """Run the project's migrations in a separate process against ``url``."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        env={**env, "DATABASE_URL": url},
        check=True,
    )
