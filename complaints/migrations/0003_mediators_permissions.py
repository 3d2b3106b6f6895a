"""Mediators see complaints, respondents and evidence, and link respondents; they delete nothing."""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions, revoke_group_permissions

PERMISSIONS = [
    "complaints.view_complaint",
    "complaints.view_respondent",
    "complaints.view_evidenceitem",
    "complaints.change_respondent",
]


def forwards(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0002_respondent_reason_choices"),
        ("accounts", "0002_mediators_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
