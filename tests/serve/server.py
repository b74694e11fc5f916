"""A real ``coordnet serve`` in a subprocess on a free port, for the web app's tests.

Each server is its own process, as in use: stopping it (SIGTERM, uvicorn's graceful
shutdown) closes the store, and a new one on the same file is a real restart.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["Server", "free_port", "running_server"]


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running server: its loopback address, process and log file."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """What the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def client(self, **kwargs: object) -> httpx.Client:
        """An HTTP client on the server (no proxy from the environment)."""
        return httpx.Client(base_url=self.url, trust_env=False, timeout=60, **kwargs)  # type: ignore[arg-type]


@contextmanager
def running_server(
    store: Path, *, host: str = "127.0.0.1", args: tuple[str, ...] = (), timeout: float = 90
) -> Iterator[Server]:
    """Start ``coordnet serve --store store --host host`` on a free port; stop it after."""
    port = free_port()
    log = store.with_name(f"serve-{port}.log")
    cmd = [sys.executable, "-m", "coordnet", "serve", "--store", str(store), "--host", host,
           "--port", str(port), *args]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "COORDNET_TOKEN"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}", port, proc, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"coordnet serve exited {proc.returncode}:\n{server.output()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"coordnet serve did not start:\n{server.output()}") from exc
                time.sleep(0.2)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server as Ctrl-C would (graceful), killing it if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
