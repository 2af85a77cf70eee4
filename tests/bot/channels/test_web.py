from __future__ import annotations

import httpx
import pytest

from bot.app import Services
from bot.channels import BadPayload
from bot.channels.web import COOKIE, parse_request, render, render_page
from bot.server import create_app
from intents import Button, IntentId, Reply
from knowledge import KnowledgeBase
from storage import outbox, session_scope
from tests.support.live_server import LiveServer


def test_parse_request_accepts_text_and_buttons() -> None:
    request = parse_request({"text": " 加班费 ", "kind": "button", "payload": "faq:x", "id": "a1"})
    assert (request.text, request.kind, request.payload, request.client_id) == (
        "加班费",
        "button",
        "faq:x",
        "a1",
    )


@pytest.mark.parametrize(
    "body", [[], {"text": 3}, {"text": "x", "kind": "shell"}, {"text": "x", "id": "../../"}, {"payload": 1}]
)
def test_parse_request_refuses_malformed_bodies(body: object) -> None:
    with pytest.raises(BadPayload):
        parse_request(body)


def test_render_lists_buttons_and_notices() -> None:
    reply = Reply("答", IntentId.HELP, 1.0, (Button("入会", "menu:怎么加入工会"),))
    assert render(reply, ["通知"]) == {
        "reply": "答",
        "intent": "help",
        "buttons": [{"label": "入会", "payload": "menu:怎么加入工会"}],
        "notices": ["通知"],
        "active": None,
    }


def test_the_page_is_filled_from_the_replies_and_has_no_placeholders(kb: KnowledgeBase) -> None:
    from bot.channels.web import PAGE

    page = render_page(PAGE.read_text(encoding="utf-8"), kb)
    assert "{{" not in page and kb.reply("web_send") in page
    assert 'name="viewport"' in page


def test_a_visitor_is_known_by_cookie_across_turns(services: Services) -> None:
    with LiveServer(create_app(services)) as server, httpx.Client(base_url=server.url) as client:
        page = client.get("/")
        first = client.post("/api/chat", json={"text": "", "kind": "subscribe"})
        visitor = client.cookies[COOKIE].rpartition(".")[0]
        second = client.post("/api/chat", json={"text": "我要转人工"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert first.json()["intent"] == "greeting" and len(first.json()["buttons"]) >= 3
    assert second.status_code == 200
    assert COOKIE not in second.cookies  # kept, not re-minted
    with session_scope(services.engine) as session:
        from storage import users

        assert users.find_user(session=session, channel="web", external_id=visitor) is not None


def test_a_resent_message_is_answered_once_with_the_same_reply(services: Services) -> None:
    with LiveServer(create_app(services)) as server, httpx.Client(base_url=server.url) as client:
        one = client.post("/api/chat", json={"text": "加班费怎么算", "id": "m-1"}).json()
        two = client.post("/api/chat", json={"text": "加班费怎么算", "id": "m-1"}).json()
    assert one == two


def test_a_button_tap_sends_its_payload(services: Services) -> None:
    with LiveServer(create_app(services)) as server, httpx.Client(base_url=server.url) as client:
        menu = client.post("/api/chat", json={"text": "", "kind": "menu"}).json()
        button = next(b for b in menu["buttons"] if b["label"] == "入会")
        answer = client.post(
            "/api/chat", json={"text": button["label"], "kind": "button", "payload": button["payload"]}
        )
    assert answer.json()["intent"] == "join_union"


def _queue_for(services: Services, visitor: str, text: str) -> None:
    """A message waiting in the outbox for a web visitor (a waitlist place, a case update)."""
    with session_scope(services.engine) as session:
        outbox.enqueue(
            session=session, channel="web", recipient=visitor, text=text, reason="notice", now=services.clock.now()
        )


def test_messages_waiting_for_a_visitor_are_shown_on_their_next_turn(services: Services) -> None:
    with LiveServer(create_app(services)) as server, httpx.Client(base_url=server.url) as client:
        client.post("/api/chat", json={"text": "你好"})
        _queue_for(services, client.cookies[COOKIE].rpartition(".")[0], "您报名的活动有名额了")
        notices = client.post("/api/chat", json={"text": "谢谢"}).json()["notices"]
        again = client.post("/api/chat", json={"text": "谢谢"}).json()["notices"]
    assert notices == ["您报名的活动有名额了"]
    assert again == []


def test_a_malformed_body_gets_400_without_a_traceback(services: Services) -> None:
    with LiveServer(create_app(services)) as server:
        response = httpx.post(
            f"{server.url}/api/chat", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json() == {"error": "BadPayload"}


def test_the_server_issues_a_signed_httponly_cookie_and_ignores_values_it_did_not_issue(
    services: Services,
) -> None:
    with LiveServer(create_app(services)) as server:
        with httpx.Client(base_url=server.url) as honest:
            first = honest.post("/api/chat", json={"text": "你好"})
            issued = honest.cookies[COOKIE]
        victim = issued.rpartition(".")[0]
        _queue_for(services, victim, "您的案件有进展了")
        forged_values = [victim, f"{victim}.forged-signature", "staff-wang-visitor-id-123456"]
        answers = []
        for value in forged_values:
            with httpx.Client(base_url=server.url, cookies={COOKIE: value}) as attacker:
                answers.append(attacker.post("/api/chat", json={"text": "你好"}))
        with httpx.Client(base_url=server.url, cookies={COOKIE: issued}) as back:
            mine = back.post("/api/chat", json={"text": "你好"})
    header = first.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header
    for answer in answers:
        assert answer.json()["notices"] == []  # the victim's message is not shown to a forged cookie
        assert answer.cookies[COOKIE] != issued  # a fresh identity is issued instead
    assert mine.json()["notices"] == ["您的案件有进展了"]
    assert COOKIE not in mine.cookies


def test_a_cookie_stays_valid_across_a_restart(services: Services) -> None:
    with LiveServer(create_app(services)) as server, httpx.Client(base_url=server.url) as client:
        client.post("/api/chat", json={"text": "你好"})
        issued = client.cookies[COOKIE]
    with (
        LiveServer(create_app(services)) as server,
        httpx.Client(base_url=server.url, cookies={COOKIE: issued}) as client,
    ):
        again = client.post("/api/chat", json={"text": "你好"})
    assert COOKIE not in again.cookies  # recognised: the key is kept in the database


def test_the_history_is_the_verified_visitors_own_and_nobody_elses(any_services: Services) -> None:
    with LiveServer(create_app(any_services)) as server:
        with httpx.Client(base_url=server.url) as worker:
            worker.post("/api/chat", json={"text": "我要申请欠薪调解"})
            worker.post("/api/chat", json={"text": "北京鑫达装饰有限公司"})
            issued = worker.cookies[COOKIE]
            history = worker.get("/api/history").json()
        victim = issued.rpartition(".")[0]
        with httpx.Client(base_url=server.url) as newcomer:
            empty = newcomer.get("/api/history").json()
        forged = []
        for value in (victim, f"{victim}.forged-signature"):
            with httpx.Client(base_url=server.url, cookies={COOKIE: value}) as attacker:
                forged.append(attacker.get("/api/history").json())
    mine = [line["text"] for line in history["messages"] if line["from"] == "me"]
    assert mine == ["我要申请欠薪调解", "北京鑫达装饰有限公司"]
    assert "在哪里" in history["messages"][-1]["text"]
    assert history["active"].startswith("您正在填写欠薪调解登记")
    assert empty == {"messages": [], "active": None}
    assert forged == [{"messages": [], "active": None}] * 2
