"""The state graph in docs/architecture.md is the output of ``manage.py case_state_graph``, and
that output is the Mermaid drawing of odr.rules.TRANSITIONS."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.core.management import call_command

from odr import rules
from odr.rules import Transition

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
BLOCK = re.compile(
    r"<!-- state-graph:start -->\n```mermaid\n(.*?)```\n<!-- state-graph:end -->", re.DOTALL
)


def _graph(*args) -> str:
    out = io.StringIO()
    call_command("case_state_graph", *args, stdout=out)
    return out.getvalue()


def test_the_docs_embed_the_current_graph():
    found = BLOCK.findall(ARCHITECTURE.read_text(encoding="utf-8"))
    assert len(found) == 1, "docs/architecture.md needs one state-graph block between markers"
    assert found[0] == _graph(), (
        "The state graph in docs/architecture.md is stale: run "
        "`uv run python manage.py case_state_graph` and paste its output between "
        "<!-- state-graph:start --> and <!-- state-graph:end -->."
    )


def test_output_to_a_file(tmp_path):
    target = tmp_path / "graph.mmd"
    _graph("--output", str(target))
    assert target.read_text(encoding="utf-8") == _graph()


SMALL = {
    "open": Transition(frozenset({"submitted"}), "negotiation", "mediator"),
    "answer": Transition(frozenset({"negotiation"}), None, "merchant"),
    "nudge": Transition(frozenset({"negotiation"}), None, "system"),
    "agree": Transition(frozenset({"negotiation"}), "settled", "party"),
    "agree_both": Transition(frozenset({"negotiation"}), "settled", "party", "both agreed"),
    "pay": Transition(frozenset({"settled"}), "resolved", "consumer"),
    "quit": Transition(frozenset({"submitted", "negotiation"}), "withdrawn", "consumer"),
    "also_quit": Transition(frozenset({"submitted"}), "withdrawn", "consumer"),
}

# The drawing of SMALL, written out by hand.
SMALL_GRAPH = """stateDiagram-v2
    awaiting_merchant
    escalated
    mediation
    negotiation
    referred
    rejected
    resolved
    settled
    submitted
    withdrawn
    [*] --> submitted
    negotiation --> settled: agree (party), agree_both (party, if both agreed)
    negotiation --> withdrawn: quit (consumer)
    settled --> resolved: pay (consumer)
    submitted --> negotiation: open (mediator)
    submitted --> withdrawn: also_quit, quit (consumer)
    referred --> [*]
    rejected --> [*]
    resolved --> [*]
    withdrawn --> [*]
    note right of negotiation
        stays:
        answer (merchant)
        nudge (system)
    end note
"""


def test_the_drawing_of_a_small_table(monkeypatch):
    monkeypatch.setattr(rules, "TRANSITIONS", SMALL)
    assert _graph() == SMALL_GRAPH
