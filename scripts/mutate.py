"""`make mutate`: mutation testing of the modules that hold Redress's rules (cosmic-ray).

For each rule module (``MODULES`` below) cosmic-ray lists every small change its operators can
make (an operator flipped, a number moved by one, an element removed from a set or table ...),
applies them one at a time and runs the tests of that module's own app that specify it; a change
no test notices "survives". The score is the share of changes that were caught. Results go to
bench/results/mutation.json and bench/results/mutation.md (surviving changes, with the reason
each one remains where it is known).

Why a driver and not ``cosmic-ray exec`` alone:

- Speed. Starting pytest and Django takes about five seconds here, longer than most of these
  tests. A server process imports pytest and every third-party module once (never a Redress
  module), then forks a fresh child per mutant, which imports the mutated sources from disk and
  runs pytest. A run takes minutes instead of an hour.
- The rules are tables. cosmic-ray's own operators change expressions, not the contents of a
  set or a dict, so a removed transition source or tracking parameter would never be tried. The
  operators in ``EXTRA_OPERATORS`` add that (and a few others), registered as a provider of
  cosmic-ray's own plugin table.
- Isolation. Mutants are applied to a copy of the repository under ``mutants/`` (ignored by
  git), never to the working tree.

Each module has ``tests`` (fast, run for every mutant with ``-x``) and optionally ``confirm``
(slower tests of the same app, run only for a mutant the fast ones let through), so the score
is that of the app's tests, not of a hand-picked file alone.

    uv run python scripts/mutate.py                     # every module
    uv run python scripts/mutate.py credit/method.py    # some modules
    uv run python scripts/mutate.py --jobs 2            # two workers (two copies, two servers)
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "mutants"
# Redress's own packages: the server never imports them, so every child imports them fresh
# (the mutated module and everything that imported a name from it).
PROJECT_PACKAGES = {
    "config",
    "core",
    "accounts",
    "merchants",
    "complaints",
    "odr",
    "referrals",
    "credit",
    "privacy",
    "tests",
    "bench",
    "scripts",
    "manage",
}

# The rule modules, each with the tests of its own app that specify it.
MODULES: dict[str, dict[str, list[str]]] = {
    "odr/rules.py": {
        "tests": ["tests/odr/test_rules.py"],
        "confirm": ["tests/odr/test_transitions.py", "tests/odr/test_state_graph.py"],
    },
    "odr/deadlines.py": {
        "tests": ["tests/odr/test_deadlines.py"],
        "confirm": [],
    },
    "credit/method.py": {
        "tests": ["tests/credit/test_method_rules.py"],
        "confirm": ["tests/credit/test_method.py"],
    },
    "complaints/respondents.py": {
        "tests": ["tests/complaints/test_respondent_rule.py"],
        "confirm": [],
    },
    "complaints/rights.py": {
        "tests": ["tests/complaints/test_rights.py"],
        "confirm": ["tests/complaints/test_rights_intake.py"],
    },
    "merchants/normalize.py": {
        "tests": ["tests/merchants/test_normalize.py"],
        "confirm": [],
    },
    "referrals/suggestions.py": {
        "tests": ["tests/referrals/test_suggestion_rules.py"],
        "confirm": ["tests/referrals/test_suggestions.py"],
    },
}

# Surviving mutants with no observable effect, each with the reason it stays. A mutant is named
# by its module, its operator and the source line before and after the change (stripped), so a
# line number moving does not lose the entry. They are reported, and left out of the score.
_HOST_LINE = 'host = (parts.hostname or "").translate(_IDEOGRAPHIC_DOTS).rstrip(".")'
_LINK_LINE = 'found = _EMBEDDED_LINK.search(unicodedata.normalize("NFKC", text or ""))'
_PATH_LINE = (
    'path = quote(unquote(re.sub(r"/{2,}", "/", parts.path or "")), safe="/:@!$&\'()*+,;=-._~")'
)
EQUIVALENT: list[dict[str, str]] = [
    {
        "module": "complaints/rights.py",
        "operator": "redress/ReplaceString",
        "before": 'country = (country or "").upper()',
        "after": 'country = (country or "XXXX").upper()',
        "reason": "no country and an unknown code (XXXX) both get the general answer",
    },
    {
        "module": "complaints/rights.py",
        "operator": "redress/ReplaceString",
        "before": 'consumer_country=str(complaint.consumer_country or ""),',
        "after": 'consumer_country=str(complaint.consumer_country or "XXXX"),',
        "reason": "complaint_rights answers nothing before the country is given, and no "
        "country and an unknown code both get the general answer",
    },
    {
        "module": "credit/method.py",
        "operator": "core/ReplaceBinaryOperator_Div_Mul",
        "before": '"value": 1.0 / (1.0 + per_1000 / COMPLAINT_RATE_SCALE),',
        "after": '"value": 1.0 / (1.0 + per_1000 * COMPLAINT_RATE_SCALE),',
        "reason": "version 1's scale is 1.0 (docs/credit.md): dividing and multiplying by it "
        "are the same; the constant stays so that a later version can change it",
    },
    {
        "module": "credit/method.py",
        "operator": "core/NumberReplacer",
        "before": "score = min(1000, math.floor(1000 * weighted / total + 0.5))",
        "after": "score = min( 1001, math.floor(1000 * weighted / total + 0.5))",
        "reason": "every factor's value is at most 1, so the weighted mean never exceeds 1 and "
        "the cap never binds; it stays as the published bound of the scale (0-1000)",
    },
    {
        "module": "merchants/normalize.py",
        "operator": "redress/ReplaceString",
        "before": _HOST_LINE,
        "after": _HOST_LINE.replace('rstrip(".")', 'rstrip("XX.XX")'),
        "reason": "urlsplit's hostname is lower-case, so an upper-case X is never stripped",
    },
    {
        "module": "merchants/normalize.py",
        "operator": "redress/ReplaceString",
        "before": _HOST_LINE,
        "after": _HOST_LINE.replace('hostname or ""', 'hostname or "XXXX"'),
        "reason": "an address without a host is refused either way: a host without a dot is "
        "not valid, and the next line refuses it",
    },
    {
        "module": "merchants/normalize.py",
        "operator": "redress/ReplaceString",
        "before": _LINK_LINE,
        "after": _LINK_LINE.replace('text or ""', 'text or "XXXX"'),
        "reason": "no text, or XXXX, holds no link: None either way",
    },
    {
        "module": "merchants/normalize.py",
        "operator": "redress/ReplaceString",
        "before": _PATH_LINE,
        "after": _PATH_LINE.replace('safe="/', 'safe="XX/').replace('._~")', '._~XX")'),
        "reason": "quote() never escapes letters, so adding X to the safe characters changes "
        "nothing",
    },
]

PYTEST_ARGS = ["-q", "-x", "-p", "no:cacheprovider", "-p", "no:randomly", "--no-header"]


# --- extra operators ------------------------------------------------------------------------


def _extra_operators():
    """Operators cosmic-ray does not ship, for rules written as tables (imported lazily: the
    server process never needs cosmic-ray)."""
    import parso
    from cosmic_ray.operators.operator import Example, Operator

    def _display_parts(node):
        """The elements of a set/list/tuple/dict display, each as (first, last) index into the
        children of the node holding them, and that node; or None."""
        if node.type != "atom" or len(node.children) != 3:
            return None
        opening, inner, _closing = node.children
        if opening.type != "operator" or opening.value not in "([{":
            return None
        if inner.type not in ("testlist_comp", "dictorsetmaker"):
            if opening.value == "(" or inner.type == "operator":
                return None  # a parenthesised expression, not a tuple
            return node, [(1, 1)]
        if any(child.type in ("sync_comp_for", "comp_for") for child in inner.children):
            return None
        items, first = [], None
        for i, child in enumerate(inner.children):
            if child.type == "operator" and child.value == ",":
                if first is not None:
                    items.append((first, i - 1))
                first = None
            elif first is None:
                first = i
        if first is not None:
            items.append((first, len(inner.children) - 1))
        return inner, items

    class RemoveElement(Operator):
        """Remove one element of a set, list or tuple display, or one entry of a dict (with
        the comma after it; the comments before it stay)."""

        def mutation_positions(self, node):
            parts = _display_parts(node)
            if parts is None:
                return
            holder, items = parts
            # A list, not a generator: cosmic-ray asks for the next position after mutating.
            positions = [
                (holder.children[a].start_pos, holder.children[b].end_pos) for a, b in items
            ]
            yield from positions

        def mutate(self, node, index):
            holder, items = _display_parts(node)
            first, last = items[index]
            children = holder.children
            if last + 1 < len(children) and children[last + 1].get_code().strip() == ",":
                last += 1
            del children[first : last + 1]
            commas = [c for c in children if c.type == "operator" and c.value == ","]
            if node.children[0].value == "(" and children and not commas:
                children.append(parso.python.tree.Operator(",", children[-1].end_pos))
            return node

        @classmethod
        def examples(cls):
            return (
                Example("x = {1, 2}", "x = {2}"),
                Example("x = (1, 2)", "x = (1,)", occurrence=1),
                Example("x = {'a': 1, 'b': 2}", "x = {'b': 2}"),
            )

    class ReplaceInWithNotIn(Operator):
        """``in`` becomes ``not in`` and ``not in`` becomes ``in`` in a comparison."""

        def mutation_positions(self, node):
            if node.type == "comparison":
                for op in node.children[1::2]:
                    if op.get_code().strip() in ("in", "not in"):
                        yield (op.start_pos, op.end_pos)

        def mutate(self, node, index):
            ops = [
                i
                for i, op in enumerate(node.children)
                if i % 2 == 1 and op.get_code().strip() in ("in", "not in")
            ]
            i = ops[index]
            new = "in" if node.children[i].get_code().strip() == "not in" else "not in"
            node.children[i] = parso.parse(" " + new)
            return node

        @classmethod
        def examples(cls):
            return (Example("x in y", "x not in y"), Example("x not in y", "x in y"))

    def _is_docstring(leaf):
        parent = leaf.parent
        return parent is not None and parent.type == "simple_stmt" and parent.children[0] is leaf

    def _skipped_string(leaf):
        if _is_docstring(leaf):
            return True
        parent = leaf.parent
        if parent is not None and parent.type in ("testlist_comp", "dictorsetmaker", "atom"):
            return True  # an element of a table: RemoveElement takes it out instead
        # Text for people (gettext), not a rule.
        node = leaf
        climb = ("strings", "arglist", "argument", "trailer")
        while node.parent is not None and node.parent.type in climb:
            node = node.parent
        if node.parent is not None and node.parent.type == "atom_expr":
            first = node.parent.children[0]
            if first.type == "name" and first.value in ("_", "gettext", "gettext_lazy", "ngettext"):
                return True
        return False

    class ReplaceString(Operator):
        """A string constant (not a docstring, not text for gettext) gets ``XX`` around it."""

        def mutation_positions(self, node):
            if node.type == "string" and not _skipped_string(node):
                yield (node.start_pos, node.end_pos)

        def mutate(self, node, index):
            value = node.value
            start = 0
            while value[start] not in "'\"":
                start += 1
            quote = value[start] * (3 if value[start : start + 3] in ('"""', "'''") else 1)
            body = value[start + len(quote) : -len(quote)]
            node.value = value[: start + len(quote)] + "XX" + body + "XX" + quote
            return node

        @classmethod
        def examples(cls):
            return (Example("x = 'a'", "x = 'XXaXX'"),)

    class ReplaceNameArgumentWithNone(Operator):
        """A call argument that is a name or a dotted name (``S.SETTLED``, ``Role.SELLER``)
        becomes None: which member of a table a rule names."""

        def mutation_positions(self, node):
            if node.type == "argument" and len(node.children) == 3:
                value = node.children[2]  # keyword=value
            elif node.parent is not None and node.parent.type == "arglist":
                value = node
            elif (
                node.parent is not None
                and node.parent.type == "trailer"
                and node.parent.children[0].type == "operator"
                and node.parent.children[0].value == "("
                and node.parent.children[1] is node
            ):
                value = node  # a single positional argument
            else:
                return
            if _is_dotted_name(value) and value.get_code().strip() != "None":
                yield (value.start_pos, value.end_pos)

        def mutate(self, node, index):
            if node.type == "argument":
                value = node.children[2]
                node.children[2] = parso.parse(value.get_first_leaf().prefix + "None")
                return node
            return parso.parse(node.get_first_leaf().prefix + "None")

        @classmethod
        def examples(cls):
            return (Example("f(a, S.X)", "f(a, None)", occurrence=1),)

    def _is_dotted_name(node):
        if node.type == "name":
            return node.value not in ("True", "False", "None")
        if node.type != "power" and node.type != "atom_expr":
            return False
        first, *trailers = node.children
        return first.type == "name" and all(
            t.type == "trailer" and t.children[0].value == "." for t in trailers
        )

    return {
        "RemoveElement": RemoveElement,
        "ReplaceInWithNotIn": ReplaceInWithNotIn,
        "ReplaceString": ReplaceString,
        "ReplaceNameArgumentWithNone": ReplaceNameArgumentWithNone,
    }


