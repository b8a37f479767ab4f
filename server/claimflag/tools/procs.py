"""Real service and Redis processes for the bench, the soak and the tests:
started on a free port, waited for until they answer, and stopped.

- ``Service``: any command that serves the API (``claimflag serve``,
  gunicorn, a fresh install's gunicorn), up once ``/healthz`` answers 200;
  ``running`` is the same as a ``with`` block that yields its base URL;
- ``Gunicorn``: the service under ``server/gunicorn.conf.py`` with N
  workers, rate limits off and workers never recycled (the bench and soak);
- ``RedisServer``: a ``redis-server`` of our own with the persistence the
  README asks of a settings Redis, to kill and start again on its files.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..config import GUNICORN_CONF


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen, grace: float = 30.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``grace`` seconds
    (by default well past gunicorn's ``graceful_timeout`` of 10 s)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_until(ready: Callable[[], bool], proc: subprocess.Popen, timeout: float, what: str,
               every: float = 0.2) -> None:
    """Polls ``ready`` until it holds; fails at once if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not come up in {timeout:.0f}s")
        time.sleep(every)


def healthy(base: str, timeout: float = 2.0) -> bool:
    """Whether ``GET /healthz`` answers 200."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:      # not listening yet, or too busy starting to answer in time
        return False
    finally:
        conn.close()


class Service:
    """A command serving the API on ``port``, run until ``stop``.

    ``env`` is added to this process's environment; a value of None removes
    that variable. With ``log_path``, the output goes to that file.
    """

    def __init__(self, cmd: list[str], port: int, env: dict[str, str | None], cwd=None,
                 log_path: Path | None = None):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        full_env = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
        self._log = open(log_path, "wb") if log_path else None
        self.proc = subprocess.Popen(cmd, env=full_env, cwd=cwd, stdout=self._log or subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)

    def wait_until_up(self, timeout: float = 90.0) -> None:
        self._wait(lambda: healthy(self.base), timeout)

    def _wait(self, ready: Callable[[], bool], timeout: float) -> None:
        try:
            wait_until(ready, self.proc, timeout, f"the server on {self.base}")
        except (RuntimeError, TimeoutError) as err:
            raise type(err)(f"{err}; see {self.log_path}" if self.log_path else str(err)) from None

    def stop(self) -> None:
        stop_process(self.proc)
        if self._log:
            self._log.close()


@contextmanager
def running(cmd: list[str], port: int, env: dict[str, str | None], cwd=None, log_path=None,
            timeout: float = 90.0) -> Iterator[str]:
    """Runs a server command until the block ends; yields its base URL."""
    service = Service(cmd, port, env, cwd, log_path)
    try:
        service.wait_until_up(timeout)
        yield service.base
    finally:
        service.stop()


class Gunicorn(Service):
    """gunicorn with ``server/gunicorn.conf.py`` and ``workers`` workers on a free port.

    Rate limits are off (the load would meet 429s) and workers are never
    recycled (a leak would show). ``redis_url`` None: the embedded Redis,
    in ``work``. ``env`` adds or overrides variables.
    """

    def __init__(self, workers: int, redis_url: str | None, work: Path,
                 env: dict[str, str] | None = None):
        self.workers = workers
        port = free_port()
        super().__init__(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "claimflag:create_app()"], port,
            {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers),
             "GUNICORN_MAX_REQUESTS": "0", "CLAIMFLAG_RATE_LIMIT_ENABLED": "false",
             "CLAIMFLAG_DATA_DIR": str(work / f"data-{workers}"), "CLAIMFLAG_REDIS_URL": redis_url,
             # Metrics of its own (gunicorn.conf.py makes the directory), never another server's.
             "PROMETHEUS_MULTIPROC_DIR": None,
             **(env or {})},
            log_path=work / f"gunicorn-{workers}.log")

    def wait_until_up(self, timeout: float = 120.0) -> None:
        """Until it answers and every worker has started."""
        self._wait(lambda: healthy(self.base) and len(self.worker_processes()) >= self.workers, timeout)

    def worker_processes(self) -> list:
        """The workers as psutil processes (none once the master is gone)."""
        import psutil

        try:
            return psutil.Process(self.proc.pid).children()
        except psutil.NoSuchProcess:
            return []


class RedisServer:
    """Our own redis-server (``appendonly yes``, ``appendfsync always``) with
    its files in ``directory``; ``start`` again after ``kill`` or ``stop``
    serves the same port and data."""

    def __init__(self, directory: Path):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
        self.binary = binary
        self.dir = directory
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always",
             "--maxmemory", "256mb", "--maxmemory-policy", "volatile-lru"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except (redis.ConnectionError, redis.BusyLoadingError, redis.TimeoutError):
                return False

        try:
            wait_until(answers, self.proc, 15, "redis-server", every=0.05)
        finally:
            client.close()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace=10)
        self.proc = None
