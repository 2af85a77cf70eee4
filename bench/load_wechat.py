"""Load test of /wechat over loopback: signed WeChat messages from many simulated users, beside a bare
Starlette endpoint that only parses the XML (the ceiling on this machine).

Each server runs in its own process(es) (`serve`, on SQLite or on PostgreSQL with `--workers`); the load
generator is a light asyncio HTTP/1.1 client with keep-alive. A share of messages is sent twice at once, the
way WeChat retries, and every message must come back answered exactly once (a passive reply, or "success"
and a queued 客服 reply): the database is read afterwards to count lost and duplicated messages.

Run: .venv/bin/python bench/load_wechat.py [--seconds 30] [--users 200] [--connections 32]
                                            [--pg URL [--workers 2]]
Prints figures; asserts nothing. Nothing leaves the machine (the 客服 API base points at a closed port).
`make bench` (bench/run.py) runs it at 8 and 32 in flight on SQLite and PostgreSQL with one and two processes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import os
import random
import socket
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


def start_ours(db_url: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "UNIONBOT_DATABASE_URL": db_url,
        "UNIONBOT_WECHAT_TOKEN": TOKEN,
        "UNIONBOT_WECHAT_APPID": APPID,
        "UNIONBOT_WECHAT_SECRET": "bench-secret",
        "UNIONBOT_WECHAT_API_BASE_URL": f"http://127.0.0.1:{free_port()}/cgi-bin/",  # closed: never the internet
    }
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_serving(port: int, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Until /healthz answers 200 (every worker has built its services once the port answers)."""
    deadline = time.monotonic() + seconds
    wait_ready(port, process, seconds)
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if b" 200 " in sock.recv(200):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become healthy")


def _family(pid: int) -> list[int]:
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return pids


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the process and its children (Linux)."""
    total = 0
    for one in _family(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{one}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The largest peak resident set (VmHWM) of the process and its children, in MB (Linux)."""
    peak = 0
    for one in _family(pid):
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def reset_postgres(url: str) -> None:
    """Empty a scratch PostgreSQL database (created when missing): `serve` migrates it afresh."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    sys.path.insert(0, str(REPO))
    from storage.db import normalise_url

    target = make_url(normalise_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = create_engine(target, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


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


def summarise(name: str, result: dict[str, object], db: str | None) -> dict[str, float]:
    latencies = sorted(result["latencies"])  # type: ignore[arg-type]
    elapsed = float(result["elapsed"])  # type: ignore[arg-type]
    sent_ids: list[int] = result["sent_ids"]  # type: ignore[assignment]
    answers: dict[int, list[bytes]] = result["answers"]  # type: ignore[assignment]
    per_second = len(latencies) / elapsed
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    lost = duplicated = 0
    if db is not None:
        from sqlalchemy import create_engine, text

        sys.path.insert(0, str(REPO))
        from storage.db import normalise_url

        engine = create_engine(normalise_url(db))
        with engine.connect() as connection:
            counted = "SELECT {0}, COUNT(*) FROM {1} WHERE {2} GROUP BY {0}"
            stored = dict(
                connection.execute(
                    text(counted.format("message_id", "inbound_messages", "channel = 'wechat'"))
                ).all()
            )
            late = dict(
                connection.execute(text(counted.format("dedup_key", "outbox", "reason = 'late_reply'"))).all()
            )
        engine.dispose()
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
        f"{name:<30} {per_second:8.1f} req/s  {len(sent_ids) / elapsed:8.1f} msg/s  p50 {p50:7.1f} ms  "
        f"p99 {p99:7.1f} ms  lost {lost}  duplicated {duplicated}  late {late_total}  errors {result['errors']}",
        flush=True,
    )
    return {
        "per_second": per_second,
        "p50": p50,
        "p99": p99,
        "lost": lost,
        "duplicated": duplicated,
        "late": late_total,
        "errors": float(result["errors"]),  # type: ignore[arg-type]
    }


def run(
    kind: str,
    seconds: float,
    users: int,
    connections: int,
    retry_share: float,
    *,
    pg: str | None = None,
    workers: int = 1,
) -> dict[str, float]:
    """One server, one load: "bare" (the ceiling) or "ours" (SQLite in a temporary folder, or `pg` emptied
    first, with `workers` processes). Prints one line and returns its figures, peak RSS included."""
    with tempfile.TemporaryDirectory(prefix="unionbot-load-") as name:
        folder = Path(name)
        port = free_port()
        db = None
        if kind == "bare":
            process = start_bare(folder, port)
            label = "bare Starlette, XML only"
        else:
            if pg:
                reset_postgres(pg)
            db = pg or f"sqlite:///{folder}/bench.db"
            process = start_ours(db, port, workers)
            label = f"/wechat, PostgreSQL × {workers}" if pg else "/wechat, SQLite"
        try:
            wait_serving(port, process) if kind != "bare" else wait_ready(port, process)
            cpu_before = cpu_seconds(process.pid)
            result = asyncio.run(load(port, seconds, users, connections, retry_share))
            cpu = cpu_seconds(process.pid) - cpu_before
            rss = peak_rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=60)
        figures = summarise(f"{label} @{connections}", result, db)
        figures["rss_mb"] = rss
        # Server CPU per request: unlike req/s, it hardly moves when other work shares the machine.
        figures["cpu_ms"] = 1000 * cpu / max(len(result["latencies"]), 1)  # type: ignore[arg-type]
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--retry-share", type=float, default=0.05, help="share of messages sent twice at once"
    )
    parser.add_argument("--pg", metavar="URL", help="run ours on this scratch PostgreSQL database (emptied)")
    parser.add_argument("--workers", type=int, default=1, help="serve processes (PostgreSQL only)")
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} cores; {args.users} users over {args.connections} connections; {args.seconds:.0f} s each"
    )
    bare = run("bare", args.seconds, args.users, args.connections, 0.0)
    ours = run(
        "ours", args.seconds, args.users, args.connections, args.retry_share, pg=args.pg, workers=args.workers
    )
    print(f"ours / ceiling: {100 * ours['per_second'] / bare['per_second']:.1f} %")


if __name__ == "__main__":
    main()