# cosmic-ray's own operators, trimmed to one or two replacements per operator (a boundary and a
# negation) instead of every operator by every other: the same faults, a third of the runs.
CORE_OPERATORS = [
    "AddNot",
    "ExceptionReplacer",
    "NumberReplacer",
    "RemoveDecorator",
    "ReplaceAndWithOr",
    "ReplaceOrWithAnd",
    "ReplaceTrueWithFalse",
    "ReplaceFalseWithTrue",
    "ReplaceBreakWithContinue",
    "ReplaceContinueWithBreak",
    "ZeroIterationForLoop",
    "ReplaceUnaryOperator_Delete_Not",
    "ReplaceUnaryOperator_USub_UAdd",
    "ReplaceBinaryOperator_Add_Sub",
    "ReplaceBinaryOperator_Sub_Add",
    "ReplaceBinaryOperator_Mul_Div",
    "ReplaceBinaryOperator_Div_Mul",
    "ReplaceBinaryOperator_FloorDiv_Mul",
    "ReplaceBinaryOperator_Mod_FloorDiv",
    "ReplaceBinaryOperator_Pow_Mul",
    "ReplaceBinaryOperator_BitOr_BitAnd",
    "ReplaceBinaryOperator_BitAnd_BitOr",
    "ReplaceComparisonOperator_Eq_NotEq",
    "ReplaceComparisonOperator_NotEq_Eq",
    "ReplaceComparisonOperator_Lt_LtE",
    "ReplaceComparisonOperator_Lt_GtE",
    "ReplaceComparisonOperator_LtE_Lt",
    "ReplaceComparisonOperator_LtE_Gt",
    "ReplaceComparisonOperator_Gt_GtE",
    "ReplaceComparisonOperator_Gt_LtE",
    "ReplaceComparisonOperator_GtE_Gt",
    "ReplaceComparisonOperator_GtE_Lt",
    "ReplaceComparisonOperator_Is_IsNot",
    "ReplaceComparisonOperator_IsNot_Is",
]


