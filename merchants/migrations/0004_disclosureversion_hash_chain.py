"""Disclosure versions become append-only and hash-chained (merchants.integrity): the columns.
Existing versions are sealed by 0005, then 0006 adds the guards. The author of a version is
protected (SET_NULL would be an update of an append-only row)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0003_mediators_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="disclosureversion",
            options={
                "default_permissions": ("view",),
                "ordering": ["merchant", "-number"],
                "verbose_name": "disclosure version",
                "verbose_name_plural": "disclosure versions",
            },
        ),
        migrations.AddField(
            model_name="disclosureversion",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="disclosureversion",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="merchant",
            name="disclosure_head",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="disclosureversion",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name="disclosureversion",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
