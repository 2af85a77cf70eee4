"""The staff console over real HTTP: signing in, the lock, sessions and CSRF, and the day's work."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from bot.app import Services
from intents import IntentId
from storage import cases, session_scope
from storage.models import StaffAudit
from tests.bot.console.conftest import PASSWORDS, csrf_of, sign_in
from tests.intents.forms.test_wage_arrears import ANSWERS
from tests.support.live_server import LiveServer

PAGES = [
    "/staff/", "/staff/cases", "/staff/cases/export.xlsx", "/staff/tickets", "/staff/questions", "/staff/audit",
    "/staff/events", "/staff/events/new", "/staff/events/yoga/signups.xlsx", "/staff/meetings",
    "/staff/report/2026-10", "/staff/report/2026-10.md", "/staff/report/2026-10/chart.png",
]


def _chat(client: httpx.Client, text: str) -> dict[str, object]:
    response = client.post("/api/chat", json={"text": text})
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def test_signing_in_shows_today_and_signing_out_ends_the_session(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, follow_redirects=True) as client:
        assert client.get("/staff/").url.path == "/staff/signin"
        page = sign_in(client, "wang", PASSWORDS["wang"])
        assert page.status_code == 200 and "今日待办" in page.text and "王老师" in page.text
        cookie = client.cookies.get("unionbot_staff")
        assert cookie
        headers = page.history[0].headers.get_list("set-cookie")
        staff_cookie = next(value for value in headers if value.startswith("unionbot_staff="))
        assert "HttpOnly" in staff_cookie and "SameSite=strict" in staff_cookie and "Max-Age=" in staff_cookie
        client.post("/staff/signout", data={"csrf": csrf_of(page.text)})
    with httpx.Client(base_url=server.url, cookies={"unionbot_staff": cookie}) as stolen:
        assert stolen.get("/staff/").status_code == 303  # the old cookie no longer opens anything


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(server: LiveServer, services: Services) -> None:
    with httpx.Client(base_url=server.url, follow_redirects=True) as client:
        for _ in range(4):
            assert sign_in(client, "li", "guess").status_code == 401
        locked = sign_in(client, "li", "guess")
        assert locked.status_code == 429 and "锁定" in locked.text
        assert sign_in(client, "li", PASSWORDS["li"]).status_code == 429
        services.clock.advance(minutes=16)  # type: ignore[attr-defined]
        assert sign_in(client, "li", PASSWORDS["li"]).url.path == "/staff/"
    with session_scope(services.engine) as session:
        actions = [row.action for row in session.exec(select(StaffAudit).where(StaffAudit.staff_id == "li"))]
    assert actions.count("sign_in_failed") == 5 and "sign_in_locked" in actions and actions[-1] == "sign_in"


@pytest.mark.parametrize("cookie", [None, "forged.token", "abc.def"])
def test_no_page_or_export_without_a_real_session(server: LiveServer, cookie: str | None) -> None:
    cookies = {"unionbot_staff": cookie} if cookie else {}
    with httpx.Client(base_url=server.url, cookies=cookies) as client:
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 303 and response.headers["location"].startswith("/staff/signin")
        for path in ["/staff/tickets/T-001/close", "/staff/events/new", "/staff/meetings/move"]:
            assert client.post(path, data={"csrf": "x"}).status_code == 403


def test_a_cross_site_post_without_the_token_is_refused(wang: httpx.Client) -> None:
    refused = wang.post("/staff/questions/attach", data={"entry": "overtime_pay", "phrasings": "x"})
    assert refused.status_code == 403
    page = wang.get("/staff/questions")
    other_site = wang.post(
        "/staff/questions/attach",
        data={"csrf": csrf_of(page.text), "entry": "overtime_pay", "phrasings": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert other_site.status_code == 403


def test_a_status_change_reaches_the_worker_on_their_next_turn(
    server: LiveServer, wang: httpx.Client, services: Services
) -> None:
    with httpx.Client(base_url=server.url) as worker:
        for text in ["我要申请欠薪调解", *ANSWERS, "确认"]:
            _chat(worker, text)
        with session_scope(services.engine) as session:
            [case] = cases.list_cases(session=session)
            number = case.number
        listing = wang.get("/staff/cases", params={"status": "open"})
        assert number in listing.text
        page = wang.get(f"/staff/cases/{number}")
        assert "****" in page.text  # not assigned to wang: the phone is masked
        wang.post(f"/staff/cases/{number}/assign", data={"csrf": csrf_of(page.text), "staff": "wang"})
        page = wang.get(f"/staff/cases/{number}")
        assert "****" not in page.text.split('id="case-phone"')[1][:80]
        changed = wang.post(
            f"/staff/cases/{number}/status", data={"csrf": csrf_of(page.text), "status": "mediating", "note": "已约单位周五面谈"}
        )
        assert "已通知职工" in changed.text and "调解中" in changed.text
        illegal = wang.post(f"/staff/cases/{number}/status", data={"csrf": csrf_of(page.text), "status": "accepted"})
        assert "不能这样改" in illegal.text
        notices = _chat(worker, "你好")["notices"]
        assert any(number in notice and "已约单位周五面谈" in notice for notice in notices)  # type: ignore[union-attr]
        export = wang.get("/staff/cases/export.xlsx", params={"mine": "1"})
        assert export.status_code == 200 and export.content[:2] == b"PK"


def test_a_ticket_reply_goes_to_the_worker_and_closing_tells_them(server: LiveServer, wang: httpx.Client) -> None:
    with httpx.Client(base_url=server.url) as worker:
        _chat(worker, "转人工")
        listing = wang.get("/staff/tickets")
        assert "T-001" in listing.text
        page = wang.get("/staff/tickets/T-001")
        assert "转人工" in page.text
        wang.post("/staff/tickets/T-001/reply", data={"csrf": csrf_of(page.text), "text": "您好，我是王老师，请说说情况"})
        assert "我是王老师" in str(_chat(worker, "好的")["notices"])
        wang.post("/staff/tickets/T-001/close", data={"csrf": csrf_of(page.text)})
        assert "T-001" in str(_chat(worker, "谢谢")["notices"])
    audit = wang.get("/staff/audit").text
    assert "ticket_reply" in audit and "ticket_close" in audit


def test_an_attached_question_is_answered_once_a_second_person_approves(
    server: LiveServer, wang: httpx.Client, li: httpx.Client
) -> None:
    question = "夜里多熬的那几个钟头算谁的"
    with httpx.Client(base_url=server.url, timeout=30) as worker:
        first = _chat(worker, question)
        assert "第四十四条" not in str(first["reply"])  # not understood yet: no answer
        page = wang.get("/staff/questions")
        assert question in page.text
        wang.post(
            "/staff/questions/attach",
            data={"csrf": csrf_of(page.text), "entry": "overtime_pay", "phrasings": question},
        )
        own = wang.get("/staff/questions")
        assert "等另一位同事审批" in own.text
        change_id = own.text.split('id="draft-')[1].split('"')[0]
        refused = wang.post(f"/staff/questions/drafts/{change_id}", data={"csrf": csrf_of(own.text), "verdict": "approve"})
        assert refused.status_code == 409
        review = li.get("/staff/questions")
        approved = li.post(f"/staff/questions/drafts/{change_id}", data={"csrf": csrf_of(review.text), "verdict": "approve"})
        assert "已审批" in approved.text
        answer = _chat(worker, question)
        assert answer["intent"] == IntentId.LABOR_LAW.value and "《劳动法》第四十四条" in str(answer["reply"])


def test_a_workers_name_in_an_unanswered_question_is_masked(
    server: LiveServer, services: Services, wang: httpx.Client
) -> None:
    from storage.models import User

    with session_scope(services.engine) as session:
        session.add(User(channel="telegram", external_id="9001", name="赵小明", created_at=services.clock.now()))
    with httpx.Client(base_url=server.url) as worker:
        _chat(worker, "赵小明家那口子天天跟我吵吵咋整")
    page = wang.get("/staff/questions").text
    assert "赵小明" not in page
    assert "赵**家那口子" in page
