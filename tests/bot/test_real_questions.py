"""A floor under the figures on real questions (../shared/eval/real_dev.jsonl beside the repository), so that
later work cannot quietly undo them. Skipped cleanly where the evaluation file is not present."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from bot.app import Services
from bot.cli import _ask_one
from bot.evaluate import NOT_LABOUR, evaluate, load_items

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = Path(os.environ.get("UNIONBOT_EVAL_DIR") or REPO.parent / "shared" / "eval")
REAL_DEV = EVAL_DIR / "real_dev.jsonl"

# Measured figures minus a little room for harmless changes (README, "Answering real questions").
KEY_FACT_FLOOR = 0.75
ANSWERED_FLOOR = 0.87
AS_LABOUR_CEILING = 0.03


@pytest.mark.skipif(not REAL_DEV.is_file(), reason=f"{REAL_DEV} not present")
def test_real_questions_stay_above_the_floor(services: Services) -> None:
    labour_laws = {name for law in services.kb.laws if law.intent == "labor_law" for name in law.names}
    report = evaluate(
        load_items(REAL_DEV),
        lambda text: _ask_one(services, f"real-{uuid.uuid4().hex[:12]}", text, "eval"),
        labour_laws,
    )
    labour = report.groups["labour"].as_dict("labour")
    other = report.groups[NOT_LABOUR].as_dict(NOT_LABOUR)
    assert labour["key_fact"] >= KEY_FACT_FLOOR
    assert labour["answered"] >= ANSWERED_FLOOR
    assert other["answered_as_labour"] <= AS_LABOUR_CEILING
