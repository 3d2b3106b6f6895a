import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0004_standard_webhooks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhookdelivery",
            name="message_id",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="webhook id"
            ),
        ),
    ]
