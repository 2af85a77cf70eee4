"""Per-message latency through the whole path (pipeline + SQLite write) beside jieba.lcut alone, for the
shipped knowledge base and a synthetic 10,000-entry one, and the cold start of `python -m bot ask`.

Run: .venv/bin/python bench/latency.py   (prints figures; asserts nothing)
"""

from __future__ import annotations

import atexit
import dataclasses
import gc
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.app import Services, dialogue_policy  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.live_knowledge import LiveKnowledge  # noqa: E402
from bot.pipeline import process  # noqa: E402
from bot.plan import routine_plan, workday_calendar  # noqa: E402
from intents import Inbound, Matcher  # noqa: E402
from knowledge import FaqEntry, KnowledgeBase, load_knowledge  # noqa: E402
from storage import ensure_schema, make_engine  # noqa: E402


def messages(kb: KnowledgeBase) -> list[str]:
    dev = REPO.parent / "shared" / "eval" / "dev.jsonl"
    texts = (
        [json.loads(line)["text"] for line in dev.read_text(encoding="utf-8").splitlines()]
        if dev.exists()
        else []
    )
    rng = random.Random(7)
    phrasings = [p for entry in kb.entries for p in entry.phrasings]
    return texts + rng.sample(phrasings, 200)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def synthetic(kb: KnowledgeBase, size: int) -> KnowledgeBase:
    """kb plus generated entries whose phrasings recombine real words, so postings look like real ones."""
    rng = random.Random(11)
    matcher = Matcher(kb)
    vocabulary = sorted(
        {w for e in kb.entries for p in e.phrasings for w in matcher.content(matcher.prepare(p))}
    )
    entries = list(kb.entries)
    intents = sorted({entry.intent for entry in kb.entries})
    for number in range(size - len(entries)):
        phrasings = tuple("".join(rng.sample(vocabulary, rng.randint(2, 5))) for _ in range(5))
        entries.append(FaqEntry(f"synthetic_{number}", rng.choice(intents), phrasings, "合成条目。"))
    return dataclasses.replace(
        kb, entries=tuple(entries), by_id={e.id: e for e in entries}, fingerprint=f"synthetic-{size}"
    )


def run_path(kb: KnowledgeBase, texts: list[str], rounds: int) -> tuple[list[float], float]:
    settings = load_settings(REPO / "config.toml")
    folder = tempfile.mkdtemp(prefix="unionbot-bench-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    engine = make_engine(f"sqlite:///{folder}/bench.db")
    ensure_schema(engine)
    started = time.perf_counter()
    matcher = Matcher(kb)
    build = time.perf_counter() - started
    matcher.warm_up()
    gc.freeze()  # as bot.app.build_services does
    calendar = workday_calendar(settings)
    policy = dialogue_policy(settings, calendar)
    plan = routine_plan(settings, calendar)
    services = Services(settings, engine, LiveKnowledge(kb, matcher), policy, SystemClock(settings.tz), plan)
    clock = services.clock
    for text in texts[:20]:  # warm up: jieba dictionary, caches
        process(services, Inbound("bench", "warm", text, uuid.uuid4().hex, clock.now()))
    timings = []
    for round_number in range(rounds):
        for index, text in enumerate(texts):
            inbound = Inbound("bench", f"u{round_number}-{index % 50}", text, uuid.uuid4().hex, clock.now())
            begin = time.perf_counter()
            process(services, inbound)
            timings.append(time.perf_counter() - begin)
    return timings, build


def jieba_alone(texts: list[str], rounds: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """jieba.lcut of each text, timed by `clock` (wall time; bench/run.py also passes time.thread_time)."""
    import jieba

    jieba.lcut("预热")
    timings = []
    for _ in range(rounds):
        for text in texts:
            begin = clock()
            jieba.lcut(text)
            timings.append(clock() - begin)
    return timings


def wall(command: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        subprocess.run(command, cwd=REPO, capture_output=True, check=True)
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def main() -> None:
    kb = load_knowledge()
    texts = messages(kb)
    lcut = jieba_alone(texts, 5)
    lcut_p50 = statistics.median(lcut)
    print(
        f"messages: {len(texts)} distinct, jieba.lcut alone p50 {lcut_p50 * 1e3:.3f} ms, "
        f"p99 {percentile(lcut, 0.99) * 1e3:.3f} ms"
    )
    for label, base in (("shipped", kb), ("10,000 entries", synthetic(kb, 10_000))):
        timings, build = run_path(base, texts, 3)
        p50, p99 = statistics.median(timings), percentile(timings, 0.99)
        print(
            f"{label:>15}: {len(base.entries)} entries, index build {build:.2f} s, whole path p50 "
            f"{p50 * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms ({p50 / lcut_p50:.0f}x jieba.lcut p50)"
        )
    python = sys.executable
    folder = tempfile.mkdtemp(prefix="unionbot-bench-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    db = f"sqlite:///{folder}/cold.db"
    subprocess.run(
        [python, "-m", "bot", "--db", db, "ask", "你好"], cwd=REPO, capture_output=True, check=True
    )
    bare = wall([python, "-c", "import jieba; jieba.lcut('老板拖欠工资')"])
    cold = wall([python, "-m", "bot", "--db", db, "ask", "老板拖欠工资"])
    print(
        f"cold start: python -m bot ask {cold:.2f} s, bare import jieba + lcut {bare:.2f} s "
        f"({cold / bare:.2f}x)"
    )


if __name__ == "__main__":
    main()
