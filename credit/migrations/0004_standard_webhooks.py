"""Webhooks in the Standard Webhooks format: each delivery gets the random id sent as webhook-id,
and every signing secret is rewritten in the standard's "whsec_<base64 of the key>" form.

The rewrite keeps each endpoint's key: the old scheme used the secret's characters as the HMAC
key, so "whsec_" + base64(those characters) is the same key, and a platform that kept the old
secret can derive the new form itself. Old secrets were all generated (64 hex characters; the
admin never let anyone type one), so the new form (94 characters) fits the column.

The id column becomes unique in the next migration, in its own transaction: PostgreSQL refuses
to alter a table while the deferred foreign-key checks of rows updated in the same transaction
are still pending.
"""

import base64
import uuid

from django.db import migrations, models

import credit.models

PREFIX = "whsec_"
BATCH = 1000  # rows per UPDATE batch; the delivery log is the credit app's longest table


def _give_each_delivery_an_id(apps, schema_editor):
    WebhookDelivery = apps.get_model("credit", "WebhookDelivery")
    pending = WebhookDelivery.objects.filter(message_id__isnull=True).only("pk")
    while batch := list(pending[:BATCH]):
        for delivery in batch:
            delivery.message_id = uuid.uuid4()
        WebhookDelivery.objects.bulk_update(batch, ["message_id"])


def _secrets_to_standard_form(apps, schema_editor):
    WebhookEndpoint = apps.get_model("credit", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.exclude(secret__startswith=PREFIX).only("secret"):
        endpoint.secret = PREFIX + base64.b64encode(endpoint.secret.encode()).decode()
        endpoint.save(update_fields=["secret"])


def _secrets_to_old_form(apps, schema_editor):
    # Only the converted secrets have an old form; one generated after the switch is random
    # bytes that the old scheme (the secret's characters as the key) cannot express.
    WebhookEndpoint = apps.get_model("credit", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.filter(secret__startswith=PREFIX).only("secret"):
        try:
            old = base64.b64decode(endpoint.secret.removeprefix(PREFIX)).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            continue
        if old.isprintable():
            endpoint.secret = old
            endpoint.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0003_snapshot_merchant_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="message_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="webhook id"),
        ),
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=models.CharField(
                default=credit.models._webhook_secret,
                help_text="Give it to the platform: any Standard Webhooks library checks the webhook-signature header with it.",
                max_length=100,
                verbose_name="signing secret",
            ),
        ),
        migrations.RunPython(_give_each_delivery_an_id, migrations.RunPython.noop),
        migrations.RunPython(_secrets_to_standard_form, _secrets_to_old_form),
    ]
