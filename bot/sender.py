"""The sender: claim due outbox rows, hand each to its channel, record the attempt, back off; never decides content."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from bot import reach
from bot.app import Services
from bot.bell import Bell
from bot.channels.base import Channel, Delivery, OutboxRow
from bot.config import OutboxSettings, StaffMember
from bot.metrics import Metrics
from intents import OutboxItem
from intents.context import render
from intents.outbox import write as write_outbox
from storage import notify, outbox, session_scope
from storage.models import Outbox

log = logging.getLogger(__name__)

STAFF = "staff"  # rows addressed to a staff member by their id in config.toml [[staff]]
REASON_FAILED = "delivery_failed"  # the alert to staff that a row was given up


@dataclass(frozen=True, slots=True)
class _Elsewhere:
    """A row this sender does not send now: the delivery to record, and a new address if it moves."""

    delivery: Delivery
    readdress: tuple[str, str] | None = None


class Sender:
    """Delivers outbox rows for the push channels of this process, one channel's rows in order.

    Any number of processes may run a sender: rows are claimed in the database. Telegram's flood control
    (RetryAfter) pauses that channel; WeChat's closed 48-hour window holds the row until the worker writes.
    """

    def __init__(
        self,
        services: Services,
        channels: Sequence[Channel],
        metrics: Metrics,
        settings: OutboxSettings | None = None,
        *,
        run_sync: Callable[..., Awaitable[Any]] | None = None,
    ) -> None:
        self.services = services
        # Database work goes through the server's limiter (one writer at a time on SQLite) when given.
        self._run_sync = run_sync or run_in_threadpool
        self.settings = settings or services.settings.outbox
        self.channels: dict[str, Channel] = {channel.name: channel for channel in channels if channel.push}
        self.metrics = metrics
        self.staff: Mapping[str, StaffMember] = {member.id: member for member in services.settings.staff}
        self.web_on = any(channel.name == "web" for channel in channels)
        self.bell = Bell(self.settings.poll_seconds, self.settings.idle_poll_seconds)
        self._paused_until: dict[str, float] = {}

    def wake(self) -> None:
        """Deliver now instead of at the next poll (a turn queued rows, a late WeChat answer)."""
        self.bell.ring()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; a failing round is logged and the loop goes on."""
        listening = asyncio.ensure_future(notify.listen(self.services.engine, self.wake, stop))
        while not stop.is_set():
            try:
                delivered = await self.deliver_due()
            except Exception:  # the loop must outlive a database hiccup; the rows stay and are retried
                log.exception("outbox round failed")
                delivered = 0
            await self.bell.wait(stop, busy=bool(delivered))
        await listening

    async def deliver_due(self) -> int:
        """One round: claim what is due, deliver it per channel concurrently. Returns how many were tried."""
        now_mono = time.monotonic()
        names = [name for name in self.channels if self._paused_until.get(name, 0.0) <= now_mono]
        wanted = [*names, STAFF]
        rows: list[Outbox] = await self._run_sync(self._claim, wanted)
        if not rows:
            return 0
        by_channel: dict[str, list[tuple[Outbox, str, str]]] = {}
        for row in rows:
            target = self._address(row)
            if isinstance(target, _Elsewhere):
                await self._run_sync(self._record, row, target.delivery, target.readdress)
            else:
                by_channel.setdefault(target[0], []).append((row, *target))
        await asyncio.gather(*(self._deliver(name, items) for name, items in by_channel.items()))
        return len(rows)

    def _claim(self, channels: list[str]) -> list[Outbox]:
        settings = self.settings
        with session_scope(self.services.engine) as session:
            return outbox.claim_due(
                session=session,
                channels=channels,
                now=self.services.clock.now(),
                limit=settings.batch,
                claim_seconds=settings.claim_seconds,
            )

    def _address(self, row: Outbox) -> tuple[str, str] | _Elsewhere:
        """(channel, recipient) for a row; a staff row goes to the first of the member's routes (Telegram, then
        WeChat) this sender can use and has not given up on for this row (`tried`), so a failing channel falls
        back to the next at once. A row this sender cannot send comes back as what to record instead."""
        if row.channel != STAFF:
            return row.channel, row.recipient
        member = self.staff.get(row.recipient)
        if member is None:
            return _Elsewhere(Delivery("retry", detail="unknown staff id"))
        usable = reach.routes(member, self.services.settings, self.channels)
        tried = set(filter(None, row.tried.split(",")))
        for route in [route for route in usable if route.channel not in tried] or usable:
            return route.channel, route.account
        return _Elsewhere(Delivery("retry", detail="no reachable account for this staff member"))

    async def _deliver(self, name: str, items: list[tuple[Outbox, str, str]]) -> None:
        channel = self.channels[name]
        interval = float(getattr(channel, "min_interval", 0.0))
        for index, (row, _, recipient) in enumerate(items):
            if self._paused_until.get(name, 0.0) > time.monotonic():
                # Flood control hit earlier in this batch: the rest waits too, without counting an attempt.
                wait = self._paused_until[name] - time.monotonic()
                await self._run_sync(
                    self._record, row, Delivery("retry", retry_after=wait, detail="paused"), None, False
                )
                continue
            assert row.id is not None
            item = OutboxRow(row.id, name, recipient, row.text, row.reason, row.attempts, staff=row.channel == STAFF)
            delivery = await channel.send(item)
            self.metrics.deliveries.labels(name, delivery.status).inc()
            if delivery.retry_after:
                self._paused_until[name] = time.monotonic() + delivery.retry_after
            if delivery.status != "sent":
                log.info("outbox row %s on %s: %s %s", row.id, name, delivery.status, delivery.detail)
            await self._run_sync(self._record, row, delivery, None, True, name)
            if interval and index + 1 < len(items):
                await asyncio.sleep(interval)

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try after `attempts` failed ones: doubling from backoff_seconds, capped."""
        settings = self.settings
        return float(min(settings.backoff_seconds * 2 ** max(attempts - 1, 0), settings.backoff_max_seconds))

    def _record(
        self,
        row: Outbox,
        delivery: Delivery,
        readdress: tuple[str, str] | None = None,
        counts: bool = True,
        via: str | None = None,
    ) -> None:
        assert row.id is not None
        now = self.services.clock.now()
        with session_scope(self.services.engine) as session:
            if readdress is not None:
                outbox.readdress(
                    session=session, row_id=row.id, channel=readdress[0], recipient=readdress[1], now=now
                )
            elif delivery.status == "sent":
                outbox.mark_sent(session=session, row_id=row.id, now=now)
            elif row.channel == STAFF and via is not None and self._fallback(row, via) is not None:
                # Another of the member's channels is left: try it now rather than wait on a failing one.
                tried = self._fallback(row, via)
                outbox.mark_retry(session=session, row_id=row.id, not_before=now, error=delivery.detail, tried=tried)
            elif delivery.status == "hold" and row.channel != STAFF:
                outbox.mark_held(session=session, row_id=row.id, error=delivery.detail, now=now)
            elif delivery.status == "dead" or (counts and row.attempts >= self.settings.max_attempts):
                error = delivery.detail or "too many attempts"
                outbox.mark_dead(session=session, row_id=row.id, error=error)
                self._given_up(session, row, via or row.channel, error)
            else:
                delay = (
                    delivery.retry_after if delivery.retry_after is not None else self.backoff(row.attempts)
                )
                outbox.mark_retry(
                    session=session,
                    row_id=row.id,
                    not_before=now + timedelta(seconds=delay),
                    error=delivery.detail,
                    tried="" if row.channel == STAFF else None,  # every channel failed: a new round later
                )

    def _fallback(self, row: Outbox, failed: str) -> str | None:
        """The staff row's `tried` list with `failed` added, when one of the member's channels is still untried."""
        member = self.staff.get(row.recipient)
        if member is None:
            return None
        tried = set(filter(None, row.tried.split(","))) | {failed}
        left = reach.routes(member, self.services.settings, self.channels)
        if not [route for route in left if route.channel not in tried]:
            return None
        return ",".join(sorted(tried))

    def _given_up(self, session: Session, row: Outbox, channel: str, error: str) -> None:
        """A row is dead: count it, log it, and tell the staff (one coalesced alert), never silently."""
        self.metrics.dead.labels(channel, row.reason).inc()
        log.error("outbox row %s (%s on %s) given up after %s attempt(s): %s", row.id, row.reason, channel, row.attempts, error)
        if row.reason == REASON_FAILED:
            return  # an alert about a failed alert: the log and the metric say it
        who = self.staff[row.recipient].name if row.channel == STAFF and row.recipient in self.staff else row.recipient
        text = render(
            self.services.kb.reply("delivery_failed_staff"),
            self.services.policy.facts,
            channel=channel,
            recipient=who,
            reason=row.reason,
            excerpt=row.text[:60],
        )
        others = [staff for staff in reach.reachable_staff(self.services.settings) if staff != row.recipient]
        write_outbox(
            session=session,
            items=[OutboxItem(STAFF, staff, text, REASON_FAILED, coalesce_key=REASON_FAILED) for staff in others],
            now=self.services.clock.now(),
        )
