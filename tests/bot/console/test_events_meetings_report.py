"""The console's events, meetings and monthly pack pages over real HTTP."""

from __future__ import annotations

import io
from datetime import datetime

import httpx
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import Services
from bot.scheduler import Scheduler
from storage import session_scope
from storage.models import Outbox, StaffAudit
from tests.bot.console.conftest import PASSWORDS, csrf_of, sign_in
from tests.support.clock import SHANGHAI, FixedClock
from tests.support.live_server import LiveServer

CALLIGRAPHY = {
    "title": "职工书法班",
    "aliases": "书法班\n书法课",
    "starts_at": "2026-12-05T14:00",
    "ends_at": "2026-12-05T16:00",
    "signup_deadline": "",
    "place": "服务站二楼活动室",
    "capacity": "1",
    "description": "笔墨纸砚由工会准备",
}


def _chat(client: httpx.Client, text: str) -> dict[str, object]:
    response = client.post("/api/chat", json={"text": text})
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def _sign_up(worker: httpx.Client, name: str, phone: str, *, full: bool = False) -> None:
    # A full event says so first; typing the button's label (as WeChat users must) joins the waitlist.
    for text in ["报名书法班", *(["排候补"] if full else []), name, phone, "月坛科技公司", "同意"]:
        _chat(worker, text)


def _create(staff: httpx.Client, **changes: str) -> httpx.Response:
    form = staff.get("/staff/events/new")
    return staff.post("/staff/events/new", data={"csrf": csrf_of(form.text), **CALLIGRAPHY, **changes})


def _outbox(services: Services, reason: str) -> list[Outbox]:
    with session_scope(services.engine) as session:
        return [row for row in session.exec(select(Outbox)).all() if row.reason == reason]


def test_an_event_made_in_the_console_takes_signups_in_chat_and_lists_the_waitlist(
    server: LiveServer, wang: httpx.Client
) -> None:
    created = _create(wang)
    assert "活动已保存" in created.text and "职工书法班" in created.text
    event_url = created.url.path
    with httpx.Client(base_url=server.url) as first, httpx.Client(base_url=server.url) as second:
        _sign_up(first, "张三", "13812345678")
        _sign_up(second, "李四", "13987654321", full=True)
        page = wang.get(event_url).text
        signed = page.split('id="signups"')[1].split('id="waitlist"')[0]
        assert "张三" in signed and "13812345678" in signed and "李四" not in signed
        assert "候补第1位" in page.split('id="waitlist"')[1] and "李四" in page.split('id="waitlist"')[1]
        # One more place: the first waiting worker moves up and is told in chat.
        edit = wang.get(event_url + "/edit").text
        assert 'value="职工书法班"' in edit
        wang.post(event_url + "/edit", data={"csrf": csrf_of(edit), **CALLIGRAPHY, "capacity": "2"})
        assert "李四" in wang.get(event_url).text.split('id="signups"')[1].split('id="waitlist"')[0]
        assert any("职工书法班" in notice for notice in _chat(second, "好的")["notices"])  # type: ignore[union-attr]
        export = wang.get(event_url + "/signups.xlsx")
        sheet = load_workbook(io.BytesIO(export.content)).active
        assert sheet is not None
        assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["姓名", "张三", "李四"]
        # Calling it off tells both workers why.
        page = wang.get(event_url).text
        cancelled = wang.post(event_url + "/cancel", data={"csrf": csrf_of(page), "reason": "老师临时生病"})
        assert "已通知所有报名的职工" in cancelled.text
        for worker in (first, second):
            assert any("老师临时生病" in notice for notice in _chat(worker, "你好")["notices"])  # type: ignore[union-attr]
        assert "已取消" in wang.get("/staff/events?show=all").text


def test_bad_event_forms_are_refused_with_what_to_fix_and_keep_what_was_typed(wang: httpx.Client) -> None:
    no_time = _create(wang, starts_at="")
    assert no_time.status_code == 400 and "开始时间" in no_time.text and 'value="服务站二楼活动室"' in no_time.text
    assert "早于开始时间" in _create(wang, ends_at="2026-12-05T09:00").text
    assert "已经过去" in _create(wang, starts_at="2026-11-01T09:00").text
    assert "整数" in _create(wang, capacity="很多").text
    assert "还没有活动" in wang.get("/staff/events").text


