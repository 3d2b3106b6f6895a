"""Create the mediators group. Each app adds the permissions its screens need in its own migration."""

from django.db import migrations

from accounts.roles import MEDIATORS_GROUP, grant_group_permissions

PERMISSIONS = ["accounts.view_user"]


def forwards(apps, schema_editor):
    grant_group_permissions(apps, MEDIATORS_GROUP, PERMISSIONS)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MEDIATORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
