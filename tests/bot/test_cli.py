"""The command line, as outside checks and staff use it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]


def _run(
    argv: list[str], monkeypatch: pytest.MonkeyPatch | None = None, stdin: str | None = None
) -> tuple[int, str]:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out = io.StringIO()
    status = main(argv, out)
    return status, out.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/cli.db"


def test_ask_json_prints_the_contract(db: str) -> None:
    status, out = _run(["--db", db, "ask", "--json", "加班费怎么算"])
    assert status == 0
    row = json.loads(out)
    assert set(row) == {"intent", "confidence", "reply", "buttons"}
    assert row["intent"] == "labor_law"
    assert "《劳动法》第四十四条" in row["reply"]


def test_ask_reads_one_message_per_line_from_stdin(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    status, out = _run(["--db", db, "ask", "--json", "-"], monkeypatch, "你好\n工会法第三条\n")
    assert status == 0
    intents = [json.loads(line)["intent"] for line in out.splitlines()]
    assert intents == ["greeting", "union_law"]


def test_ask_with_user_continues_the_conversation_across_runs(db: str) -> None:
    _run(["--db", db, "ask", "--user", "u1", "删除我的个人信息"])
    status, out = _run(["--db", db, "ask", "--json", "--user", "u1", "算了"])
    assert status == 0
    assert json.loads(out)["intent"] == "profile_delete"


def test_history_shows_the_conversation_with_phones_masked(db: str) -> None:
    _run(["--db", db, "ask", "--user", "u2", "我电话13812345678，老板不发工资"])
    status, out = _run(["--db", db, "history", "--channel", "console", "--user", "u2", "--json"])
    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["direction"] for line in lines] == ["in", "out"]
    assert "138****5678" in lines[0]["text"] and "13812345678" not in out
    assert lines[1]["intent"] == "wage_arrears"


def test_eval_scores_a_labelled_file(tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    items.write_text(
        '{"text": "产假多少天", "intent": "labor_law", "reply_any": ["98"]}\n'
        '{"text": "你好", "intent": "greeting"}\n'
        '{"text": "你好呀", "intent": "thanks"}\n',
        encoding="utf-8",
    )
    status, out = _run(["eval", "--json", str(items)])
    report = json.loads(out)
    assert status == 0
    assert report["total"] == 3
    assert report["intent_accuracy"] == pytest.approx(2 / 3, abs=0.001)
    assert report["reply_fact_rate"] == 1.0
    assert report["misses"][0]["text"] == "你好呀"


def test_kb_check_passes_on_the_shipped_base() -> None:
    status, out = _run(["kb", "check"])
    assert status == 0, out
    assert out.strip().endswith(": ok")


def test_a_bad_database_url_is_one_line_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--db", "mysql://nowhere/x", "ask", "你好"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "unsupported database" in result.stderr


def test_an_unreachable_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--db", "postgresql://nobody@127.0.0.1:1/none", "ask", "你好"], io.StringIO())
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot open database") and err.count("\n") == 1


def test_an_unreadable_config_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text("[station\nname=", encoding="utf-8")
    status = main(["--config", str(broken), "ask", "你好"], io.StringIO())
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "config.toml" in err and err.count("\n") == 1


def test_kb_review_lists_what_to_read_again_and_counts() -> None:
    status, out = _run(["kb", "review"])
    assert status == 0, out
    assert out.strip().splitlines()[-1].endswith(" entries, 0 to review")
