"""Tamper evidence: append-only audit rows, their SHA-256 hash chains, the check of stored files
against their recorded SHA-256, and the registry of checks that ``manage.py verify_integrity``
and the daily task run.

A chain is one parent's rows (a case's events, a merchant's disclosure versions) in the order
they were appended. Each row stores ``prev_hash``, the hash of the row before it (empty for the
first), and ``hash``, the SHA-256 of its canonical form, which covers ``prev_hash``: changing,
removing, inserting or reordering a row breaks the link after it. The parent stores the number
of rows and the last hash, so removing rows from the end is seen too.

The canonical form (what ``hash`` covers) is the RFC 8785 JSON (JCS, via the ``rfc8785``
package: fixed key order, no whitespace, fixed string escapes and number formats, UTF-8) of one
object holding the chain's versioned tag as ``@chain``, the previous hash as ``@prev`` and the
row's fields by name:

- foreign keys as the referenced id (or null), integers as integers, text as text;
- date-times in UTC as ``2026-03-01T09:30:00.123456Z`` (always microseconds and ``Z``), so
  neither the server's nor the database session's time zone changes a hash;
- JSON fields as the database gives them back: the value is passed through the field's JSON
  encoder and decoder before hashing, so tuples, integer keys or enum members hash as stored.

PostgreSQL and SQLite store every one of these exactly (timestamps to the microsecond, text as
given, JSON numbers that are integers or ordinary floats), so a hash computed when the row is
written is recomputed identically after a dump and restore into another database.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import rfc8785
from django.apps import apps as global_apps
from django.db import connection, models, transaction
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

GENESIS = ""  # prev_hash of the first row of every chain

# Parents (cases, merchants) whose chains are read in one short snapshot: a few thousand rows at
# most, so a batch costs two indexed range queries and holds no lock that writers wait for.
CHAIN_BATCH = 500
# Rows fetched per round trip while a batch streams (server-side cursor on PostgreSQL).
ROW_CHUNK = 2000
# Stored files hashed concurrently per batch: reading from disk or S3 waits on I/O, and hashlib
# releases the GIL, so a few threads keep the disk or the network busy.
FILE_BATCH = 64
FILE_READ_CHUNK = 1024 * 1024


class AppendOnlyViolation(Exception):
    """An attempt to change or delete a row of an append-only table."""


# --- append-only rows ---------------------------------------------------------------------


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes: an audit row is never updated or deleted, not even in bulk.

    PostgreSQL refuses the same in a trigger (``append_only_trigger`` in the migrations); this
    guard gives the clearer error first and covers SQLite, which has no such trigger.
    """

    def update(self, **kwargs):
        raise AppendOnlyViolation(f"{self.model._meta.label} rows are append-only: no update.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyViolation(f"{self.model._meta.label} rows are append-only: no update.")

    def delete(self):
        raise AppendOnlyViolation(f"{self.model._meta.label} rows are append-only: no delete.")

    delete.alters_data = True
    delete.queryset_only = True

    def redact(self, *fields: str) -> int:
        """Blank the free text ``fields`` of these rows (privacy erasure, retention): the one
        change an audit row admits. Only fields the model lists in ``redactable_fields`` may be
        blanked; the chain covers their SHA-256 (``Chain.digests``), not the text, so the chain
        still verifies and the verification sees which rows were redacted."""
        allowed = set(getattr(self.model, "redactable_fields", ()))
        if not fields or not set(fields) <= allowed:
            raise AppendOnlyViolation(
                f"{self.model._meta.label}: only {sorted(allowed) or 'no field'} may be redacted."
            )
        return super().update(**dict.fromkeys(fields, ""))

    redact.alters_data = True
    redact.queryset_only = True


class AppendOnlyModel(models.Model):
    """A row that is inserted once and never changed or deleted.

    This is a guard, not business flow (docs/style.md keeps that out of save()): ``save`` only ever
    inserts (an instance given the id of an existing row fails on the primary key instead of
    overwriting it) and ``delete`` always refuses.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyViolation(f"{self._meta.label} {self.pk} is append-only: no update.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyViolation(f"{self._meta.label} {self.pk} is append-only: no delete.")


def append_only_trigger(model_label: str, *, redactable: tuple[str, ...] = ()):
    """A migration operation: on PostgreSQL, a trigger that refuses UPDATE and DELETE of every
    row of ``model_label``'s table, whoever connects (raw SQL, another program, a console).

    The only UPDATE it lets through blanks ``redactable`` text columns (set to '') and leaves
    every other column as it was: that is ``AppendOnlyQuerySet.redact``, for erasure of personal
    data; the chain covers those columns' digests, so the hashes stay valid.

    SQLite gets none: Django's ``flush`` (and so every transactional test) empties tables with
    DELETE there, which such a trigger would refuse. PostgreSQL's flush uses TRUNCATE, which row
    triggers do not see; emptying a table is seen by the verification (each parent still counts
    its rows). A future data migration that must rewrite these rows disables the trigger in its
    own transaction (``ALTER TABLE ... DISABLE TRIGGER ...``) and says why.
    """
    from django.db import migrations

    app_label, model_name = model_label.split(".")
    for column in redactable:
        if not column.isidentifier():
            raise ValueError(f"Not a column name: {column!r}")

    def names(apps):
        table = apps.get_model(app_label, model_name)._meta.db_table
        return table, f"{table}_append_only"

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table, name = names(apps)
        allow = ""
        if redactable:
            columns = ", ".join(f"'{c}'" for c in redactable)
            blanked = " AND ".join(f"(NEW.{c} = '' OR NEW.{c} = OLD.{c})" for c in redactable)
            allow = f"""
                IF TG_OP = 'UPDATE'
                   AND (to_jsonb(NEW) - ARRAY[{columns}]) = (to_jsonb(OLD) - ARRAY[{columns}])
                   AND {blanked} THEN
                    RETURN NEW;
                END IF;"""
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN{allow}
                RAISE EXCEPTION '% of % row % refused: the table is append-only',
                    TG_OP, TG_TABLE_NAME, OLD.id
                    USING ERRCODE = 'restrict_violation',
                          HINT = 'Audit rows are hash-chained; append a new row instead.';
            END;
            $$;
            CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {name}();
            """,
            params=None,  # the body's % are RAISE placeholders, not query parameters
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table, name = names(apps)
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();"
        )

    return migrations.RunPython(forwards, backwards)


