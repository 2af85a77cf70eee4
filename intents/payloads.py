"""Button payloads: the one module that writes and reads the `kind:value` strings buttons carry.

A payload comes back from outside (a Telegram callback, a web POST, a number typed for a choice), so it is
untrusted: `parse` and `parse_event` return None for anything they do not know and never raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

MAX_CHARS = 256  # the web channel's limit; Telegram allows 64 bytes and sends a longer one's label instead

EventAction = Literal["signup", "cancel", "waitlist", "more"]
_EVENT_ACTIONS: tuple[EventAction, ...] = ("signup", "cancel", "waitlist", "more")
FormAction = Literal["continue", "cancel", "skip", "person", "edit", "field", "answer"]


class PayloadKind(StrEnum):
    """What a button does when tapped."""

    FAQ = "faq"  # answer one FAQ entry (a clarify choice)
    DETAIL = "detail"  # the longer explanation of an entry (详细说明)
    INTAKE = "intake"  # start an intake form (现在申请调解)
    EVENT = "event"  # sign up for or cancel an event: event:<action>:<event id>
    MENU = "menu"  # a service-menu button: the typical question it stands for
    FORM = "form"  # a form's own button: form:<action>[:<value>] (继续填写, 算了, 跳过, 修改, a field, 确认)
    APPOINTMENT = "appt"  # book, move or cancel an appointment: appt:<action>:<ids>


@dataclass(frozen=True, slots=True)
class Payload:
    """A parsed payload: its kind and the rest (an entry id, a form name, a question …)."""

    kind: PayloadKind
    value: str


def _format(kind: PayloadKind, value: str) -> str:
    return f"{kind.value}:{value}"


def faq(entry_id: str) -> str:
    """The payload that answers one FAQ entry."""
    return _format(PayloadKind.FAQ, entry_id)


def detail(entry_id: str) -> str:
    """The payload of an entry's 详细说明 button."""
    return _format(PayloadKind.DETAIL, entry_id)


def intake(form: str) -> str:
    """The payload that starts the intake form `form`."""
    return _format(PayloadKind.INTAKE, form)


def event(action: EventAction, event_id: int) -> str:
    """The payload that signs the worker up for (or cancels their signup to, or waitlists them at) one event;
    for "more", `event_id` is where the next screen of the list starts."""
    return _format(PayloadKind.EVENT, f"{action}:{event_id}")


def form(action: FormAction, value: str = "") -> str:
    """The payload of a form's button (the value: a field name, or the answer a quick-answer button gives)."""
    return _format(PayloadKind.FORM, f"{action}:{value}" if value else action)


def appointment(action: str, *ids: object) -> str:
    """The payload of an appointment button: service:<key>, book:<slot>, cancel:<booking>, moving:<booking>,
    move:<booking>:<slot>."""
    return _format(PayloadKind.APPOINTMENT, ":".join([action, *(str(part) for part in ids)]))


def menu(question: str) -> str:
    """The payload of a service-menu button: the question it asks on the worker's behalf."""
    return _format(PayloadKind.MENU, question)


def parse(raw: str | None) -> Payload | None:
    """The payload in `raw`, or None when it is empty, too long, of an unknown kind or has control characters."""
    if not raw or len(raw) > MAX_CHARS or not raw.isprintable():
        return None
    kind, colon, value = raw.partition(":")
    if not colon:
        return None
    try:
        return Payload(PayloadKind(kind), value)
    except ValueError:
        return None


def parse_event(value: str) -> tuple[EventAction, int] | None:
    """The action and event id of an event payload's value ("signup:12"), or None when it is not one."""
    action, _, raw_id = value.partition(":")
    if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 9:  # a forged id must not overflow SQL
        return None
    for known in _EVENT_ACTIONS:
        if action == known:
            return known, int(raw_id)
    return None


TYPED_LABEL_MAX = 16  # a button label is short; longer messages are never taken as a typed button


def typed_button(text: str, buttons: Sequence[tuple[str, str]]) -> str | None:
    """The payload of the button whose label the worker typed, or None.

    Platforms without buttons (WeChat text, SMS-like clients) show them as lines to send back, so "排候补"
    typed after a reply that offered 【排候补】 must do what the tap does. Only an exact match counts, after
    folding (traditional → simplified, punctuation and brackets dropped).
    """
    from intents.normalize import fold

    if len(text) > TYPED_LABEL_MAX:
        return None
    typed = fold(text)
    if not typed:
        return None
    return next((payload for label, payload in buttons if fold(label) == typed), None)
