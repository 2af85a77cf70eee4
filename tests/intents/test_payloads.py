"""Button payloads: what a button writes is read back the same; whatever else comes back is None, never a crash."""

from __future__ import annotations

import pytest

from intents import payloads
from intents.payloads import Payload, PayloadKind


def test_every_payload_a_button_writes_reads_back_as_written() -> None:
    assert payloads.parse(payloads.faq("overtime_pay")) == Payload(PayloadKind.FAQ, "overtime_pay")
    assert payloads.parse(payloads.detail("overtime_pay")) == Payload(PayloadKind.DETAIL, "overtime_pay")
    assert payloads.parse(payloads.intake("wage_arrears")) == Payload(PayloadKind.INTAKE, "wage_arrears")
    assert payloads.parse(payloads.menu("怎么加入工会")) == Payload(PayloadKind.MENU, "怎么加入工会")
    event = payloads.parse(payloads.event("cancel", 12))
    assert event == Payload(PayloadKind.EVENT, "cancel:12")
    assert payloads.parse_event(event.value) == ("cancel", 12)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "faq",  # no colon
        "hack:1",  # unknown kind
        ":x",
        "FAQ:x",  # kinds are lower case
        "menu:" + "长" * 300,  # longer than any button writes
        "menu:a\nb",  # control characters
        "faq:\x00",
    ],
)
def test_a_payload_no_button_wrote_is_none(raw: str | None) -> None:
    assert payloads.parse(raw) is None


@pytest.mark.parametrize(
    "value",
    [
        "signup",
        "signup:",
        "signup:x",
        "join:12",
        "cancel:-1",
        "cancel:１２",
        "signup:1:2",
        "cancel:" + "9" * 40,
    ],
)
def test_an_event_payload_that_is_not_action_and_id_is_none(value: str) -> None:
    assert payloads.parse_event(value) is None
