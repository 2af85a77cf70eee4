"""The dialogue's own cost per message, storage excluded: `intents.handle` timed inside the real pipeline, less
the time its database calls take, on the dev and real_dev texts (each message from a new user).

Why inside the pipeline: the dialogue reads the user's state and open tickets through the session; timing
`handle` with a real SQLite session and subtracting what `Session.execute` and `Session.flush` take leaves what
understanding and answering cost (normalising, tokenising, ranking, deciding, filling the reply). Times are the
thread's CPU time: on a shared two-core machine wall time also counts the waits for a free core.

Run: .venv/bin/python bench/dialogue_cost.py [EVAL_DIR]   (prints figures; asserts nothing)
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy.orm import Session  # noqa: E402

import bot.pipeline  # noqa: E402
from bot.app import build_services  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.pipeline import process  # noqa: E402
from intents import Inbound, Turn, TurnContext  # noqa: E402

ROUNDS = 3


class Stopwatch:
    """Time spent in `handle`, and within it in the database (Session.execute / Session.flush)."""

    def __init__(self) -> None:
        self.storage = 0.0
        self.depth = 0

    def wrap_storage(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.depth:  # nested (execute → autoflush): counted once, by the outer call
                return method(*args, **kwargs)
            self.depth += 1
            begin = time.thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                self.storage += time.thread_time() - begin
                self.depth -= 1

        return timed


def texts(folder: Path) -> dict[str, list[str]]:
    """name → message texts of each eval file found in `folder`."""
    found = {}
    for name in ("dev.jsonl", "real_dev.jsonl"):
        path = folder / name
        if path.exists():
            found[name] = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(os.environ.get("UNIONBOT_EVAL_DIR", REPO.parent / "shared" / "eval"))
    sets = texts(folder)
    if not sets:
        sys.exit(f"no dev.jsonl / real_dev.jsonl in {folder}")
    scratch = tempfile.mkdtemp(prefix="unionbot-bench-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    settings = load_settings(REPO / "config.toml", database_url=f"sqlite:///{scratch}/bench.db")
    services = build_services(settings)
    watch = Stopwatch()
    real_handle = bot.pipeline.handle  # type: ignore[attr-defined]
    own: list[float] = []

    def timed_handle(ctx: TurnContext) -> Turn:
        watch.storage = 0.0
        begin = time.thread_time()
        turn = real_handle(ctx)
        own.append(time.thread_time() - begin - watch.storage)
        return turn

    Session.execute = watch.wrap_storage(Session.execute)  # type: ignore[method-assign]
    Session.flush = watch.wrap_storage(Session.flush)  # type: ignore[method-assign]
    setattr(bot.pipeline, "handle", timed_handle)  # noqa: B010 - the pipeline calls handle through its module
    clock = services.clock
    for text in [text for group in sets.values() for text in group][:30]:  # warm up: dictionary, caches
        process(services, Inbound("bench", "warm", text, uuid.uuid4().hex, clock.now()))
    print(f"dialogue's own CPU time per message (handle less its database calls), {ROUNDS} rounds, each a new user:")
    everything: list[float] = []
    for name, group in sets.items():
        own.clear()
        for round_number in range(ROUNDS):
            for index, text in enumerate(group):
                inbound = Inbound("bench", f"u{round_number}-{index}", text, uuid.uuid4().hex, clock.now())
                process(services, inbound)
        everything += own
        long_ones = [cost for cost, text in zip(own, group * ROUNDS, strict=True) if len(text) >= 40]
        print(
            f"  {name:<15} {len(group):4d} messages: p50 {statistics.median(own) * 1e3:.2f} ms, "
            f"p90 {percentile(own, 0.9) * 1e3:.2f} ms, p99 {percentile(own, 0.99) * 1e3:.2f} ms"
            + (f"; ≥ 40 chars p50 {statistics.median(long_ones) * 1e3:.2f} ms" if long_ones else "")
        )
    print(
        f"  {'all':<15} {len(everything) // ROUNDS:4d} messages: p50 {statistics.median(everything) * 1e3:.2f} ms, "
        f"p99 {percentile(everything, 0.99) * 1e3:.2f} ms"
    )
    services.engine.dispose()


if __name__ == "__main__":
    main()
