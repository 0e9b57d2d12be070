"""What the benchmarks that start `minutes serve` share: a free loopback port, waiting for /healthz, and
stopping a child."""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from collections.abc import Callable

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate, and kill what does not end within ten seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """One GET on a connection of its own: (status, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for_health(proc: subprocess.Popen, port: int, log_tail: Callable[[], str], timeout: float,
                    interval: float = 0.05) -> bytes:
    """Poll GET /healthz until it answers 200, and return its body; raise with the server's log tail if
    the process exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"minutes serve exited with {proc.returncode}:\n{log_tail()}")
        try:
            status, body = get(port, "/healthz", timeout=2.0)
            if status == 200:
                return body
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(interval)
    raise RuntimeError(f"minutes serve did not answer /healthz with 200 within {timeout:.0f} s:\n{log_tail()}")
