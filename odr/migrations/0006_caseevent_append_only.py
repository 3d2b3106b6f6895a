"""Case events are append-only: seq required and unique per case, no add/change/delete
permission for anyone, and on PostgreSQL a trigger that refuses UPDATE and DELETE (but the
blanking of the note, which the chain covers by its SHA-256)."""

from django.db import migrations, models

from core.integrity import append_only_trigger, drop_write_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("odr", "0005_caseevent_hash_chain_backfill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="seq",
            field=models.PositiveIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name="caseevent",
            constraint=models.UniqueConstraint(fields=("case", "seq"), name="case_event_seq_once"),
        ),
        drop_write_permissions("odr.CaseEvent"),
        append_only_trigger("odr.CaseEvent", redactable=("note",)),
    ]