class _Provider:
    def __init__(self, operators):
        self._operators = operators

    def __iter__(self):
        return iter(self._operators)

    def __getitem__(self, name):
        return self._operators[name]


def _in_annotation(node) -> bool:
    """Whether ``node`` is part of a type annotation: never evaluated here (every module has
    ``from __future__ import annotations``), so a change in it has no effect."""
    while node.parent is not None:
        parent = node.parent
        siblings = parent.children
        i = siblings.index(node)
        if i > 0 and siblings[i - 1].type == "operator":
            before = siblings[i - 1].value
            if before == "->" and parent.type == "funcdef":
                return True
            if before == ":" and parent.type in ("tfpdef", "annassign"):
                return True
        node = parent
    return False


def _is_star_or_slash_marker(node) -> bool:
    """``*``, ``**`` and ``/`` in a signature or a call (``f(*args)``): not arithmetic."""
    return (
        node.type == "operator"
        and node.value in ("*", "**", "/")
        and node.parent is not None
        and node.parent.type in ("parameters", "param", "argument", "star_expr", "lambdef")
    )


def _skipping_annotations(operator_class):
    class Wrapped(operator_class):
        def mutation_positions(self, node):
            if _in_annotation(node) or _is_star_or_slash_marker(node):
                return
            yield from super().mutation_positions(node)

    Wrapped.__name__ = operator_class.__name__
    return Wrapped