def test_closing_stops_chat_signups_and_an_empty_cancel_reason_is_refused(
    server: LiveServer, wang: httpx.Client, services: Services
) -> None:
    event_url = _create(wang, capacity="30").url.path
    page = wang.get(event_url).text
    refused = wang.post(event_url + "/cancel", data={"csrf": csrf_of(page), "reason": "  "})
    assert "请写上原因" in refused.text and "报名中" in refused.text
    closed = wang.post(event_url + "/close", data={"csrf": csrf_of(page)})
    assert "已停止报名" in closed.text
    with httpx.Client(base_url=server.url) as worker:
        reply = _chat(worker, "报名书法班")
        assert "张三" not in str(reply) and "姓名" not in str(reply.get("text"))
    actions = _audit(services)
    assert "event_create" in actions and "event_close" in actions and "event_cancel" not in actions


def test_a_weekly_event_opens_its_next_sessions(wang: httpx.Client) -> None:
    created = _create(wang, repeat_weekly="1", title="午间八段锦", aliases="八段锦")
    assert "每周一次" in created.text
    listing = wang.get("/staff/events").text
    assert listing.count("午间八段锦") >= 3


def _audit(services: Services) -> list[str]:
    with session_scope(services.engine) as session:
        return [row.action for row in session.exec(select(StaffAudit)).all()]


def test_the_meetings_page_marks_make_up_days_and_a_moved_meeting_is_reminded_with_its_reason(
    wang: httpx.Client, services: Services, clock: FixedClock
) -> None:
    page = wang.get("/staff/meetings").text
    assert "晨会" in page and "政治业务学习" in page and "月例会" in page
    # The Tuesday study of 12-01 14:30 moves to Wednesday 12-02 15:00.
    usual = datetime(2026, 12, 1, 14, 30, tzinfo=SHANGHAI)
    study = next(line for line in page.split('name="usual_at" value="')[1:] if line.startswith(usual.isoformat()))
    assert study
    moved = wang.post("/staff/meetings/move", data={
        "csrf": csrf_of(page), "routine": "weekly_study", "usual_at": usual.isoformat(),
        "moved_to": "2026-12-02T15:00", "reason": "区总工会12月1日下午开会",
    })
    assert "已改期" in moved.text and "区总工会12月1日下午开会" in moved.text
    refused = wang.post("/staff/meetings/move", data={
        "csrf": csrf_of(page), "routine": "weekly_study", "usual_at": usual.isoformat(),
        "moved_to": "2026-12-03T15:00", "reason": "",
    })
    assert "请写上原因" in refused.text
    clock.current = datetime(2026, 12, 1, 14, 0, tzinfo=SHANGHAI)  # the usual reminder time: nothing for it
    Scheduler(services).send_routine_reminders()
    assert not [row for row in _outbox(services, "routine_reminder") if "政治业务学习" in row.text]
    clock.current = datetime(2026, 12, 2, 14, 10, tzinfo=SHANGHAI)
    Scheduler(services).send_routine_reminders()
    study_reminders = [row for row in _outbox(services, "routine_reminder") if "政治业务学习" in row.text]
    assert study_reminders and all("区总工会12月1日下午开会" in row.text for row in study_reminders)
    assert all("12月2日" in row.text for row in study_reminders)


