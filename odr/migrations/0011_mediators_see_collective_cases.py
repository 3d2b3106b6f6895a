"""Mediators see collective cases (and, with mediate_case, make them and correct their title)."""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions, revoke_group_permissions

PERMISSIONS = ["odr.view_collectivecase"]


def forwards(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_mediators_group"),
        ("odr", "0010_collective_cases"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
