"""The processes a benchmark runs against: gunicorn (bench settings) and a Celery worker.

Each is started in its own process group and stopped by that group's id, so the benchmark
never touches a process it did not start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

LOG_DIR = Path(settings.VAR_DIR) / "logs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    def __init__(self, name: str, command: list[str], env: dict | None = None):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = LOG_DIR / f"{name}.log"
        self._log = self.log_path.open("w", encoding="utf-8")
        self.popen = subprocess.Popen(  # noqa: S603
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self, timeout: float = 20.0) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=timeout)
        self._log.close()

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(encoding="utf-8").splitlines()[-lines:])


class Gunicorn(Process):
    """gunicorn serving config.wsgi with the bench settings, bound to loopback."""

    def __init__(self, *, workers: int, name: str = "gunicorn"):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        super().__init__(
            name,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--config",
                "config/gunicorn.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
            ],
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/api/v1/health/", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.tail()}")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the gunicorn master)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


class CeleryWorker(Process):
    """A Celery worker as docker-compose runs it, on the bench's Redis database."""

    def __init__(self, *, concurrency: int = 2):
        super().__init__(
            "celery-worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={concurrency}",
                "--hostname=bench@%h",
                "--without-gossip",
                "--without-mingle",
            ],
        )

    def wait_ready(self, app, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"the Celery worker exited:\n{self.tail()}")
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError(f"the Celery worker did not answer within {timeout:.0f} s")
