"""Mediators see the shops nobody disclosed, to ask the platforms who runs them."""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions, revoke_group_permissions

PERMISSIONS = ["transparency.view_undisclosedshop"]


def forwards(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_mediators_group"),
        ("transparency", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
