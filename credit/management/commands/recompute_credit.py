"""Recompute the credit of every merchant (or of the merchants named) now."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from credit import services
from merchants.models import Merchant


class Command(BaseCommand):
    help = "Recompute credit snapshots: every merchant, or those given by public id."

    def add_arguments(self, parser):
        parser.add_argument(
            "public_ids", nargs="*", help="Public ids of merchants (default: all merchants)."
        )

    def handle(self, *args, public_ids: list[str], **options):
        merchant_ids = None
        if public_ids:
            try:
                wanted = {str(uuid.UUID(raw)) for raw in public_ids}
            except ValueError:
                raise CommandError("Merchant ids are UUIDs, as shown in the API.") from None
            found = dict(
                Merchant.objects.filter(public_id__in=wanted).values_list("public_id", "pk")
            )
            missing = sorted(wanted - {str(p) for p in found})
            if missing:
                raise CommandError(f"No merchant with id: {', '.join(missing)}")
            merchant_ids = list(found.values())
        result = services.credit_recompute(merchant_ids=merchant_ids)
        grades = ", ".join(f"{g}: {n}" for g, n in sorted(result.grades.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {result.merchants} merchants: {result.snapshots_written} new "
                f"snapshots, {result.grade_changes} grade changes ({grades or 'none'})."
            )
        )
