"""Give the mediators group what the case desk needs: see cases and everything in them, and act
on them through the services (mediate_case). No add, change or delete of any ODR row: every
change goes through a service, which writes the audit event."""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions, revoke_group_permissions

PERMISSIONS = [
    "odr.view_case",
    "odr.mediate_case",
    "odr.view_caseevent",
    "odr.view_message",
    "odr.view_offer",
    "odr.view_settlement",
    "odr.view_caserating",
]


def forwards(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_mediators_group"),
        ("odr", "0002_offer_payer_and_mediate_permission"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
