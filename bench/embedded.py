"""How long `make run`'s embedded default takes to e-mail a new sign-up (issue 19 item 1).

Does what `make run` does, in a folder of its own and on a free port: migrate, seed_demo, then
honcho with the three processes of Procfile.dev (web, worker, beat) on the local settings, the
SQLite file, the filesystem broker and the console e-mail backend. Then signs up through the
form, as a browser does, and times how long until the verification e-mail is printed in the
console. Nothing of the checkout's own var/ is touched. Run it with:

    uv run python -m bench.embedded [--signups 5]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


class Console:
    """honcho's output, line by line, with the time each line arrived."""

    def __init__(self, stream):
        self.lines: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in stream:
            with self._lock:
                self.lines.append((time.monotonic(), line.rstrip("\n")))

    def first(self, pattern: str, after: float, timeout: float) -> tuple[float, str] | None:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            with self._lock:
                for at, line in self.lines:
                    if at >= after and regex.search(line):
                        return at, line
            time.sleep(0.02)
        return None


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sign_up(base: str, email: str) -> float:
    """Fill in the sign-up form; returns the moment the form was sent."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/register/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    sent = time.monotonic()
    answer = session.post(
        f"{base}/accounts/register/",
        data={
            "csrfmiddlewaretoken": token,
            "full_name": "Bench Signup",
            "email": email,
            "preferred_language": "en",
            "role": "consumer",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
        headers={"Referer": f"{base}/accounts/register/"},
        timeout=30,
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-up answered {answer.status_code}")
    return sent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signups", type=int, default=5)
    options = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="redress-embedded-"))
    env = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DEBUG"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "REDRESS_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'redress.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    _manage(env, "migrate", "--noinput", "-v", "0")
    started = time.monotonic()
    _manage(env, "seed_demo")
    seeded = time.monotonic() - started
    queued = len(list((var / "celery" / "queue").glob("*.msg")))
    print(f"seed_demo: {seeded:.1f} s, {queued} tasks left in the queue")

    # Procfile.dev as it is, but on a free port.
    port = _free_port()
    procfile = var / "Procfile"
    procfile.write_text(
        (ROOT / "Procfile.dev").read_text().replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    )
    honcho = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "honcho", "-f", str(procfile), "-d", str(ROOT), "start"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    console = Console(honcho.stdout)
    base = f"http://127.0.0.1:{port}"
    try:
        if console.first(r"worker\.1.*ready\.", 0, timeout=120) is None:
            raise RuntimeError("the worker never said it was ready")
        for _ in range(120):
            try:
                requests.get(f"{base}/", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        figures = []
        for n in range(options.signups):
            email = f"bench-{n}-{int(time.time())}@example.test"
            sent = _sign_up(base, email)
            printed = console.first(rf"worker\.1 .*To: {re.escape(email)}", sent, timeout=900)
            if printed is None:
                raise RuntimeError(f"no e-mail to {email} within 15 minutes")
            figures.append(printed[0] - sent)
            print(f"sign-up {n + 1}: e-mail printed by the worker {figures[-1]:.2f} s after")
            time.sleep(1.5)  # apart, so each lands at a different point of the poll
        print(
            f"{len(figures)} sign-ups: median {sorted(figures)[len(figures) // 2]:.2f} s, "
            f"max {max(figures):.2f} s"
        )
        warned = [line for _at, line in console.lines if "No hostname was supplied" in line]
        print(f"kombu's 'No hostname was supplied' in the console: {len(warned)} times")
    finally:
        # honcho and the three processes it started are in the session started above.
        os.killpg(honcho.pid, signal.SIGINT)
        try:
            honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
