"""Case events become append-only and hash-chained (odr.integrity): the columns. Existing
events are sealed by 0005, then 0006 makes seq required and adds the guards."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("odr", "0003_mediators_case_permissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="caseevent",
            options={
                "default_permissions": ("view",),
                "ordering": ["case", "created_at", "pk"],
                "verbose_name": "case event",
                "verbose_name_plural": "case events",
            },
        ),
        migrations.AddField(
            model_name="case",
            name="events_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="case",
            name="events_head",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseevent",
            name="note_sha256",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="seq",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="created_at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False
            ),
        ),
    ]
