"""Signups per second under concurrency, and how many places were oversold (must be 0).

1,000 workers each sign up for 10 events (10,000 signups, every worker in a random order), from a pool of
threads that each use their own session, through storage.signups.sign_up — the same call the signup form
makes. Capacities are smaller than the crowd, so most events fill and build a waitlist.

    python bench/signup.py                                   # SQLite (a temporary file)
    python bench/signup.py --pg postgresql://postgres@127.0.0.1:5432/bench_db   # also PostgreSQL

The PostgreSQL database given is emptied first: use a scratch database.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from storage import ensure_schema, make_engine, session_scope, signups
from storage.events import EventDraft, upsert
from storage.models import Event, Signup
from storage.users import get_or_create_user

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 11, 1, 10, 0, tzinfo=TZ)


def _prepare(engine: Engine, workers: int, events: int) -> tuple[list[int], list[int]]:
    ensure_schema(engine)
    event_ids, user_ids = [], []
    with session_scope(engine) as session:
        for number in range(events):
            draft = EventDraft(
                key=f"bench-{number}",
                title=f"活动{number}",
                starts_at=datetime(2027, 12, 1 + number, 9, 0, tzinfo=TZ),
                capacity=[20, 60, 120, 200, 500][number % 5],
            )
            event = upsert(session=session, draft=draft, now=NOW).event
            assert event.id is not None
            event_ids.append(event.id)
        for number in range(workers):
            user = get_or_create_user(session=session, channel="bench", external_id=f"w{number}", now=NOW)
            assert user.id is not None
            user_ids.append(user.id)
    return event_ids, user_ids


def _run(engine: Engine, name: str, workers: int, events: int, threads: int) -> None:
    event_ids, user_ids = _prepare(engine, workers, events)
    jobs = [
        (event_id, user_id) for user_id in user_ids for event_id in random.sample(event_ids, len(event_ids))
    ]
    random.shuffle(jobs)

    def sign(job: tuple[int, int]) -> str:
        event_id, user_id = job
        with session_scope(engine) as session:
            return signups.sign_up(session=session, event_id=event_id, user_id=user_id, now=NOW).outcome

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = Counter(pool.map(sign, jobs))
    elapsed = time.perf_counter() - started

    oversold = duplicates = mismatched = 0
    with Session(engine) as session:
        for event in session.exec(select(Event)).all():
            rows = session.exec(select(Signup).where(Signup.event_id == event.id)).all()
            confirmed = sum(row.status == "confirmed" for row in rows)
            oversold += max(0, confirmed - event.capacity)
            mismatched += confirmed != event.taken
            duplicates += len(rows) - len({row.user_id for row in rows})
    print(
        f"{name:<10} {len(jobs):>6} signups, {threads} threads: {len(jobs) / elapsed:8.0f} signups/s"
        f"  ({outcomes['confirmed']} confirmed, {outcomes['waitlisted']} waitlisted)"
        f"  oversold places: {oversold}  duplicate signups: {duplicates}  taken≠confirmed: {mismatched}"
    )


def _reset_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as connection:
        SQLModel.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--pg", metavar="URL", help="a scratch PostgreSQL database (emptied first)")
    args = parser.parse_args()
    random.seed(4)
    with tempfile.TemporaryDirectory(prefix="unionbot-bench-") as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        _run(engine, "SQLite", args.workers, args.events, args.threads)
        engine.dispose()
    if args.pg:
        engine = _reset_postgres(args.pg)
        _run(engine, "PostgreSQL", args.workers, args.events, args.threads)
        engine.dispose()


if __name__ == "__main__":
    main()
