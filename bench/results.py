"""The results file: one entry per figure, each beside its target, with pass/fail."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Result:
    name: str
    value: float | None
    unit: str
    target: str
    passed: bool | None
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = asdict(self)
        data["pass"] = data.pop("passed")
        return data


def check(value: float | None, target: str) -> bool | None:
    """Evaluate targets such as ">= 0.6", "<= 15" or "== 0"."""
    if value is None:
        return None
    op, bound = target.split()
    bound_value = float(bound)
    return {
        ">=": value >= bound_value,
        "<=": value <= bound_value,
        "==": value == bound_value,
        "<": value < bound_value,
        ">": value > bound_value,
    }[op]


def write(
    results: list[Result], *, scale: str, suite: str = "bench", extra: dict | None = None
) -> Path:
    """Write ``results`` into latest.json, keeping the figures other suites wrote there.

    `make bench` and `make load` run separately but publish one file: each replaces only the
    entries of its own suite (``detail["suite"]``), so running one never erases the other's.
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / "latest.json"
    kept: list[dict] = []
    runs: dict = {}
    if path.exists():
        previous = json.loads(path.read_text(encoding="utf-8"))
        kept = [r for r in previous.get("results", []) if r.get("detail", {}).get("suite") != suite]
        runs = previous.get("runs", {})
    now = datetime.now(UTC).isoformat(timespec="seconds")
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    runs[suite] = {"date": now, "scale": scale, "machine": machine, **(extra or {})}
    fresh = []
    for result in results:
        entry = result.as_json()
        entry["detail"] = {**entry["detail"], "suite": suite}
        fresh.append(entry)
    payload = {"date": now, "machine": machine, "runs": runs, "results": kept + fresh}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def summary(results: list[Result]) -> str:
    lines = [f"{'benchmark':<44} {'value':>12} {'unit':<8} {'target':<10} result"]
    for r in results:
        value = "-" if r.value is None else f"{r.value:.3f}".rstrip("0").rstrip(".")
        verdict = {True: "pass", False: "MISS", None: "n/a"}[r.passed]
        lines.append(f"{r.name:<44} {value:>12} {r.unit:<8} {r.target:<10} {verdict}")
    return "\n".join(lines)
