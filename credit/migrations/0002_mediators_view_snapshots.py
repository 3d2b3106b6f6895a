"""Mediators may read credit snapshots in the admin; API keys and webhooks stay with staff
who hold explicit permissions (superusers)."""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions, revoke_group_permissions

PERMISSIONS = ["credit.view_creditsnapshot"]


def forwards(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0001_initial"),
        ("accounts", "0002_mediators_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
