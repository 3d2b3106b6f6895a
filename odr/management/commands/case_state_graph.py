"""Print the case state machine as a Mermaid state diagram, drawn from ``odr.rules.TRANSITIONS``
alone (docs/architecture.md embeds the output; a test keeps the two equal).

One node per ``CaseState`` (its stored value); a case starts in the state a new case gets and
ends in any closed state. One edge per (source, target) pair, labelled with the actions that
take it, each followed by who takes it and, when the rule has one, its condition. Actions after
which the case stays where it is (target None) draw no edge: they are listed in a note beside
each state they may start from, grouped by who takes them, so every action of the table appears
without self-loops cluttering the drawing. Everything is sorted, so the output is stable.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand

from odr import rules
from odr.models import CLOSED_STATES, Case, CaseState


def _label(actions: list[tuple[str, rules.Transition]]) -> str:
    """``a, b (who), c (who, if condition)``: actions sorted by name, neighbours taken by the
    same actor under the same condition grouped."""
    groups: list[tuple[list[str], str, str]] = []
    for name, rule in sorted(actions, key=lambda item: item[0]):
        for names, by, condition in groups:
            if (by, condition) == (rule.by, rule.condition):
                names.append(name)
                break
        else:
            groups.append(([name], rule.by, rule.condition))
    parts = []
    for names, by, condition in groups:
        who = f"{by}, if {condition}" if condition else by
        parts.append(f"{', '.join(names)} ({who})")
    return ", ".join(parts)


def state_graph() -> str:
    """The Mermaid text, ending with a newline."""
    states = sorted(state.value for state in CaseState)
    initial = Case._meta.get_field("state").default
    edges: dict[tuple[str, str], list] = defaultdict(list)
    stays: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, rule in rules.TRANSITIONS.items():
        for source in rule.sources:
            if rule.target is None:
                stays[str(source)][rule.by].append(name)
            else:
                edges[(str(source), str(rule.target))].append((name, rule))

    lines = ["stateDiagram-v2"]
    lines += [f"    {state}" for state in states]
    lines.append(f"    [*] --> {initial}")
    for source, target in sorted(edges):
        lines.append(f"    {source} --> {target}: {_label(edges[(source, target)])}")
    lines += [f"    {state} --> [*]" for state in sorted(str(s) for s in CLOSED_STATES)]
    for state in sorted(stays):
        lines.append(f"    note right of {state}")
        lines.append("        stays:")
        for by in sorted(stays[state]):
            lines.append(f"        {', '.join(sorted(stays[state][by]))} ({by})")
        lines.append("    end note")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        "Print the case state machine (odr.rules.TRANSITIONS) as a Mermaid stateDiagram-v2, "
        "as embedded in docs/architecture.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Write the diagram to FILE instead of printing it.",
        )

    def handle(self, *args, output=None, **options):
        text = state_graph()
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"State graph written to {output}.")
            return
        self.stdout.write(text, ending="")