def drop_write_permissions(model_label: str):
    """A migration operation: delete the add, change and delete permissions of ``model_label``
    (left from before its ``default_permissions`` became view-only), so that no user or group
    holds one."""
    from django.db import migrations

    app_label, model_name = model_label.lower().split(".")

    def forwards(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model=model_name,
            codename__in=[f"{action}_{model_name}" for action in ("add", "change", "delete")],
        ).delete()

    return migrations.RunPython(forwards, migrations.RunPython.noop)


# --- the canonical form and the chain ------------------------------------------------------


def timestamp(value: datetime | None) -> str | None:
    """A date-time as UTC ISO 8601 with microseconds and Z; the same wherever it is computed."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("Hashed date-times must be aware (USE_TZ is on).")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def text_digest(text: str) -> str:
    """SHA-256 (hex) of a text's UTF-8: what a chain covers for a redactable text field."""
    return hashlib.sha256(text.encode()).hexdigest()


EMPTY_TEXT_DIGEST = text_digest("")


# RFC 8785 orders keys by UTF-16 code units and writes numbers as ECMAScript does; for objects
# whose keys are all ASCII and whose numbers are all integers within ±(2**53 - 1) that is exactly
# what json.dumps writes with sorted keys, no spaces and no ASCII escaping (both escape only ",
# \ and U+0000..U+001F, the same way). Audit rows are such objects, so the standard library
# does the work (about four times faster than the pure-Python encoder, which matters when a
# verification hashes millions of rows); anything else goes to rfc8785. A test holds the two
# to the same bytes.
_SAFE_INTEGER = 2**53 - 1


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, str | bool):
        return True
    if isinstance(value, int):
        return -_SAFE_INTEGER <= value <= _SAFE_INTEGER
    if isinstance(value, dict):
        for key, item in value.items():
            if not (isinstance(key, str) and key.isascii() and _plain(item)):
                return False
        return True
    if isinstance(value, list | tuple):
        return all(_plain(item) for item in value)
    return False  # floats and anything else


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value``, as UTF-8 bytes."""
    if _plain(value):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode()
    return rfc8785.dumps(value)


def _json_as_stored(model_field: models.JSONField) -> Callable[[Any], Any]:
    def convert(value):
        return json.loads(json.dumps(value, cls=model_field.encoder), cls=model_field.decoder)

    return convert


def _converter(model_field: models.Field, *, stored: bool) -> Callable[[Any], Any]:
    """How one field's value enters the canonical form (None stays None)."""
    if isinstance(model_field, models.ForeignKey):
        return int
    if isinstance(model_field, models.DateTimeField):
        return timestamp
    if isinstance(model_field, models.JSONField):
        # A value read from the database is already what the database gives back.
        return _identity if stored else _json_as_stored(model_field)
    if isinstance(model_field, models.BooleanField):
        return bool
    if isinstance(model_field, models.IntegerField):
        return int
    if isinstance(model_field, models.CharField | models.TextField):
        return str
    raise TypeError(f"No canonical form for {model_field!r}")