def _install_operators():
    import cosmic_ray.plugins
    from cosmic_ray.operators.provider import OperatorProvider

    core = OperatorProvider()
    providers = cosmic_ray.plugins.OPERATOR_PROVIDERS
    providers.clear()
    providers["core"] = _Provider({n: _skipping_annotations(core[n]) for n in CORE_OPERATORS})
    extra = _extra_operators()
    providers["redress"] = _Provider({n: _skipping_annotations(c) for n, c in extra.items()})


# --- the fork server ------------------------------------------------------------------------


def _is_project_module(name: str) -> bool:
    return name.split(".", 1)[0] in PROJECT_PACKAGES


def serve(root: Path, preload_tests: list[str]) -> None:
    """Read one JSON request a line from stdin, fork a child that runs pytest on it in
    ``root``, answer {"code": exit code or None on timeout, "seconds": ...}."""
    os.chdir(root)
    sys.path.insert(0, str(root))
    sys.dont_write_bytecode = True
    out = sys.stdout
    sys.stdout = sys.stderr  # whatever the preloads print does not garble the answers
    # Which modules a run imports: collect once in a child, then import the third-party ones.
    with tempfile.NamedTemporaryFile("r", suffix=".json") as listing:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 1
            try:
                import pytest

                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                pytest.main(["--collect-only", *PYTEST_ARGS, *preload_tests])
                Path(listing.name).write_text(json.dumps(list(sys.modules)))
                code = 0
            finally:
                os._exit(code)
        os.waitpid(pid, 0)
        names = json.loads(Path(listing.name).read_text() or "[]")
    for name in names:
        if _is_project_module(name) or name == "__main__":
            continue
        with contextlib.suppress(BaseException):
            importlib.import_module(name)
    for name in [n for n in sys.modules if _is_project_module(n)]:
        del sys.modules[name]  # a preload that pulled one in: the child imports it afresh
    import django.apps

    assert not django.apps.apps.ready, "the server must not set Django up"
    print(json.dumps({"ready": True, "preloaded": len(names)}), file=out, flush=True)

    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 3
            try:
                os.setsid()
                log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(log, 1)
                os.dup2(log, 2)
                import pytest

                code = int(pytest.main([*PYTEST_ARGS, *request["tests"]]))
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        code = None
        deadline = started + request["timeout"]
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.02)
        answer = {"code": code, "seconds": round(time.monotonic() - started, 2)}
        print(json.dumps(answer), file=out, flush=True)


