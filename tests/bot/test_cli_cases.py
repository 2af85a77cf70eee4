"""Staff working cases and tickets from the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from tests.intents.forms.test_wage_arrears import ANSWERS


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, out), out.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/cli.db"
    for text in ["我要申请欠薪调解", *ANSWERS, "确认"]:
        _run(["--db", url, "ask", "--user", "zhang", text])
    return url


def test_list_show_assign_and_status(db: str) -> None:
    status, out = _run(["--db", db, "cases", "list", "--json"])
    [row] = [json.loads(line) for line in out.splitlines()]
    number = row["number"]
    assert status == 0 and row["status"] == "accepted" and row["amount_owed"] == 23000
    assert _run(["--db", db, "cases", "assign", number, "li", "--by", "wang"])[0] == 0
    assert _run(["--db", db, "cases", "status", number, "调解中", "--note", "已约单位", "--by", "li"])[0] == 0
    _, shown = _run(["--db", db, "cases", "show", number, "--json"])
    case = json.loads(shown)
    assert case["status"] == "mediating" and case["assigned_staff"] == "li" and not case["urgent"]
    assert [event["kind"] for event in case["history"]] == ["opened", "assigned", "status"]
    assert case["history"][-1] | {"at": None} == {
        "at": None,
        "actor": "li",
        "kind": "status",
        "from_status": "accepted",
        "to_status": "mediating",
        "note": "已约单位",
    }
    _, listed = _run(["--db", db, "cases", "list", "--status", "调解中"])
    assert number in listed


def test_a_refused_move_is_one_clear_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(["--db", db, "cases", "list", "--json"])
    number = json.loads(out)["number"]
    status, _ = _run(["--db", db, "cases", "status", number, "closed", "--note", "x"])
    assert status == 0
    status, _ = _run(["--db", db, "cases", "status", number, "mediating", "--note", "x"])
    assert status == 1
    assert capsys.readouterr().err == f"{number} 已经是已结案，不能再改状态了。\n"
    status, _ = _run(["--db", db, "cases", "status", "QX-20990101-001", "closed", "--note", "x"])
    assert status == 1 and capsys.readouterr().err == "没有找到案件 QX-20990101-001。\n"


def test_export_writes_every_case(db: str, tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    status, _ = _run(["--db", db, "cases", "export", "--xlsx", str(path)])
    sheet = load_workbook(path).active
    assert status == 0 and sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "number" and len(rows) == 2 and rows[1][9] == 23000


def test_tickets_from_the_command_line(db: str) -> None:
    _run(["--db", db, "ask", "--user", "zhang", "转人工"])
    _, listed = _run(["--db", db, "tickets", "list", "--json"])
    [ticket] = [json.loads(line) for line in listed.splitlines()]
    assert ticket["ticket"] == "T-001" and ticket["status"] == "open"
    assert _run(["--db", db, "tickets", "reply", "T-001", "明天上午给您回电话", "--by", "li"])[0] == 0
    _, thread = _run(["--db", db, "tickets", "show", "T-001"])
    assert "李老师：明天上午给您回电话" in thread
    assert _run(["--db", db, "tickets", "close", "T-001"])[0] == 0
    assert _run(["--db", db, "tickets", "list", "--json"])[1] == ""