def _identity(value: Any) -> Any:
    return value


@functools.cache
def _converters(model: type[models.Model], fields: tuple[str, ...], stored: bool) -> tuple:
    return tuple(
        (name, field.attname, _converter(field, stored=stored))
        for name in fields
        for field in [model._meta.get_field(name)]
    )


@dataclass(frozen=True)
class Chain:
    """One kind of hash chain: which rows, grouped by which parent, in which order."""

    slug: str  # for --check
    name: str  # in reports
    kind: str  # hashed tag; a new canonical form gets a new version and a migration
    model: str  # "app_label.Model" of the rows
    parent: str  # the rows' foreign key to their parent
    position: str  # 1, 2, 3 ... per parent, unique with the parent
    counter: str  # on the parent: how many rows it has
    head: str  # on the parent: the hash of its last row
    fields: tuple[str, ...]  # what the hash covers, besides @chain and @prev
    parent_fields: tuple[str, ...] = ()  # read for describe_parent
    # (text field, digest field) pairs: the hash covers the digest field, which holds the text's
    # SHA-256 from when the row was written, so the text can later be redacted (blanked for
    # privacy) without breaking the chain. ``fields`` names the digest field, not the text.
    digests: tuple[tuple[str, str], ...] = ()
    # (field, value) of the row that must follow a redaction: a redacted row without a later
    # such row (the "pseudonymised" event) is reported as removed text.
    redaction_marker: tuple[str, str] | None = None
    describe_parent: Callable[..., str] = lambda pk, *_: f"id {pk}"
    describe_row: Callable[[Mapping[str, Any]], str] = lambda row: f"row {row['pk']}"

    def canonical(
        self,
        model: type[models.Model],
        values: Mapping[str, Any],
        prev: str,
        *,
        stored: bool = False,
    ) -> bytes:
        """The canonical form (RFC 8785 JSON) of a row given as ``{attname: value}``;
        ``stored`` says the values were read from the database (JSON already as stored)."""
        # "@" keys cannot clash with field names (identifiers).
        content: dict[str, Any] = {"@chain": self.kind, "@prev": prev}
        for name, attname, convert in _converters(model, self.fields, stored):
            value = values[attname]
            content[name] = None if value is None else convert(value)
        return jcs(content)

    def digest(
        self,
        model: type[models.Model],
        values: Mapping[str, Any],
        prev: str,
        *,
        stored: bool = False,
    ) -> str:
        """SHA-256 (hex) of the canonical form of a row given as ``{attname: value}``."""
        return hashlib.sha256(self.canonical(model, values, prev, stored=stored)).hexdigest()

    def attnames(self, model: type[models.Model]) -> list[str]:
        return [model._meta.get_field(name).attname for name in self.fields]

    def seal_digests(self, row: models.Model) -> list[str]:
        """Record each redactable text's digest on ``row``; returns the digest fields set."""
        for text, digest in self.digests:
            setattr(row, digest, text_digest(getattr(row, text) or ""))
        return [digest for _text, digest in self.digests]


