"""Running wrk against a local server and reading its latency distribution."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()
    return float(number) * _UNITS[unit]


def run(
    url: str,
    *,
    connections: int = 16,
    threads: int = 2,
    seconds: int = 10,
    headers: dict[str, str] | None = None,
    script: str | None = None,
    env: dict[str, str] | None = None,
    timeout: int = 10,
) -> dict:
    """Load ``url`` (loopback only) for a bounded time; requests/s, p50/p90/p99 in ms, errors."""
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise ValueError("The benchmark only ever targets this machine's loopback address.")
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (make bench installs it with apt-get).")
    seconds = min(seconds, 30)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s"]
    cmd.append("--latency")
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    out = subprocess.run(  # noqa: S603
        cmd,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
        env={**os.environ, **(env or {})},
    )
    return parse(out.stdout)


def parse(output: str) -> dict:
    percentiles = {
        int(p): _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M)
    }
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests_per_second": rps,
        "requests": total,
        "p50_ms": percentiles.get(50),
        "p90_ms": percentiles.get(90),
        "p99_ms": percentiles.get(99),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
    }