class Server:
    def __init__(self, root: Path, preload_tests: list[str]):
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.root = root
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(root), *preload_tests],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            cwd=root,
        )
        hello = self._read(timeout=600)
        if not hello or not hello.get("ready"):
            raise RuntimeError("the mutation test server did not start")

    def _read(self, timeout: float):
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.process.stdout.readline()
        return json.loads(line) if line else None

    def run(self, tests: list[str], timeout: float, log: Path) -> dict:
        request = {"tests": tests, "timeout": timeout, "log": str(log)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self._read(timeout=timeout + 60)
        if answer is None:
            raise RuntimeError("the mutation test server stopped answering")
        return answer

    def close(self):
        with contextlib.suppress(Exception):
            self.process.stdin.close()
            self.process.wait(timeout=30)


# --- the driver -----------------------------------------------------------------------------


def _copy_repository(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "var", "mutants", "node_modules", "__pycache__", "*.pyc",
        ".ruff_cache", ".pytest_cache", "test-results", "bench/data",
    )  # fmt: skip
    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)


def _line_pair(diff: str) -> tuple[str, str]:
    removed = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("-") and ln[1:2] != "-"]
    added = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and ln[1:2] != "+"]
    return (" ".join(removed), " ".join(added))


def _equivalent_reason(module: str, operator: str, diff: str) -> str | None:
    before, after = _line_pair(diff)
    for entry in EQUIVALENT:
        if (
            entry["module"] == module
            and entry["operator"] == operator
            and entry["before"] == before
            and entry["after"] == after
        ):
            return entry["reason"]
    return None