class ChainConflict(RuntimeError):
    """The parent's chain moved under an append that did not hold the parent's row lock."""


def append(chain: Chain, row: AppendOnlyModel, *, parent: models.Model) -> AppendOnlyModel:
    """Seal ``row`` as the next link of ``parent``'s chain and insert it.

    Every service that appends already holds ``parent`` locked (select_for_update), and
    ``parent`` is that locked instance, so its counter and head are current. The update below is
    conditional on them all the same: if some caller ever appended without the lock, the second
    of two concurrent appends updates no row (PostgreSQL re-checks the condition once the first
    commits) and fails with ChainConflict instead of forking the chain; the unique constraint
    on (parent, position) would refuse the insert as well.
    """
    position, prev = getattr(parent, chain.counter) + 1, getattr(parent, chain.head)
    seal(chain, row, parent=parent)
    moved = (
        type(parent)
        ._base_manager.filter(pk=parent.pk, **{chain.counter: position - 1, chain.head: prev})
        .update(**{chain.counter: position, chain.head: row.hash})
    )
    if moved != 1:
        setattr(parent, chain.counter, position - 1)
        setattr(parent, chain.head, prev)
        raise ChainConflict(f"{parent._meta.label} {parent.pk}: its {chain.name} changed meanwhile")
    row.save(force_insert=True)
    return row


def seal(chain: Chain, row: AppendOnlyModel, *, parent: models.Model) -> AppendOnlyModel:
    """Make ``row`` the next link of ``parent``'s chain in memory: its position, previous hash
    and hash, and the parent's counter and head moved on; nothing is written.

    ``append`` writes one row so; the deadline sweep seals the events of a batch of locked cases
    this way, then inserts the rows and writes the cases' counters and heads in one statement
    each.
    """
    position = getattr(parent, chain.counter) + 1
    prev = getattr(parent, chain.head)
    setattr(row, chain.position, position)
    row.prev_hash = prev
    chain.seal_digests(row)
    values = {name: getattr(row, name) for name in chain.attnames(type(row))}
    row.hash = chain.digest(type(row), values, prev)
    setattr(parent, chain.counter, position)
    setattr(parent, chain.head, row.hash)
    return row


def backfill(apps, chain: Chain, *, order_by: tuple[str, ...], renumber: bool) -> None:
    """For a data migration: seal the rows already there, in ``order_by`` order per parent.

    With ``renumber`` the positions are assigned 1, 2, 3 ... and the parent's counter set to the
    number of rows; otherwise the stored positions are kept and only the hashes are written.
    """
    model = apps.get_model(chain.model)
    parent_field = model._meta.get_field(chain.parent)
    parent_model = parent_field.related_model
    if isinstance(parent_model, str):
        parent_model = apps.get_model(parent_model)
    attnames = chain.attnames(model)
    parent_ids = parent_model._base_manager.order_by("pk").values_list("pk", flat=True)
    for batch in _batched(parent_ids.iterator(chunk_size=ROW_CHUNK), CHAIN_BATCH):
        rows = model._base_manager.filter(**{f"{parent_field.attname}__in": batch}).order_by(
            parent_field.attname, *order_by
        )
        heads: dict[int, tuple[int, str]] = {}
        changed = []
        for parent_id, group in itertools.groupby(
            rows, key=lambda r: getattr(r, parent_field.attname)
        ):
            prev, position = GENESIS, 0
            for row in group:
                position += 1
                if renumber:
                    setattr(row, chain.position, position)
                row.prev_hash = prev
                chain.seal_digests(row)
                row.hash = chain.digest(model, {a: getattr(row, a) for a in attnames}, prev)
                prev = row.hash
                changed.append(row)
            heads[parent_id] = (position, prev)
        sealed = [chain.position, "prev_hash", "hash", *(d for _t, d in chain.digests)]
        model._base_manager.bulk_update(changed, sealed, batch_size=ROW_CHUNK)
        for parent_id, (count, head) in heads.items():
            values = {chain.head: head}
            if renumber:
                values[chain.counter] = count
            parent_model._base_manager.filter(pk=parent_id).update(**values)


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """One thing found wrong: in which check, about what, which row, and what differs."""

    check: str
    subject: str
    row: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.subject}, {self.row}" if self.row else self.subject
        return f"{self.check}: {where}: {self.problem}"


