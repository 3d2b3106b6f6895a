# The snapshots' index on merchant alone is dropped: credit_history_idx (merchant, -computed_at)
# serves every lookup by merchant. Dropped by name rather than by AlterField, which would also
# drop the partial unique index on merchant (credit_one_current_snapshot) as an index on the
# same column.

import django.db.models.deletion
from django.db import migrations, models

INDEX = "credit_creditsnapshot_merchant_id_557a0076"


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0002_mediators_view_snapshots"),
        ("merchants", "0003_mediators_permissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="creditsnapshot",
                    name="merchant",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="credit_snapshots",
                        to="merchants.merchant",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=(
                        f'CREATE INDEX {INDEX} ON "credit_creditsnapshot" ("merchant_id")'
                    ),
                ),
            ],
        ),
    ]
