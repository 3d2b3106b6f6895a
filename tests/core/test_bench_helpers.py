"""The benchmark's own helpers: reading wrk's output and judging targets."""

from __future__ import annotations

import json

import pytest

from bench import results, wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8765/bench/bare/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.43ms    1.20ms  30.11ms   90.00%
    Req/Sec     1.48k   100.00     1.70k    70.00%
  Latency Distribution
     50%    5.20ms
     75%    5.90ms
     90%    6.80ms
     99%   12.50ms
  29500 requests in 10.00s, 6.10MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   2950.00
Transfer/sec:    624.00KB
"""


def test_wrk_output_is_parsed_into_figures():
    figures = wrk.parse(WRK_OUTPUT)

    assert figures["requests_per_second"] == 2950.0
    assert figures["p50_ms"] == 5.2
    assert figures["p99_ms"] == 12.5
    assert figures["non_2xx"] == 3
    assert figures["requests"] == 29500


def test_wrk_latencies_in_seconds_are_read_with_their_padding():
    # wrk pads values in seconds ("1.12s ") to the width of "34.36ms".
    output = WRK_OUTPUT.replace("     90%    6.80ms", "     90%    1.12s ").replace(
        "     99%   12.50ms", "     99%    2.72s "
    )

    figures = wrk.parse(output)

    assert (figures["p90_ms"], figures["p99_ms"]) == (1120.0, 2720.0)


def test_wrk_refuses_any_address_but_loopback():
    with pytest.raises(ValueError, match="loopback"):
        wrk.run("http://10.0.0.5/")


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [(0.7, ">= 0.6", True), (0.5, ">= 0.6", False), (15.0, "<= 15", True), (None, "<= 1", None)],
)
def test_targets_are_judged(value, target, expected):
    assert results.check(value, target) is expected


def test_each_suite_replaces_only_its_own_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS_DIR", tmp_path)
    results.write([results.Result("api", 1.0, "ratio", ">= 0.6", True)], scale="small")
    results.write(
        [results.Result("load_5xx", 0.0, "count", "== 0", True)], scale="small", suite="load"
    )
    path = results.write([results.Result("api", 0.9, "ratio", ">= 0.6", True)], scale="full")

    payload = json.loads(path.read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in payload["results"]}
    assert set(by_name) == {"api", "load_5xx"}
    assert by_name["api"]["value"] == 0.9
    assert by_name["load_5xx"]["detail"]["suite"] == "load"
    assert payload["runs"]["bench"]["scale"] == "full"
    assert payload["runs"]["load"]["scale"] == "small"
    assert payload["machine"]["cpus"]