@dataclass
class Report:
    breaks: list[Break] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    on_break: Callable[[Break], None] | None = None

    def add(self, brk: Break) -> None:
        self.breaks.append(brk)
        if self.on_break is not None:
            self.on_break(brk)

    def count(self, check: str, **numbers: int) -> None:
        self.counts[check].update(numbers)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def summary(self) -> str:
        parts = [
            f"{check}: " + ", ".join(f"{n} {what}" for what, n in numbers.items())
            for check, numbers in self.counts.items()
        ]
        verdict = "no break" if self.ok else f"{len(self.breaks)} break(s)"
        return "; ".join(parts) + f" — {verdict}."


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class _Snapshot:
    """One consistent view for a batch: rows and their parents' counters read at one instant.

    On PostgreSQL a short REPEATABLE READ, READ ONLY transaction (when not already inside one,
    as in tests); on SQLite a transaction, which holds its read lock until it ends.
    """

    def __enter__(self):
        self._atomic = transaction.atomic()
        outermost = not connection.in_atomic_block
        self._atomic.__enter__()
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return self

    def __exit__(self, *exc):
        return self._atomic.__exit__(*exc)


def verify_chain(chain: Chain, report: Report, **_options) -> None:
    """Walk every parent's chain in batches of parents and report each break."""
    model = global_apps.get_model(chain.model)
    parent_field = model._meta.get_field(chain.parent)
    parent_model = parent_field.related_model
    key = parent_field.attname
    columns = list(
        dict.fromkeys(
            [
                "pk",
                key,
                chain.position,
                "prev_hash",
                "hash",
                *chain.attnames(model),
                *(text for text, _digest in chain.digests),
                *((chain.redaction_marker[0],) if chain.redaction_marker else ()),
            ]
        )
    )
    after = None
    while True:
        with _Snapshot():
            parents = parent_model._base_manager.order_by("pk")
            if after is not None:
                parents = parents.filter(pk__gt=after)
            batch = list(
                parents.values_list("pk", chain.counter, chain.head, *chain.parent_fields)[
                    :CHAIN_BATCH
                ]
            )
            if not batch:
                return
            low, high = batch[0][0], batch[-1][0]
            rows = (
                model._base_manager.filter(**{f"{key}__gte": low, f"{key}__lte": high})
                .order_by(key, chain.position)
                .values(*columns)
                .iterator(chunk_size=ROW_CHUNK)
            )
            groups = itertools.groupby(rows, key=itemgetter(key))
            pending = next(groups, None)
            for pk, counter, head, *labels in batch:
                subject = chain.describe_parent(pk, *labels)
                if pending is not None and pending[0] == pk:
                    _walk(chain, model, subject, pending[1], counter, head, report)
                    pending = next(groups, None)
                else:
                    _walk(chain, model, subject, (), counter, head, report)
        after = high


