"""Disclosure versions are append-only: no add/change/delete permission for anyone, and on
PostgreSQL a trigger that refuses UPDATE and DELETE."""

from django.db import migrations

from core.integrity import append_only_trigger, drop_write_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("merchants", "0005_disclosureversion_hash_chain_backfill"),
    ]

    operations = [
        drop_write_permissions("merchants.DisclosureVersion"),
        append_only_trigger("merchants.DisclosureVersion"),
    ]
