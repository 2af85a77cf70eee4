"""`serve` as whoever runs the server uses it: one process on SQLite, several on PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.app import Services
from bot.cli import main
from tests.conftest import PG_URL

REPO = Path(__file__).resolve().parents[2]


def test_several_processes_on_sqlite_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["--db", f"sqlite:///{tmp_path}/one.db", "serve", "--workers", "2"])
    assert status == 1
    error = capsys.readouterr().err.strip()
    assert "PostgreSQL" in error and "\n" not in error


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [child for child in children if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def test_two_processes_on_postgresql_share_the_port_and_answer_every_worker(any_services: Services) -> None:
    if any_services.engine.dialect.name != "postgresql":
        pytest.skip("several processes need PostgreSQL")
    assert PG_URL is not None
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", PG_URL, "serve", "--port", str(port), "--workers", "2"],
        cwd=REPO,
        env={key: value for key, value in os.environ.items() if not key.startswith("UNIONBOT_")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert len(_workers(server.pid)) == 2
        replies = [
            httpx.post(f"{base}/api/chat", json={"text": "加班费怎么算"}, timeout=30).json()
            for _ in range(6)
        ]
        assert all("加班" in reply["reply"] for reply in replies), replies
    finally:
        server.terminate()
        server.wait(timeout=60)
