"""Starting real service processes for tests, and waiting for them."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or busy starting
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{base} did not come up in {timeout}s")


@contextmanager
def running(cmd: list[str], port: int, env: dict[str, str | None], cwd=None, log_path=None,
            timeout: float = 90.0):
    """Runs a server command until the block ends; yields its base URL.

    `env` is added to this process's environment; a value of None removes
    that variable. With `log_path`, the server's output goes to that file.
    """
    full_env = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, env=full_env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_up(base, proc, timeout)
        except RuntimeError as err:
            raise RuntimeError(f"{err}; see {log_path}" if log_path else str(err)) from None
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log_path:
            out.close()
