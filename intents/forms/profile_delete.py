"""The confirmation a worker gives before their personal data is deleted (a one-slot form)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from intents.context import TurnContext
from intents.event_text import cancel_all_signups
from intents.forms.engine import Slot
from intents.ids import IntentId
from intents.normalize import fold, fold_all
from intents.turn import Reply, Turn
from storage import appointments, cases, users


def parse_yes_no(text: str, ctx: TurnContext) -> bool | None:
    """True for a clear yes (确认/是/好的 …), False for a clear no, None otherwise (ask again)."""
    folded = fold(text)
    if folded in fold_all(ctx.kb.words.get("no", ())):
        return False
    if folded in fold_all(ctx.kb.words.get("yes", ())):
        return True
    return None


class ProfileDeleteForm:
    """Asks "确认删除?"; on yes cancels the worker's signups and bookings and deletes their name, phone, unit and
    message texts."""

    name: ClassVar[str] = "profile_delete"
    intent: ClassVar[IntentId] = IntentId.PROFILE_DELETE
    title_key: ClassVar[str] = "profile_form_title"
    slots: ClassVar[tuple[Slot, ...]] = (
        Slot("confirm", "profile_confirm", parse_yes_no, problem_key="profile_confirm_unclear"),
    )
    idle_expiry: ClassVar[timedelta] = timedelta(minutes=10)
    cancel_key: ClassVar[str] = "profile_kept"

    def complete(self, values: Mapping[str, Any], ctx: TurnContext) -> Turn:
        """Delete on yes; keep everything on no."""
        if not values["confirm"]:
            return Turn(Reply(ctx.say("profile_kept"), self.intent, 1.0))
        signups_cancelled, promoted = cancel_all_signups(
            session=ctx.session, kb=ctx.kb, policy=ctx.policy, user_id=ctx.user_pk, now=ctx.now
        )
        bookings = appointments.cancel_all_for_user(session=ctx.session, user_id=ctx.user_pk, now=ctx.now)
        users.delete_personal_data(session=ctx.session, user=ctx.user, now=ctx.now)
        kept = cases.clear_personal_fields(session=ctx.session, user_id=ctx.user_pk, now=ctx.now)
        lines = [ctx.say("profile_deleted")]
        if signups_cancelled:
            lines.append(ctx.say("profile_deleted_signups", count=signups_cancelled))
        if bookings:
            lines.append(ctx.say("profile_deleted_bookings", count=bookings))
        if kept:
            lines.append(ctx.say("profile_deleted_cases", count=kept))
        return Turn(Reply("\n".join(lines), self.intent, 1.0), tuple(promoted))
