"""Mediators review the narratives consumers agreed to publish, before they appear."""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions, revoke_group_permissions

PERMISSIONS = ["transparency.view_narrativereview", "transparency.change_narrativereview"]


def forwards(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_mediators_group"),
        ("transparency", "0003_open_complaint_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
