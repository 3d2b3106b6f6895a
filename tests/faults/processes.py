"""Real processes for the fault tests: a private Redis, a private PostgreSQL cluster, the site
under gunicorn and a Celery worker, each started here, on its own port, and stopped here.

Never the machine's Redis (6379) or PostgreSQL (5432): other people's work runs on those.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_CI = bool(os.environ.get("CI"))
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# The settings every process started here runs with (see settings.py beside this file).
PROCESS_SETTINGS = "tests.faults.settings"


def require(condition: bool, reason: str) -> None:
    """Skip a fault test that cannot run here, except in CI, where it fails instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str, log=None) -> None:
    """Poll ``predicate`` (bounded); fail the test naming ``what`` if it never holds, with the
    tail of ``log`` (a process's output) when given."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    tail = f"\n--- {log}:\n{Path(log).read_text(errors='replace')[-4000:]}" if log else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{tail}")


def _venv_bin(name: str) -> str | None:
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else shutil.which(name)


def _stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


class PrivateRedis:
    """redis-server on its own port, without persistence: a restart comes back empty, as a
    Redis that lost its memory does, so nothing queued before the outage survives it."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        require(self.binary is not None, "redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """Gone at once, as a crashed server is (SIGKILL)."""
        if self.process is not None:
            _stop(self.process, signal.SIGKILL)
            self.process = None

    stop = kill


class PrivatePostgres:
    """A throw-away PostgreSQL 15 cluster (initdb, trust authentication) on its own port and
    data directory. As root, the server runs as the ``postgres`` user, as PostgreSQL demands."""

    def __init__(self):
        require(
            (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists(),
            f"PostgreSQL 15 server binaries are not in {PG_BIN}",
        )
        self.as_root = os.geteuid() == 0
        if self.as_root:
            require(shutil.which("runuser") is not None, "runuser is not installed")
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                require(False, "there is no postgres user to run PostgreSQL as")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="redress-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.url_for = lambda name: f"postgres://postgres@127.0.0.1:{self.port}/{name}"
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, check=check, timeout=60
        )

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c full_page_writes=off -c max_connections=50"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as in a restart by an administrator."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def psql(self, database: str, *args: str, stdin: str | None = None) -> str:
        command = [str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1"]
        done = subprocess.run(  # noqa: S603
            [*command, self.url_for(database), *args],
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def process_env(*, database_url: str, redis_url: str | None, mail_dir: Path) -> dict:
    """The environment of a server or worker started by a test."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=PROCESS_SETTINGS,
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database_url,
        FAULTS_MAIL_DIR=str(mail_dir),
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


class _Started:
    """A program of the project started by a test, its output in ``log``."""

    name = "the process"

    def __init__(self, command: list[str], env: dict, log: Path):
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT
        )

    def _alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited:\n{self.output()}")

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        _stop(self.process)
        self._log_file.close()


class Server(_Started):
    """The site under gunicorn (sync workers, as in production), on its own port."""

    name = "gunicorn"

    def __init__(self, env: dict, log: Path, *, workers: int = 2):
        gunicorn = _venv_bin("gunicorn")
        require(gunicorn is not None, "gunicorn is not installed")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        bind = f"127.0.0.1:{self.port}"
        # gunicorn's control socket lives in $HOME, shared by every gunicorn here: none.
        options = ["--timeout", "30", "--graceful-timeout", "5", "--no-control-socket"]
        super().__init__(
            [gunicorn, "config.wsgi", "--bind", bind, "--workers", str(workers), *options],
            env,
            log,
        )
        wait_until(self._answering, timeout=90, what="gunicorn to answer", log=log)

    def _answering(self) -> bool:
        """Any HTTP answer from the health endpoint: the workers have loaded the site."""
        import urllib.error
        import urllib.request

        self._alive()
        try:
            urllib.request.urlopen(f"{self.base}/api/v1/health/", timeout=5).close()  # noqa: S310
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True


class Worker(_Started):
    """``celery -A config worker`` in its own process (solo pool: the task runs in the process
    itself, so killing the process kills the task mid-way)."""

    name = "the worker"

    def __init__(self, env: dict, log: Path, name: str, *, queue: str = "celery", wait=True):
        celery = _venv_bin("celery")
        require(celery is not None, "celery is not installed")
        options = [
            "--pool=solo",
            "--loglevel=INFO",
            f"--hostname={name}@faults",
            f"--queues={queue}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        super().__init__([celery, "-A", "config", "worker", *options], env, log)
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        wait_until(self._ready, timeout=90, what="the worker to start")

    def _ready(self) -> bool:
        self._alive()
        return "ready." in self.output()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no clean-up, as the OOM killer does it."""
        _stop(self.process, signal.SIGKILL)


def send_task(broker_url: str, name: str, queue: str = "celery") -> None:
    """Send a task by name through ``broker_url``, as beat does. A bare Celery app: the test
    process's own app runs tasks inline (CELERY_TASK_ALWAYS_EAGER)."""
    from celery import Celery

    client = Celery("faults-client", broker=broker_url)
    try:
        client.send_task(name, queue=queue)
    finally:
        client.close()


def mails(mail_dir: Path) -> list[str]:
    """Every e-mail the processes sent. Django's file backend appends each message, followed by
    a line of 79 dashes, to a file named after the time and the backend (names can repeat)."""
    if not mail_dir.exists():
        return []
    separator = "\n" + "-" * 79 + "\n"
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        messages += [m for m in path.read_text(errors="replace").split(separator) if m.strip()]
    return messages
