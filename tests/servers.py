"""Real server processes for tests that need them: a free port, gunicorn on a
database, and waiting until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen, tries: int = 150) -> None:
    for _ in range(tries):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the server at {base} exited with {process.returncode}"
                ) from None
            time.sleep(0.1)
    raise RuntimeError(f"the server at {base} did not start")


def start_gunicorn(url: str, port: int, workers: int = 4, **env: str) -> subprocess.Popen:
    """gunicorn serving run:app on ``url``, in its own process group (so a test
    can kill it as a whole); returns once it answers /healthz."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-w",
            str(workers),
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            # A loaded CI machine runs a 5,000-row import 4x slower than this one:
            # past gunicorn's default 30 s the worker would be killed mid-import.
            "--timeout",
            "120",
            "run:app",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-server",
            "SKILLGAP_LOGIN_RATE_LIMIT": "10000 per minute",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until_up(f"http://127.0.0.1:{port}", process)
    return process


@contextmanager
def gunicorn(url: str, workers: int = 4, **env: str) -> Iterator[str]:
    """The base URL of gunicorn on ``url`` for the block, stopped afterwards."""
    port = free_port()
    process = start_gunicorn(url, port, workers, **env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
