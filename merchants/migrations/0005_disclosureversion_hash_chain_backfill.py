"""Seal the disclosure versions already there: hash each merchant's versions into its chain in
number order and close the chain on the merchant (the numbers stay as they are)."""

from django.db import migrations

from core.integrity import backfill
from merchants.integrity import DISCLOSURE_VERSIONS


def forwards(apps, schema_editor):
    backfill(apps, DISCLOSURE_VERSIONS, order_by=("number",), renumber=False)


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0004_disclosureversion_hash_chain"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
