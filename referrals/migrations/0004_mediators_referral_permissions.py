from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions

PERMISSIONS = [
    "referrals.view_referral",
    "referrals.add_referral",
    "referrals.change_referral",
    "referrals.view_signeddossier",
]


def grant(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_signed_dossiers_and_referrals")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
