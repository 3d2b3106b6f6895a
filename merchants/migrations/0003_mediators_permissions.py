"""Give the mediators group what the merchant screens need: view merchants, their versions,
proposals, documents and verification events; change merchants (which covers reviewing
proposals, verifying, and editing shops, links and representatives). No delete."""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions, revoke_group_permissions

PERMISSIONS = [
    "merchants.view_merchant",
    "merchants.change_merchant",
    "merchants.view_disclosureversion",
    "merchants.view_disclosureproposal",
    "merchants.view_verificationdocument",
    "merchants.view_verificationevent",
]


def forwards(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


def backwards(apps, schema_editor):
    revoke_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0002_verification_events"),
        ("accounts", "0002_mediators_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