def _walk(chain, model, subject, rows, counter, head, report) -> None:
    expected, prev, seen = 1, GENESIS, 0
    redacted: list[str] = []  # rows whose text was blanked, until a redaction marker follows
    for row in rows:
        seen += 1
        if chain.redaction_marker and row[chain.redaction_marker[0]] == chain.redaction_marker[1]:
            redacted = []
        position = row[chain.position]
        problems = []
        if position > expected:
            missing = (
                f"#{expected} is"
                if position == expected + 1
                else f"#{expected} to #{position - 1} are"
            )
            problems.append(f"it is #{position}, but {missing} missing before it")
        elif position != expected:
            problems.append(f"it is #{position} where #{expected} was expected")
        if row["prev_hash"] != prev:
            problems.append(
                f"it links to previous hash {row['prev_hash'] or '(none)'} but the row before "
                f"it has {prev or '(none: this is the first row)'}"
            )
        computed = chain.digest(model, row, row["prev_hash"], stored=True)
        if computed != row["hash"]:
            problems.append(
                f"its content does not match its hash (stored {row['hash'] or '(none)'}, "
                f"computed {computed}): it was changed after it was written"
            )
        for text, digest in chain.digests:
            if row[text]:
                if text_digest(row[text]) != row[digest]:
                    problems.append(
                        f"its {text} does not match the SHA-256 recorded when it was written "
                        f"({row[digest] or '(none)'}): it was changed after it was written"
                    )
            elif row[digest] != EMPTY_TEXT_DIGEST:
                redacted.append(f"{chain.describe_row(row)} ({text})")
        if problems:
            report.add(Break(chain.name, subject, chain.describe_row(row), "; ".join(problems)))
        # Go on from what is stored, so that one changed row is one break, not all that follow.
        prev, expected = row["hash"], position + 1
    report.count(chain.name, chains=1, rows=seen)
    if redacted and chain.redaction_marker:
        marker = chain.redaction_marker[1]
        report.add(
            Break(
                chain.name,
                subject,
                "",
                f"text was removed from {', '.join(redacted)} but no {marker} row follows: "
                "it was blanked outside a pseudonymisation",
            )
        )
    last = expected - 1
    if counter != last or head != prev:
        report.add(
            Break(
                chain.name,
                subject,
                "",
                f"it records {counter} rows ending in hash {head or '(none)'}, but the chain "
                f"ends at #{last} with hash {prev or '(none)'}: rows were removed from or added "
                "to the end",
            )
        )


@dataclass(frozen=True)
class StoredFile:
    """A file to check against the SHA-256 (and size) recorded when it was uploaded."""

    subject: str
    row: str
    file: Any  # a FieldFile
    sha256: str
    size: int | None = None


def _check_file(item: StoredFile) -> str | None:
    name = item.file.name
    if not name:
        return "no stored file is recorded for it"
    sha, size = hashlib.sha256(), 0
    try:
        with item.file.storage.open(name, "rb") as handle:
            while chunk := handle.read(FILE_READ_CHUNK):
                sha.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        return f"the file {name} is missing from storage"
    except OSError as exc:
        return f"the file {name} cannot be read: {exc}"
    problems = []
    if sha.hexdigest() != item.sha256:
        problems.append(f"its SHA-256 is {sha.hexdigest()}, recorded {item.sha256 or '(none)'}")
    if item.size is not None and size != item.size:
        problems.append(f"it has {size} bytes, recorded {item.size}")
    if problems:
        return f"the file {name} differs from what was uploaded: " + "; ".join(problems)
    return None


def verify_files(check: str, items: Iterable[StoredFile], report: Report, *, jobs: int) -> None:
    """Hash each stored file (a few at a time in threads) and report missing or changed ones."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for batch in _batched(items, FILE_BATCH):
            for item, problem in zip(batch, pool.map(_check_file, batch), strict=True):
                report.count(check, files=1)
                if problem:
                    report.add(Break(check, item.subject, item.row, problem))


# --- the registry of checks -----------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    slug: str
    run: Callable[..., None]  # run(report, *, files: bool, jobs: int)


_CHECKS: dict[str, Check] = {}


def register(slug: str):
    """Decorator for an app's ``integrity`` module: ``run(report, *, files, jobs)``."""

    def decorate(run):
        _CHECKS[slug] = Check(slug, run)
        return run

    return decorate


def register_chain(chain: Chain) -> Chain:
    _CHECKS[chain.slug] = Check(chain.slug, lambda report, **options: verify_chain(chain, report))
    return chain


def checks() -> dict[str, Check]:
    """Every registered check; each installed app's ``integrity`` module registers its own."""
    autodiscover_modules("integrity")
    return dict(sorted(_CHECKS.items()))


def verify(
    *,
    only: Iterable[str] | None = None,
    files: bool = True,
    jobs: int = 4,
    on_break: Callable[[Break], None] | None = None,
) -> Report:
    """Run the checks (all, or those named in ``only``) and return what they found."""
    available = checks()
    chosen = list(only) if only else list(available)
    unknown = set(chosen) - set(available)
    if unknown:
        raise ValueError(f"Unknown checks: {', '.join(sorted(unknown))}")
    report = Report(on_break=on_break)
    for slug in chosen:
        available[slug].run(report, files=files, jobs=jobs)
    return report
