"""The staff desk for command-line commands: one transaction per command, refusals printed as staff read them."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from bot.errors import SaidError
from intents.staff.desk import OPERATOR, Desk, Refusal
from storage import session_scope


@contextmanager
def operator_desk(args: argparse.Namespace, *, staff: str | None = None) -> Iterator[Desk]:
    """A desk for whoever runs the server (`staff`: who acts, default the operator), committed on success.

    Raises:
        SaidError: the desk refused; the message is the refusal's reply sentence. Nothing is written.
    """
    from bot.cli import services_for

    services = services_for(args)
    with session_scope(services.engine) as session:
        desk = Desk.for_operator(
            session=session,
            kb=services.kb,
            policy=services.policy,
            now=services.clock.now(),
            staff=staff or OPERATOR,
        )
        try:
            yield desk
        except Refusal as refusal:
            raise SaidError(refusal.render(desk.say)) from refusal
