"""The case timeline's hash chain (one chain per case), as ``manage.py verify_integrity`` checks
it and ``odr.events.record`` extends it."""

from __future__ import annotations

from core import integrity

CASE_EVENTS = integrity.register_chain(
    integrity.Chain(
        slug="case-events",
        name="case events",
        kind="odr.caseevent/1",
        model="odr.CaseEvent",
        parent="case",
        position="seq",
        counter="events_count",
        head="events_head",
        fields=(
            "case",
            "seq",
            "kind",
            "actor",
            "from_state",
            "to_state",
            "note_sha256",
            "data",
            "created_at",
        ),
        # The note is free text (reasons, questions, summaries) that erasure blanks; the chain
        # covers its SHA-256 so the blanking leaves the chain intact and visible.
        digests=(("note", "note_sha256"),),
        redaction_marker=("kind", "pseudonymised"),
        parent_fields=("complaint__reference",),
        describe_parent=lambda pk, reference: f"case {reference or '(no reference)'} (id {pk})",
        describe_row=lambda row: f"event {row['pk']} (#{row['seq']} {row['kind']})",
    )
)