def test_moving_a_meeting_already_reminded_tells_those_reminded(
    server: LiveServer, services: Services, clock: FixedClock
) -> None:
    clock.current = datetime(2026, 12, 1, 13, 45, tzinfo=SHANGHAI)
    Scheduler(services).send_routine_reminders()
    reminded = [row for row in _outbox(services, "routine_reminder") if "政治业务学习" in row.text]
    assert reminded
    with httpx.Client(base_url=server.url, follow_redirects=True) as wang:
        sign_in(wang, "wang", PASSWORDS["wang"])
        page = wang.get("/staff/meetings").text
        wang.post("/staff/meetings/move", data={
            "csrf": csrf_of(page), "routine": "weekly_study",
            "usual_at": datetime(2026, 12, 1, 14, 30, tzinfo=SHANGHAI).isoformat(),
            "moved_to": "2026-12-01T16:30", "reason": "会议室漏水",
        })
    notices = _outbox(services, "routine_moved")
    assert {row.recipient for row in notices} == {row.recipient for row in reminded}
    assert all("16:30" in row.text and "会议室漏水" in row.text for row in notices)
    clock.advance(hours=2)
    Scheduler(services).send_routine_reminders()
    assert len([row for row in _outbox(services, "routine_reminder") if "16:30" in row.text]) == len(reminded)


def test_the_monthly_pack_shows_any_month_and_downloads(server: LiveServer, wang: httpx.Client) -> None:
    with httpx.Client(base_url=server.url) as worker:
        _chat(worker, "加班费怎么算")
    assert wang.get("/staff/report").url.path == "/staff/report/2026-10"
    page = wang.get("/staff/report/2026-11")
    assert page.status_code == 200 and "2026年11月" in page.text and "<table>" in page.text
    assert 'src="/staff/report/2026-11/chart.png"' in page.text
    chart = wang.get("/staff/report/2026-11/chart.png")
    assert chart.headers["content-type"] == "image/png" and chart.content[:4] == b"\x89PNG"
    download = wang.get("/staff/report/2026-11.md")
    assert "attachment" in download.headers["content-disposition"] and "2026年11月" in download.text
    assert wang.get("/staff/report/2027-01").status_code == 404  # not yet
    assert wang.get("/staff/report/2026-13").status_code == 404
    assert wang.get("/staff/report", params={"month": "<script>"}).status_code == 400


def test_around_national_day_the_calendar_marks_days_off_the_make_up_saturday_and_the_late_monthly_meeting(
    server: LiveServer, clock: FixedClock
) -> None:
    clock.current = datetime(2026, 9, 24, 10, 0, tzinfo=SHANGHAI)
    with httpx.Client(base_url=server.url, follow_redirects=True) as staff:
        sign_in(staff, "li", PASSWORDS["li"])
        page = staff.get("/staff/meetings").text
    days = {item.split("<strong>")[1][:5]: item for item in page.split("<li>")[1:]}
    assert "放假" in days["09-25"] and "晨会" not in days["09-25"]  # mid-autumn, a Friday
    assert "放假" in days["10-05"] and "晨会" not in days["10-05"]
    assert "10-11" not in days  # a Sunday off like any other: not listed
    assert "调休上班" in days["10-10"] and "晨会" in days["10-10"]  # a worked Saturday
    assert "月例会" in days["10-08"] and "节后顺延" in days["10-08"]  # the first working day of October


def test_made_up_addresses_and_posts_without_the_token_change_nothing(wang: httpx.Client, services: Services) -> None:
    page = wang.get("/staff/events/new").text
    assert wang.post("/staff/events/new", data=CALLIGRAPHY).status_code == 403
    assert wang.post("/staff/events/nope/edit", data={"csrf": csrf_of(page), **CALLIGRAPHY}).status_code == 404
    assert wang.get("/staff/events/nope").status_code == 404
    assert wang.get("/staff/events/nope/edit").status_code == 404
    assert wang.get("/staff/events/nope/signups.xlsx").status_code == 404
    assert wang.post("/staff/meetings/move", data={"routine": "weekly_study"}).status_code == 403
    moved = wang.post("/staff/meetings/move", data={
        "csrf": csrf_of(page), "routine": "weekly_study", "usual_at": "2026-12-02T14:30:00+08:00",  # a Wednesday
        "moved_to": "2026-12-03T15:00", "reason": "试试",
    })
    assert "没有找到这次例会" in moved.text
    assert "还没有活动" in wang.get("/staff/events").text
    assert "event_create" not in _audit(services) and "meeting_move" not in _audit(services)
