"""Which staff can be reached, on which channel: what the sender routes by, what `doctor` and start-up report,
and what the dialogue knows before it tells a worker that staff were notified.

Reachable means: the staff member has an account on a channel that is switched on in this deployment. WeChat
reaches staff through the customer-service API only within 48 hours of their last message; with a template
id configured (`wechat.alert_template_id`) alerts reach them at any time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.config import Settings, StaffMember


@dataclass(frozen=True, slots=True)
class Route:
    """One way to reach a staff member: the channel and their account on it."""

    channel: str
    account: str


def routes(member: StaffMember, settings: Settings, on: Collection[str] | None = None) -> list[Route]:
    """The staff member's accounts on channels that are on, in the order alerts try them (Telegram first).

    `on`: the channels a sender actually has; default, those the settings switch on.
    """
    if on is None:
        on = {name for name, section in (("telegram", settings.telegram), ("wechat", settings.wechat)) if section.enabled}
    accounts = (Route("telegram", member.telegram), Route("wechat", member.wechat))
    return [route for route in accounts if route.account and route.channel in on]


def reachable_staff(settings: Settings) -> tuple[str, ...]:
    """Ids of the staff members with at least one route."""
    return tuple(member.id for member in settings.staff if routes(member, settings))


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def gaps(settings: Settings) -> tuple[list[str], list[str]]:
    """What cannot be alerted, as (problems, warnings) in plain words for whoever runs the server.

    Problem: nobody at all is reachable (a danger-to-life alert would reach no one). Warnings: a duty shift
    whose staff cannot be reached, a routine attendee who cannot be reminded, staff reachable only by WeChat
    without a template id (only within 48 hours of their last message).
    """
    problems: list[str] = []
    warnings: list[str] = []
    reachable = set(reachable_staff(settings))
    if settings.staff and not reachable:
        problems.append(
            "no staff member is reachable on any channel: danger-to-life alerts, new cases and tickets reach "
            "nobody (set [[staff]] telegram / wechat ids and switch the channel on)"
        )
    elif not settings.staff:
        problems.append("no [[staff]] in config.toml: alerts have nobody to go to")
    for shift in settings.duty:
        if shift.staff not in reachable:
            days = ",".join(WEEKDAYS[day - 1] for day in sorted(shift.weekdays))
            warnings.append(
                f"duty {days} {shift.start:%H:%M}-{shift.end:%H:%M}: {shift.staff} is not reachable, "
                "new cases and tickets in that shift reach nobody on duty"
            )
    attendees = {staff for routine in settings.routines for staff in routine.attendees}
    if "all" in attendees:
        attendees = {member.id for member in settings.staff}
    for staff in sorted(attendees - reachable):
        warnings.append(f"{staff} is not reachable: routine meeting reminders to them are held")
    if not settings.wechat.alert_template_id:
        wechat_only = [
            member.id
            for member in settings.staff
            if [route.channel for route in routes(member, settings)] == ["wechat"]
        ]
        if wechat_only:
            warnings.append(
                f"{', '.join(wechat_only)} reachable only by WeChat and no wechat.alert_template_id: alerts reach "
                "them only within 48 hours of their last message"
            )
    return problems, warnings
