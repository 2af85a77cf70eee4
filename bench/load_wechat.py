"""Load test of /wechat over loopback: signed WeChat messages from many simulated users, beside a bare
Starlette endpoint that only parses the XML (the ceiling on this machine).

Each server runs in its own process (uvicorn, SQLite for ours); the load generator is a light asyncio
HTTP/1.1 client with keep-alive. A share of messages is sent twice at once, the way WeChat retries, and
every message must come back answered exactly once (a passive reply, or "success" and a queued 客服 reply).

Run: .venv/bin/python bench/load_wechat.py [--seconds 30] [--users 200] [--connections 32]
Prints figures; asserts nothing. Nothing leaves the machine (the 客服 API base points at a closed port).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
APPID = "wxbench0000000000"

BARE_APP = """
from defusedxml.ElementTree import fromstring
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

async def wechat(request):
    fromstring(await request.body(), forbid_dtd=True)
    return PlainTextResponse("success")

app = Starlette(routes=[Route("/wechat", wechat, methods=["POST"])])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def start_ours(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "UNIONBOT_DATABASE_URL": f"sqlite:///{folder}/bench.db",
        "UNIONBOT_WECHAT_TOKEN": TOKEN,
        "UNIONBOT_WECHAT_APPID": APPID,
        "UNIONBOT_WECHAT_SECRET": "bench-secret",
        "UNIONBOT_WECHAT_API_BASE_URL": f"http://127.0.0.1:{free_port()}/cgi-bin/",  # closed: never the internet
    }
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_bare(folder: Path, port: int) -> subprocess.Popen[bytes]:
    (folder / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    command = [sys.executable, "-m", "uvicorn", "bare_app:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def questions() -> list[str]:
    sys.path.insert(0, str(REPO))
    from knowledge import load_knowledge

    kb = load_knowledge()
    texts = [phrasing for entry in kb.entries for phrasing in entry.phrasings]
    random.Random(5).shuffle(texts)
    return texts[:2000]


def request_bytes(port: int, user: str, text: str, msg_id: int) -> bytes:
    timestamp, nonce = str(int(time.time())), f"n{msg_id}"
    signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
    body = (
        f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()
    head = (
        f"POST /wechat?signature={signature}&timestamp={timestamp}&nonce={nonce}&openid={user} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\nContent-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, data: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(data)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        body = await self.reader.readexactly(length)
        return int(status_line.split()[1]), body


async def load(
    port: int, seconds: float, users: int, connections: int, retry_share: float
) -> dict[str, object]:
    texts = questions()
    ids = itertools.count(8_000_000_000_000_000_001)
    latencies: list[float] = []
    answers: dict[int, list[bytes]] = {}
    errors = 0
    sent_ids: list[int] = []
    deadline = time.monotonic() + seconds
    rng = random.Random(7)
    pool = [Connection(port) for _ in range(connections)]
    free: asyncio.Queue[Connection] = asyncio.Queue()
    for conn in pool:
        free.put_nowait(conn)

    async def one(data: bytes, msg_id: int) -> None:
        nonlocal errors
        conn = await free.get()
        started = time.perf_counter()
        try:
            status, body = await conn.post(data)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            conn.writer = None
            free.put_nowait(conn)
            return
        latencies.append(time.perf_counter() - started)
        free.put_nowait(conn)
        if status != 200:
            errors += 1
        answers.setdefault(msg_id, []).append(body)

    async def user_loop(number: int) -> None:
        user = f"o-bench-{number:04d}"
        while time.monotonic() < deadline:
            msg_id = next(ids)
            sent_ids.append(msg_id)
            data = request_bytes(port, user, rng.choice(texts), msg_id)
            if rng.random() < retry_share:  # WeChat's retry arriving while the first is still running
                await asyncio.gather(one(data, msg_id), one(data, msg_id))
            else:
                await one(data, msg_id)

    # Every user writes in a loop; the connection pool bounds how many requests are in flight at once.
    started = time.monotonic()
    await asyncio.gather(*(user_loop(number) for number in range(users)))
    elapsed = time.monotonic() - started
    for conn in pool:
        if conn.writer is not None:
            conn.writer.close()
    return {
        "messages": len(sent_ids),
        "requests": len(latencies),
        "elapsed": elapsed,
        "latencies": latencies,
        "answers": answers,
        "sent_ids": sent_ids,
        "errors": errors,
    }


def summarise(name: str, result: dict[str, object], db: Path | None) -> dict[str, float]:
    latencies = sorted(result["latencies"])  # type: ignore[arg-type]
    elapsed = float(result["elapsed"])  # type: ignore[arg-type]
    sent_ids: list[int] = result["sent_ids"]  # type: ignore[assignment]
    answers: dict[int, list[bytes]] = result["answers"]  # type: ignore[assignment]
    per_second = len(latencies) / elapsed
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    lost = duplicated = 0
    if db is not None:
        connection = sqlite3.connect(db)
        stored = dict(
            connection.execute(
                "SELECT message_id, COUNT(*) FROM inbound_messages WHERE channel = 'wechat' GROUP BY message_id"
            ).fetchall()
        )
        late = dict(
            connection.execute(
                "SELECT dedup_key, COUNT(*) FROM outbox WHERE reason = 'late_reply' GROUP BY dedup_key"
            ).fetchall()
        )
        connection.close()
        late_total = sum(late.values())
        for msg_id in sent_ids:
            passive = sum(1 for body in answers.get(msg_id, []) if body and body != b"success")
            queued = late.get(f"wechat:msg-{msg_id}", 0)
            times_stored = stored.get(f"msg-{msg_id}", 0)
            if passive + queued == 0 or times_stored == 0:
                lost += 1
            elif passive + queued > 1 or times_stored > 1:
                duplicated += 1
    else:
        late_total = 0
        lost = sum(1 for msg_id in sent_ids if not answers.get(msg_id))
    print(
        f"{name:<28} {per_second:8.1f} req/s  {len(sent_ids) / elapsed:8.1f} msg/s  p50 {p50:7.1f} ms  "
        f"p99 {p99:7.1f} ms  lost {lost}  duplicated {duplicated}  late {late_total}  errors {result['errors']}"
    )
    return {"per_second": per_second, "p50": p50, "p99": p99}


def run(kind: str, seconds: float, users: int, connections: int, retry_share: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="unionbot-load-") as name:
        folder = Path(name)
        port = free_port()
        process = start_ours(folder, port) if kind == "ours" else start_bare(folder, port)
        try:
            wait_ready(port, process)
            result = asyncio.run(load(port, seconds, users, connections, retry_share))
        finally:
            process.terminate()
            process.wait(timeout=30)
        label = "/wechat (ours, SQLite)" if kind == "ours" else "bare Starlette, XML only"
        return summarise(label, result, folder / "bench.db" if kind == "ours" else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--retry-share", type=float, default=0.05, help="share of messages sent twice at once"
    )
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} cores; {args.users} users over {args.connections} connections; {args.seconds:.0f} s each"
    )
    bare = run("bare", args.seconds, args.users, args.connections, 0.0)
    ours = run("ours", args.seconds, args.users, args.connections, args.retry_share)
    print(f"ours / ceiling: {100 * ours['per_second'] / bare['per_second']:.1f} %")


if __name__ == "__main__":
    main()