def mutate_module(module: str, server: Server, copy: Path, logs: Path) -> dict:
    """Every mutant of ``module`` (a path relative to the repository), tried in ``copy``."""
    import cosmic_ray.mutating
    from cosmic_ray.commands import execute, init
    from cosmic_ray.config import ConfigDict
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    spec = MODULES[module]
    started = time.monotonic()
    baseline = server.run(spec["tests"], timeout=900, log=logs / "baseline.log")
    if baseline["code"] != 0:
        raise RuntimeError(f"{module}: the tests fail before any mutation, see {logs}")
    timeout = max(10.0, 5 * baseline["seconds"] + 5)
    confirm_timeout = 0.0
    if spec["confirm"]:
        confirmed = server.run(spec["confirm"], timeout=1800, log=logs / "baseline-confirm.log")
        if confirmed["code"] != 0:
            raise RuntimeError(f"{module}: the confirming tests fail unmutated, see {logs}")
        confirm_timeout = max(20.0, 3 * confirmed["seconds"] + 10)

    counter = {"n": 0, "timeouts": 0}

    def run_tests(command, _timeout):
        counter["n"] += 1
        log = logs / f"{counter['n']:04d}.log"
        answer = server.run(spec["tests"], timeout=timeout, log=log)
        if answer["code"] == 0 and spec["confirm"]:
            answer = server.run(spec["confirm"], timeout=confirm_timeout, log=log)
        if answer["code"] is None:
            return TestOutcome.KILLED, "timeout"
        outcome = TestOutcome.SURVIVED if answer["code"] == 0 else TestOutcome.KILLED
        return outcome, log.read_text(errors="replace")[-4000:] if log.exists() else ""

    cosmic_ray.mutating.run_tests = run_tests
    session = logs / "session.sqlite"
    config = ConfigDict(
        {
            "module-path": module,
            "timeout": timeout,
            "excluded-modules": [],
            "test-command": "redress-fork-server",
            "distributor": {"name": "local"},
        }
    )
    os.chdir(copy)
    with use_db(str(session), WorkDB.Mode.create) as db:
        init([Path(module)], db, {})
        execute(db, config)
        rows = list(db.completed_work_items)

    result = {"module": module, "tests": spec["tests"], "confirm": spec["confirm"]}
    killed = survived = timeouts = incompetent = equivalent = 0
    surviving = []
    for item, outcome in rows:
        mutation = item.mutations[0]
        if outcome.worker_outcome in (WorkerOutcome.NO_TEST, WorkerOutcome.SKIPPED):
            continue
        if outcome.test_outcome == TestOutcome.INCOMPETENT:
            incompetent += 1
            continue
        if outcome.test_outcome == TestOutcome.KILLED:
            if outcome.output == "timeout":
                timeouts += 1
            else:
                killed += 1
            continue
        diff = outcome.diff or ""
        operator = mutation.operator_name
        reason = _equivalent_reason(module, operator, diff)
        if reason:
            equivalent += 1
        else:
            survived += 1
        before, after = _line_pair(diff)
        surviving.append(
            {
                "line": mutation.start_pos[0],
                "operator": operator,
                "before": before,
                "after": after,
                "equivalent": reason,
            }
        )
    caught = killed + timeouts
    result |= {
        "total": caught + survived + equivalent,
        "killed": killed,
        "timeout": timeouts,
        "survived": survived,
        "equivalent": equivalent,
        "incompetent": incompetent,
        # Equivalent mutants (no observable effect) are left out: no test can catch them.
        "score": round(100.0 * caught / (caught + survived), 1) if caught + survived else 100.0,
        "seconds": round(time.monotonic() - started, 1),
        "surviving": sorted(surviving, key=lambda s: (s["line"], s["operator"])),
    }
    return result


def run_worker(modules: list[str], copy: Path) -> list[dict]:
    _install_operators()
    _copy_repository(copy)
    preload = sorted({t for m in modules for t in MODULES[m]["tests"]})
    server = Server(copy, preload)
    results = []
    try:
        for module in modules:
            logs = copy / ".mutation" / module.replace("/", "_")
            logs.mkdir(parents=True, exist_ok=True)
            print(f"mutating {module} ...", flush=True)
            result = mutate_module(module, server, copy, logs)
            print(
                f"  {module}: {result['total']} mutants, {result['killed']} killed, "
                f"{result['timeout']} timeouts, {result['survived']} survived, "
                f"{result['equivalent']} equivalent: {result['score']} % "
                f"({result['seconds']} s)",
                flush=True,
            )
            results.append(result)
    finally:
        server.close()
    return results


