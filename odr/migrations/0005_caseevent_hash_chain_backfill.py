"""Seal the case events already there: number each case's events 1, 2, 3 ... in timeline order
(created_at, then id), hash them into the case's chain, and close it on the case."""

from django.db import migrations

from core.integrity import backfill
from odr.integrity import CASE_EVENTS


def forwards(apps, schema_editor):
    backfill(apps, CASE_EVENTS, order_by=("created_at", "pk"), renumber=True)


class Migration(migrations.Migration):
    dependencies = [
        ("odr", "0004_caseevent_hash_chain"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
