"""Backup and restore of what Redress keeps: the database and the private files (evidence,
verification documents), as ``manage.py backup`` and ``manage.py restore`` run them.

A backup is one folder:

- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``, one consistent snapshot) or
  ``database.sqlite3`` (the embedded default: SQLite's online backup API, consistent while the
  site runs);
- ``private/``: a copy of the private storage folder, when private files are on local disk (an
  S3 bucket is backed up by the bucket's own versioning and replication, see docs/operations.md);
- ``manifest.json``: when, from what, and the SHA-256 of the database file, checked on restore.

The database is dumped before the files are copied: a file is stored before the row that names
it commits, so every file the dump refers to is already on disk when the copy starts.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
PRIVATE = "private"
PG_DUMP_FILE = "database.pgdump"
SQLITE_FILE = "database.sqlite3"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


@dataclass(frozen=True)
class Outcome:
    manifest: dict
    notes: list[str]


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            sha.update(chunk)
    return sha.hexdigest()


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from PATH, else the newest in Debian's /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return candidates[-1]


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _private_storage_root() -> Path | None:
    storage = storages["private"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def _folder_stats(root: Path) -> dict:
    files = [path for path in root.rglob("*") if path.is_file()]
    return {"folder": PRIVATE, "files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def backup(destination: Path, *, using: str = "default") -> Outcome:
    """Write a backup into ``destination`` (a new or empty folder)."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: back up into a new folder.")
    destination.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    notes: list[str] = []

    if connection.vendor == "postgresql":
        target = destination / PG_DUMP_FILE
        _run(
            [
                pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
            ],
            _pg_env(connection.settings_dict),
        )
    elif connection.vendor == "sqlite":
        target = destination / SQLITE_FILE
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        raise BackupError(f"No backup method for {connection.vendor}.")
    database = {
        "vendor": connection.vendor,
        "file": target.name,
        "sha256": _sha256(target),
        "bytes": target.stat().st_size,
    }

    root = _private_storage_root()
    if root is None:
        files = {"skipped": "private files are in an S3 bucket (see docs/operations.md)"}
        notes.append("Private files are in an S3 bucket: they are not in this backup.")
    elif root.exists():
        shutil.copytree(root, destination / PRIVATE)
        files = _folder_stats(destination / PRIVATE)
    else:
        (destination / PRIVATE).mkdir()
        files = _folder_stats(destination / PRIVATE)

    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(),
        "database": database,
        "private_files": files,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return Outcome(manifest, notes)


def _read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST}: it is not a Redress backup.") from None
    database = source / manifest["database"]["file"]
    if not database.exists():
        raise BackupError(f"{database} is missing from the backup.")
    if _sha256(database) != manifest["database"]["sha256"]:
        raise BackupError(f"{database} does not match the SHA-256 in {MANIFEST}: it is damaged.")
    return manifest


def restore(source: Path, *, using: str = "default") -> Outcome:
    """Restore a backup into the configured, empty database and private storage folder."""
    source = Path(source)
    manifest = _read_manifest(source)
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"This backup is of {vendor}; the configured database is not.")
    dump = source / manifest["database"]["file"]
    notes: list[str] = []

    root = _private_storage_root()
    if root is not None and root.exists() and any(root.iterdir()):
        raise BackupError(
            f"The private storage folder {root} is not empty: restore into an empty one."
        )

    if vendor == "postgresql":
        if connection.introspection.table_names():
            raise BackupError(
                f"Database {connection.settings_dict['NAME']} is not empty: restore into a new "
                "database (createdb NAME)."
            )
        connection.close()
        _run(
            [
                pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            _pg_env(connection.settings_dict),
        )
    else:
        target = Path(connection.settings_dict["NAME"])
        if str(target) == ":memory:" or "mode=memory" in str(target):
            raise BackupError("The configured SQLite database is in memory: set DATABASE_URL.")
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target} exists: restore into a new database file.")
        connection.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dump, target)

    if root is None:
        notes.append("Private files are in an S3 bucket: restore the bucket separately.")
    elif (source / PRIVATE).exists():
        shutil.copytree(source / PRIVATE, root, dirs_exist_ok=True)
    else:
        notes.append(f"The backup has no {PRIVATE}/ folder: no private files were restored.")
    return Outcome(manifest, notes)
