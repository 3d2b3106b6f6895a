"""Lower-case the stored e-mail addresses before they become unique whatever their case.

Two accounts whose addresses differ only in case cannot both keep their address: the migration
stops and names them, so that an operator merges or renames them first (nothing is changed).
"""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower


def lowercase_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    clashes = list(
        User.objects.annotate(address=Lower("email"))
        .values("address")
        .annotate(accounts=Count("pk"))
        .filter(accounts__gt=1)
        .values_list("address", flat=True)
        .order_by("address")
    )
    if clashes:
        raise RuntimeError(
            "Cannot make e-mail addresses case-insensitive: these addresses belong to more than "
            "one account when case is ignored; merge or rename those accounts, then migrate "
            "again: " + ", ".join(clashes)
        )
    User.objects.exclude(email=Lower("email")).update(email=Lower("email"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_privacy_requests_and_erasure"),
    ]

    operations = [
        migrations.RunPython(lowercase_emails, migrations.RunPython.noop, elidable=True),
    ]