def _markdown(report: dict) -> str:
    lines = [
        "# Mutation testing of the rule modules",
        "",
        f"`make mutate`, {report['date']}, {report['jobs']} worker(s), "
        f"{report['seconds'] / 60:.1f} minutes end to end. Score = mutants caught (killed or "
        "timed out) / mutants caught or survived; equivalent mutants (no observable effect, "
        "listed with their reason in `scripts/mutate.py`) are left out. See the README's "
        "development section.",
        "",
        "| module | tests | mutants | killed | timeout | survived | equivalent | score |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in report["modules"]:
        tests = ", ".join(f"`{t}`" for t in r["tests"] + r["confirm"])
        lines.append(
            f"| `{r['module']}` | {tests} | {r['total']} | {r['killed']} | {r['timeout']} | "
            f"{r['survived']} | {r['equivalent']} | {r['score']} % |"
        )
    for r in report["modules"]:
        if not r["surviving"]:
            continue
        lines += ["", f"## `{r['module']}`: surviving mutants", ""]
        for s in r["surviving"]:
            why = s["equivalent"] or "not explained yet: no test pins this down"
            lines.append(
                f"- line {s['line']} ({s['operator']}): `{s['before']}` → `{s['after']}` — {why}"
            )
    return "\n".join(lines) + "\n"


def _shares(modules: list[str], jobs: int) -> list[list[str]]:
    seconds = {}
    previous = RESULTS / "mutation.json"
    if previous.exists():
        seconds = {r["module"]: r["seconds"] for r in json.loads(previous.read_text())["modules"]}
    shares: list[list[str]] = [[] for _ in range(jobs)]
    loads = [0.0] * jobs
    for module in sorted(modules, key=lambda m: -seconds.get(m, 60.0)):
        least = loads.index(min(loads))
        shares[least].append(module)
        loads[least] += seconds.get(module, 60.0)
    return shares


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: all)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATE_JOBS", "1")))
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve), args.modules)
        return 0
    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"not a rule module: {', '.join(unknown)} (see MODULES)")
    if args.worker:
        results = run_worker(modules, WORK / f"w{args.worker}")
        (WORK / f"w{args.worker}.json").write_text(json.dumps(results))
        return 0

    started = time.monotonic()
    WORK.mkdir(exist_ok=True)
    jobs = max(1, min(args.jobs, 2, len(modules)))
    if jobs == 1:
        results = run_worker(modules, WORK / "w0")
    else:
        # Two workers, each with its own copy and server; modules dealt out by their time in
        # the last run (longest first, each to the less loaded worker).
        shares = _shares(modules, jobs)
        workers = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and script
                [sys.executable, str(Path(__file__).resolve()), "--worker", str(i), *share]
            )
            for i, share in enumerate(shares)
        ]
        if any(w.wait() != 0 for w in workers):
            return 1
        by_module = {
            r["module"]: r
            for i in range(jobs)
            for r in json.loads((WORK / f"w{i}.json").read_text())
        }
        results = [by_module[m] for m in modules]

    report = {
        "date": time.strftime("%Y-%m-%d"),
        "jobs": jobs,
        "seconds": round(time.monotonic() - started, 1),
        "modules": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    # A run over some modules keeps the others' last results.
    previous = RESULTS / "mutation.json"
    if previous.exists() and args.modules:
        old = json.loads(previous.read_text())
        kept = [r for r in old.get("modules", []) if r["module"] not in modules]
        report["modules"] = sorted(kept + results, key=lambda r: list(MODULES).index(r["module"]))
    previous.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "mutation.md").write_text(_markdown(report))
    print(f"written {previous.relative_to(ROOT)} and bench/results/mutation.md")
    low = [r["module"] for r in results if r["score"] < 90]
    if low:
        print(f"below 90 %: {', '.join(low)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
