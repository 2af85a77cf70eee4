"""Conversation(services, user="w1").say("老板拖欠工资三个月了") -> Reply: a worker talking to the bot."""

from __future__ import annotations

import itertools

from bot.app import Services
from bot.pipeline import process
from intents import Inbound, Reply

_ids = itertools.count(1)


class Conversation:
    """One worker's chat, through the same pipeline every channel uses."""

    def __init__(self, services: Services, user: str = "w1", channel: str = "console") -> None:
        self.services = services
        self.user = user
        self.channel = channel
        self.replies: list[Reply] = []

    def _send(
        self, text: str, kind: str = "text", payload: str | None = None, message_id: str | None = None
    ) -> Reply:
        inbound = Inbound(
            channel=self.channel,
            user_id=self.user,
            text=text,
            message_id=message_id or f"m{next(_ids)}",
            received_at=self.services.clock.now(),
            kind=kind,  # type: ignore[arg-type]
            payload=payload,
        )
        reply = process(self.services, inbound).reply
        self.replies.append(reply)
        return reply

    def say(self, text: str, *, message_id: str | None = None) -> Reply:
        return self._send(text, message_id=message_id)

    def press(self, label: str, payload: str) -> Reply:
        """A button press as a platform hands it over, whatever its payload (an old or a forged button)."""
        return self._send(label, kind="button", payload=payload)

    def tap(self, label: str) -> Reply:
        """Tap the button with this label on the last reply."""
        last = self.replies[-1]
        button = next(b for b in last.buttons if b.label == label)
        return self._send(button.label, kind="button", payload=button.payload)

    def menu(self, question: str) -> Reply:
        """Tap the service-menu item that asks `question` (the menu of WeChat, Telegram and the web page)."""
        return self._send(question, kind="menu", payload=f"menu:{question}")
